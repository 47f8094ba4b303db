"""Pengaduan: complaints received, how far they got, how fast, what is still open, and where."""

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from lentera.core import config, fmt
from lentera.core.i18n import t
from lentera.services import tinjauan
from lentera.warehouse import pengaduan
from lentera.web import chart, cite, ui, url

ui.page_header(t("pages.pengaduan"), t("pages.pengaduan_intro"))
ui.require_warehouse()

MIN = config.MIN_CASES_FOR_RANKING
live = pengaduan.live_version()
options = ui.cached(pengaduan.filter_options, live=live)
as_of = ui.cached(pengaduan.as_of)


def pick(name: str, default=None, cast=str):
    """A selectbox for one filter, seeded from the URL and mirrored back into it."""
    return ui.filter_select("pengaduan", name, options[name], default, cast)


def _to_int(v):
    return int(v)


with st.expander(t("pengaduan.filters"), icon=":material/filter_alt:",
                 expanded=any(f in st.query_params for f in pengaduan.FILTERS)):
    c1, c2, c3 = st.columns(3)
    with c1:
        tahun = pick("tahun", default=as_of.year, cast=_to_int)
        kanal = pick("kanal")
    with c2:
        kategori = pick("kategori")
        kecamatan = pick("kecamatan")
    with c3:
        opd = pick("opd")

filters = dict(tahun=tahun, kategori=kategori, kanal=kanal, kecamatan=kecamatan, opd=opd,
               live=live)
n_live = pengaduan.live_frame().height
st.caption(t("pengaduan.as_of", date=fmt.date(as_of),
             live=t("pengaduan.live_n", n=fmt.number(n_live)) if n_live
             else t("pengaduan.live_none")))

# -- headline figures ---------------------------------------------------------------------------
r = ui.cached(pengaduan.ringkasan, **filters)
w = ui.cached(pengaduan.mingguan, **filters)
if not r["jumlah"]:
    st.info(t("pengaduan.tidak_ada"))
    st.stop()
m1, m2 = st.columns(2)
m3, m4 = st.columns(2)
m1.metric(t("pengaduan.m_jumlah"), fmt.number(r["jumlah"]))
m2.metric(t("pengaduan.m_tepat"), fmt.percent(r["persen_tepat_waktu"]),
          help=t("pengaduan.m_tepat_help"))
m3.metric(t("pengaduan.m_terbuka"), fmt.number(r["terbuka"]),
          delta=t("pengaduan.m_terbuka_delta", n=fmt.number(r["terbuka_lewat"])),
          delta_color="off")
delta = w["minggu_lalu"] - w["minggu_sebelumnya"]
m4.metric(t("pengaduan.m_minggu", date=fmt.date(w["minggu_lalu_mulai"])),
          fmt.number(w["minggu_lalu"]),
          delta=t("pengaduan.m_minggu_delta", delta=f"{delta:+d}"), delta_color="off")
st.caption(f"{t('pengaduan.m_median')}: "
           + t("pengaduan.m_median_value", median=fmt.number(r["median_hari_kerja"], 1),
               p90=fmt.number(r["p90_hari_kerja"], 1)))
if r["rahasia"]:
    st.caption(t("pengaduan.rahasia_note", n=fmt.number(r["rahasia"])))

# -- volume over time ---------------------------------------------------------------------------
st.subheader(t("pengaduan.volume_title"))
per_opts = list(pengaduan.PER_VOLUME)
per = url.choice("pengaduan", "per", per_opts, default="kategori", label=t("pengaduan.per"),
                 kind="segmented_control", format_func=lambda v: t(f"pengaduan.per_{v}"))
vol = ui.cached(pengaduan.per_bulan, per=per, **filters)
fig = go.Figure()
for i, (grp, rows) in enumerate(vol.group_by("kelompok", maintain_order=True)):
    fig.add_bar(x=rows["bulan"].to_list(), y=rows["jumlah"].to_list(), name=str(grp[0]),
                marker_color=chart.PALETTE[i % len(chart.PALETTE)])
fig.update_layout(barmode="stack", height=380, xaxis_title=t("pengaduan.bulan"),
                  yaxis_title=t("pengaduan.jumlah"))
chart.chart(fig, vol, name="pengaduan-per-bulan", key="pengaduan_chart_volume")

# -- status funnel ------------------------------------------------------------------------------
st.subheader(t("pengaduan.alur_title"))
alur = ui.cached(pengaduan.alur, **filters)
fig = go.Figure(go.Funnel(y=[t(f"pengaduan.tahap_{s}") for s in alur["tahap"]],
                          x=alur["jumlah"].to_list(), marker_color=chart.PALETTE[0],
                          textinfo="value+percent initial"))
fig.update_layout(height=300)
chart.chart(fig, alur, name="pengaduan-alur", key="pengaduan_chart_alur")

# -- speed per stage, by category or OPD ------------------------------------------------------
st.subheader(t("pengaduan.tahap_title"))
tahap_per = url.choice("pengaduan", "tahap_per", list(pengaduan.PER_TAHAP), default="kategori",
                       label=t("pengaduan.per"), kind="segmented_control",
                       format_func=lambda v: t(f"pengaduan.per_{v}"))
