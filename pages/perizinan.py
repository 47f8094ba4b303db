"""Perizinan: how long permits and civil-registry documents take, against their legal standard."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from lentera.core import config, fmt
from lentera.core.i18n import t
from lentera.warehouse import perizinan
from lentera.web import chart, cite, ui, url

ui.page_header(t("pages.perizinan"), t("pages.perizinan_intro"))
ui.require_warehouse()

MIN = config.MIN_CASES_FOR_RANKING
options = ui.cached(perizinan.filter_options)
as_of = ui.cached(perizinan.as_of)


def pick(name: str, default=None, cast=str):
    """A selectbox for one filter, seeded from the URL and mirrored back into it."""
    return ui.filter_select("perizinan", name, options[name], default, cast)


with st.expander(t("perizinan.filters"), icon=":material/filter_alt:",
                 expanded=any(f in st.query_params for f in perizinan.FILTERS)):
    c1, c2 = st.columns(2)
    with c1:
        tahun = pick("tahun", default=as_of.year, cast=int)
        kantor = pick("kantor")
    with c2:
        layanan = pick("layanan")
        kecamatan = pick("kecamatan")
filters = dict(tahun=tahun, layanan=layanan, kantor=kantor, kecamatan=kecamatan)
st.caption(t("perizinan.as_of", date=fmt.date(as_of)))

r = ui.cached(perizinan.ringkasan, **filters)
if not r["jumlah"]:
    st.info(t("perizinan.tidak_ada"))
    st.stop()
per_layanan = ui.cached(perizinan.per_kelompok, per="layanan", **filters)

# -- the citizen's question first ---------------------------------------------------------------
with st.container(border=True):
    st.subheader(t("perizinan.tanya_title"))
    services = per_layanan["kelompok"].to_list()
    tanya = url.choice("perizinan", "tanya", services, default=layanan or services[0],
                       label=t("perizinan.tanya_pilih"), omit_default=False)
    est = perizinan.perkiraan(per_layanan, tanya)
    if est is not None:
        target = fmt.number(est["target"]) if est["target"] is not None else "–"
        if not est["cukup"]:
            st.markdown(t("perizinan.tanya_sedikit", layanan=tanya, n=est["selesai"],
                          target=target))
        elif est["target"] is None:
            st.markdown(t("perizinan.tanya_tanpa_target", layanan=tanya,
                          median=fmt.number(est["median"], 0), p90=fmt.number(est["p90"], 0)))
        else:
            st.markdown(t("perizinan.tanya_jawab", layanan=tanya, median=fmt.number(est["median"]),
                          p90=fmt.number(est["p90"]), target=target))
        dasar = per_layanan.filter(pl.col("kelompok") == tanya)["dasar"][0]
        if dasar:
            st.caption(t("perizinan.tanya_dasar", dasar=dasar))

# -- headline figures ---------------------------------------------------------------------------
m1, m2 = st.columns(2)
m3, m4 = st.columns(2)
m1.metric(t("perizinan.m_jumlah"), fmt.number(r["jumlah"]))
m2.metric(t("perizinan.m_tepat"), fmt.percent(r["persen_tepat_waktu"]),
          help=t("perizinan.m_tepat_help"))
m3.metric(t("perizinan.m_terbuka"), fmt.number(r["terbuka"]),
          delta=t("perizinan.m_terbuka_delta", n=fmt.number(r["terbuka_lewat"])),
          delta_color="off")
m4.metric(t("perizinan.m_nib"), fmt.number(r["nib_terbit"]))


def ranked(frame: pl.DataFrame, title: str, key: str, with_target: bool) -> None:
    """Median and p90 bars (target marker) for rankable groups, the table, the too-few list."""
    st.subheader(title)
    ok = frame.filter(pl.col("cukup"))
    if not ok.is_empty():
        names = ok["kelompok"].to_list()
        fig = go.Figure()
        fig.add_bar(y=names, x=ok["median_hari_kerja"].to_list(), name=t("perizinan.median"),
                    orientation="h", marker_color=chart.PALETTE[0])
        fig.add_bar(y=names, x=ok["p90_hari_kerja"].to_list(), name=t("perizinan.p90"),
                    orientation="h", marker_color=chart.PALETTE[1])
        if with_target:
            fig.add_scatter(y=names, x=ok["target_hari_kerja"].to_list(), mode="markers",
                            name=t("perizinan.target"),
                            marker=dict(symbol="line-ns-open", size=18, color="#000000"))
        fig.update_layout(barmode="group", height=max(280, 42 * len(names)),
                          yaxis=dict(autorange="reversed"), xaxis_title=t("perizinan.hari_kerja"),
                          title=t("perizinan.layanan_chart"))
        chart.chart(fig, frame, name=f"perizinan-{key}", key=f"perizinan_chart_{key}",
                    caption=t("perizinan.ranking_caption", min=MIN))
    cols = [
        pl.col("kelompok").alias(t("perizinan.c_kelompok")),
        pl.col("jumlah").alias(t("perizinan.c_jumlah")),
        pl.when(pl.col("cukup")).then(pl.col("median_hari_kerja")).alias(t("perizinan.c_median")),
        pl.when(pl.col("cukup")).then(pl.col("p90_hari_kerja")).alias(t("perizinan.c_p90")),
    ]
    if with_target:
        cols.append(pl.col("target_hari_kerja").alias(t("perizinan.c_target")))
    cols += [
        pl.when(pl.col("cukup")).then(pl.col("persen_tepat_waktu")).alias(t("perizinan.c_tepat")),
        pl.col("terbuka").alias(t("perizinan.c_terbuka")),
        pl.col("terbuka_lewat").alias(t("perizinan.c_lewat")),
        pl.col("max_hari_lewat").alias(t("perizinan.c_max_lewat")),
    ]
    st.dataframe(frame.select(cols), hide_index=True, width="stretch",
                 column_config={t("perizinan.c_tepat"):
                                st.column_config.NumberColumn(format="percent")})
    few = frame.filter(~pl.col("cukup"))
    if not few.is_empty():
        st.caption(t("perizinan.terlalu_sedikit_list", min=MIN,
                     names=", ".join(few["kelompok"].to_list())))


ranked(per_layanan, t("perizinan.layanan_title"), "layanan", with_target=True)
ranked(ui.cached(perizinan.per_kelompok, per="kantor", **filters), t("perizinan.kantor_title"),
       "kantor", with_target=False)

# -- per kecamatan, per 1,000 residents ---------------------------------------------------------
st.subheader(t("perizinan.kecamatan_title"))
kec = ui.cached(perizinan.per_kecamatan, **filters)
fig = go.Figure(go.Bar(y=kec["nama_kecamatan"].to_list(), x=kec["per_1000"].to_list(),
                       orientation="h", marker_color=chart.PALETTE[2],
                       name=t("perizinan.per_1000")))
fig.update_layout(height=max(280, 34 * kec.height), yaxis=dict(autorange="reversed"),
                  title=t("perizinan.kecamatan_chart"))
chart.chart(fig, kec, name="perizinan-per-kecamatan", key="perizinan_chart_kecamatan",
            caption=t("perizinan.kecamatan_caption", n=int(kec["penduduk_estimasi"].sum()),
                      total=kec.height))

# -- NIB by sector and scale (the UMKM picture) ------------------------------------------------
st.subheader(t("perizinan.nib_title"))
nib = ui.cached(perizinan.nib, **filters)
if nib.is_empty():
    st.info(t("perizinan.nib_kosong"))
else:
    def sektor(code: str) -> str:
        return t(f"perizinan.kbli_{code}") if code != "?" else t("perizinan.kbli_lainnya")

    def skala(code: str) -> str:
        return t(f"perizinan.skala_{code}") if code != "?" else t("perizinan.skala_tidak_diketahui")

    fig = go.Figure()
    for i, (grp, rows) in enumerate(nib.group_by("skala_usaha", maintain_order=True)):
        fig.add_bar(y=[sektor(c) for c in rows["kbli_kategori"]], x=rows["jumlah"].to_list(),
                    name=skala(grp[0]), orientation="h",
                    marker_color=chart.PALETTE[i % len(chart.PALETTE)])
    fig.update_layout(barmode="stack", height=max(280, 30 * nib["kbli_kategori"].n_unique()),
                      yaxis=dict(autorange="reversed"), xaxis_title=t("perizinan.jumlah"))
    chart.chart(fig, nib, name="perizinan-nib", key="perizinan_chart_nib")

# ---- cite this view ------------------------------------------------------------------------------
cite.cite_box(t("pages.perizinan"))