tahap = ui.cached(pengaduan.waktu_tahap, per=tahap_per, **filters)
cukup = tahap.filter(pl.col("cukup"))
sedikit = tahap.filter(~pl.col("cukup"))
if not cukup.is_empty():
    fig = go.Figure()
    names = cukup["kelompok"].to_list()
    fig.add_bar(y=names, x=cukup["median_selesai"].to_list(), name=t("pengaduan.median"),
                orientation="h", marker_color=chart.PALETTE[0])
    fig.add_bar(y=names, x=cukup["p90_selesai"].to_list(), name=t("pengaduan.p90"),
                orientation="h", marker_color=chart.PALETTE[1])
    if tahap_per == "kategori":
        fig.add_scatter(y=names, x=cukup["target_hari_kerja"].to_list(), mode="markers",
                        name=t("pengaduan.target"),
                        marker=dict(symbol="line-ns-open", size=18, color="#000000"))
    fig.update_layout(barmode="group", height=max(300, 42 * len(names)),
                      yaxis=dict(autorange="reversed"), title=t("pengaduan.tahap_chart"))
    chart.chart(fig, tahap, name=f"pengaduan-tahap-{tahap_per}", key="pengaduan_chart_tahap",
                caption=t("pengaduan.tahap_caption", min=MIN))
table = tahap.select(
    pl.col("kelompok").alias(t("pengaduan.c_kelompok")),
    pl.col("jumlah").alias(t("pengaduan.c_jumlah")),
    pl.when(pl.col("cukup")).then(pl.col("persen_tepat_waktu")).alias(t("pengaduan.c_tepat")),
    *[pl.when(pl.col("cukup")).then(pl.col(f"median_{s}")).alias(t(f"pengaduan.c_{s}"))
      for s in ("verifikasi", "disposisi", "tindak_lanjut", "selesai")],
    pl.col("terbuka").alias(t("pengaduan.c_terbuka")),
)
st.dataframe(table, hide_index=True, width="stretch",
             column_config={t("pengaduan.c_tepat"): st.column_config.NumberColumn(format="percent")})
if not sedikit.is_empty():
    st.caption(t("pengaduan.terlalu_sedikit_list", min=MIN,
                 names=", ".join(sedikit["kelompok"].to_list())))

# -- open backlog -------------------------------------------------------------------------------
st.subheader(t("pengaduan.tunggakan_title"))
tung = ui.cached(pengaduan.tunggakan, **filters)
if tung.is_empty():
    st.info(t("pengaduan.tunggakan_kosong"))
else:
    fig = go.Figure()
    for i, sumbu in enumerate(("umur", "lewat")):
        rows = tung.filter(pl.col("sumbu") == sumbu)
        fig.add_bar(x=rows["kelompok"].to_list(), y=rows["jumlah"].to_list(),
                    name=t(f"pengaduan.tunggakan_{sumbu}"), marker_color=chart.PALETTE[i],
                    xaxis="x" if sumbu == "umur" else "x2", yaxis="y" if sumbu == "umur" else "y2")
    fig.update_layout(grid=dict(rows=2, columns=1, pattern="independent"), height=460,
                      xaxis=dict(type="category"), xaxis2=dict(type="category"))
    chart.chart(fig, tung, name="pengaduan-tunggakan", key="pengaduan_chart_tunggakan")

# -- map per 1,000 residents --------------------------------------------------------------------
st.subheader(t("pengaduan.peta_title"))
kec = ui.cached(pengaduan.per_kecamatan, **filters)
deck = pengaduan.peta_kecamatan(kec, t("pengaduan.peta_tooltip", nama="{nama}",
                                       jumlah="{jumlah}", per_1000="{per_1000}"))
chart.deck(deck, kec.drop("geojson"), name="pengaduan-per-kecamatan", key="pengaduan_chart_peta",
           caption=t("pengaduan.peta_caption", n=int(kec["penduduk_estimasi"].sum()),
                     total=kec.height))

# -- channels and who they leave out ---------------------------------------------------------
st.subheader(t("pengaduan.kanal_title"))
kanal_rows = ui.cached(pengaduan.per_kanal, **filters)
st.markdown("\n".join(
    "- " + t("pengaduan.kanal_line", kanal=t(f"pengaduan.kanal_{k}"), jumlah=fmt.number(n),
             bagian=fmt.percent(b), catatan=t(f"pengaduan.catatan_{k}"))
    for k, n, b in kanal_rows.iter_rows()
))
st.caption(t("pengaduan.catatan_umum"))

# -- "Anda melapor, kami bertindak": what was resolved in the last full week (public digest) --------
st.subheader(t("petugas.digest_title"))
d_year, d_week = ui.cached(tinjauan.latest_week)
digest = ui.cached(tinjauan.digest, year=d_year, week=d_week)
d_start, d_end = tinjauan.week_bounds(d_year, d_week)
st.caption(t("pengaduan.digest_week", mulai=fmt.date(d_start), akhir=fmt.date(d_end)))
st.markdown(t("petugas.digest_body", n=fmt.number(digest["total"])))
if not digest["per_kategori"].is_empty():
    fig = px.bar(digest["per_kategori"], x="jumlah", y="kategori", orientation="h")
    fig.update_layout(height=max(220, 28 * digest["per_kategori"].height),
                      yaxis=dict(autorange="reversed", title=None), xaxis_title=None)
    chart.chart(fig, digest["per_kategori"], name=f"pengaduan-digest-{d_year}-w{d_week}",
                key="pengaduan_chart_digest")
for a in digest["answers"]:
    with st.container(border=True):
        st.caption(f"{a['ticket']} · {a['kategori']}")
        st.text(a["jawaban"])  # an official's public answer, shown as text

# ---- cite this view ------------------------------------------------------------------------------
cite.cite_box(t("pages.pengaduan"))
