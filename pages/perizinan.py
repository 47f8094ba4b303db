"""Perizinan: how long permits and civil-registry documents take, against their legal standard."""

import polars as pl
import streamlit as st

from lentera.core import config, fmt
from lentera.core.i18n import t
from lentera.figures import layanan as lembar
from lentera.figures import perizinan as figures
from lentera.warehouse import layanan as layanan_ref
from lentera.warehouse import perizinan
from lentera.web import chart, cite, tables, ui, url
from lentera.web import ikm as ikm_section

ui.page_header(t("pages.perizinan"), t("pages.perizinan_intro"))
ui.require_warehouse()

MIN = config.MIN_CASES_FOR_RANKING
JEDA = config.PAUSE_FLAG_DAYS
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
memo = tuple(sorted(filters.items()))  # what every figure below depends on (chart.chart's memo)
st.caption(t("perizinan.as_of", date=fmt.date(as_of)))

r = ui.cached(perizinan.ringkasan, **filters)
if not r["jumlah"]:
    st.info(t("perizinan.tidak_ada"))
    st.stop()
per_layanan = ui.cached(perizinan.per_kelompok, per="layanan", **filters)


def base(kohort: str) -> chart.Base:
    """The base of a figure on this page: received in the chosen year, the cohort, as of."""
    return chart.Base(*figures.dasar(tahun, as_of, kohort))


def angka(value, digits: int = 0) -> str:
    return fmt.number(value, digits) if value is not None else "–"

# -- the citizen's question first: in words, for the most requested service unless one is chosen
with st.container(border=True):
    st.subheader(t("perizinan.tanya_title"))
    services = per_layanan["kelompok"].to_list()
    tanya = url.choice("perizinan", "tanya", services,
                       default=layanan or perizinan.paling_diminta(per_layanan),
                       label=t("perizinan.tanya_pilih"), omit_default=False)
    est = perizinan.perkiraan(per_layanan, tanya)
    if est is not None:
        target = lembar.target_kata(est["target"])
        if not est["cukup"]:
            st.markdown(t("perizinan.tanya_sedikit", layanan=tanya, n=est["terbit"],
                          target=target))
        else:
            kunci = ("perizinan.tanya_kata_tanpa_target" if est["target"] is None
                     else "perizinan.tanya_kata")
            st.markdown(t(kunci, layanan=tanya, target=target,
                          kata=lembar.waktu_kata(est["median"], est["p90"])))
            st.caption(t("perizinan.tanya_angka", median=angka(est["median"], 1),
                         p90=angka(est["p90"], 1), median_kotor=angka(est["median_kotor"], 1),
                         n=fmt.number(est["terbit"])))
        if est["tidak_terbit"]:
            st.markdown(t("perizinan.tanya_tidak_terbit", n=fmt.number(est["tidak_terbit"]),
                          median=angka(est["median_tidak_terbit"])))
        dasar, tanda = layanan_ref.dasar(tanya)
        st.caption(" ".join(x for x in (
            t("perizinan.tanya_dasar_tanda", dasar=dasar, tanda=t(f"layanan.sumber_{tanda}"))
            if dasar else None, base("terbit").text) if x))
        kode = layanan_ref.kode_of(tanya)
        if kode:
            st.page_link("pages/layanan.py", label=t("perizinan.tanya_ke_layanan"),
                         icon=":material/menu_book:", query_params={"layanan": kode})

# -- headline figures ---------------------------------------------------------------------------
m1, m2 = st.columns(2)
m3, m4 = st.columns(2)
m5, m6 = st.columns(2)
m1.metric(t("perizinan.m_jumlah"), fmt.number(r["jumlah"]))
m2.metric(t("perizinan.m_terbit"), fmt.number(r["terbit"]),
          delta=t("perizinan.m_terbit_delta", n=fmt.number(r["tidak_terbit"])),
          delta_color="off", delta_arrow="off")
m3.metric(t("perizinan.m_tepat"), fmt.percent(r["persen_tepat_waktu"]),
          help=t("perizinan.m_tepat_help"))
m4.metric(t("perizinan.m_tepat_kotor"), fmt.percent(r["persen_tepat_waktu_kotor"]),
          help=t("perizinan.m_tepat_kotor_help"))
m5.metric(t("perizinan.m_terbuka"), fmt.number(r["terbuka"]),
          delta=t("perizinan.m_terbuka_delta", n=fmt.number(r["terbuka_lewat"])),
          delta_color="off", delta_arrow="off",
          help=t("perizinan.m_terbuka_help", date=fmt.date(as_of)))
m6.metric(t("perizinan.m_nib"), fmt.number(r["nib_terbit"]))
st.caption(t("perizinan.ringkasan_caption",
             tidak_terbit=fmt.percent(r["persen_tepat_waktu_tidak_terbit"]),
             tanpa_standar=fmt.number(r["tanpa_standar"]),
             terbit_tanpa_standar=fmt.number(r["terbit_tanpa_standar"]),
             ditunda=fmt.percent(r["persen_ditunda"]), batas=JEDA,
             jeda=fmt.number(r["jeda_panjang"])) + " " + base("semua").text)
if r["jeda_panjang"]:
    st.warning(t("perizinan.jeda_panjang_flag", n=fmt.number(r["jeda_panjang"]), batas=JEDA),
               icon=":material/flag:")


def ranked(frame: pl.DataFrame, title: str, key: str, with_target: bool) -> None:
    """Median and p90 bars net and gross (target marker) for rankable groups, the table, the
    too-few list, and the flag of pauses above the limit."""
    st.subheader(title)
    ok = frame.filter(pl.col("cukup"))
    if not ok.is_empty():
        chart.chart(lambda: figures.waktu_proses(ok, with_target=with_target), frame,
                    name=f"perizinan-{key}", key=f"perizinan_chart_{key}",
                    caption=t("perizinan.ranking_caption", min=MIN), base=base("terbit"),
                    memo=(memo, with_target))
    cols = [
        pl.col("kelompok").alias(t("perizinan.c_kelompok")),
        pl.col("jumlah").alias(t("perizinan.c_jumlah")),
        pl.col("terbit").alias(t("perizinan.c_terbit")),
        pl.col("tidak_terbit").alias(t("perizinan.c_tidak_terbit")),
        pl.when(pl.col("cukup")).then(pl.col("median_hari_kerja")).alias(t("perizinan.c_median")),
        pl.when(pl.col("cukup")).then(pl.col("median_hari_kotor"))
        .alias(t("perizinan.c_median_kotor")),
        pl.when(pl.col("cukup")).then(pl.col("p90_hari_kerja")).alias(t("perizinan.c_p90")),
    ]
    if with_target:
        cols.append(pl.when(pl.col("tanpa_standar") > 0).then(pl.lit(t("perizinan.tanpa_standar")))
                    .otherwise(pl.col("target_hari_kerja").cast(pl.String))
                    .alias(t("perizinan.c_target")))
    else:
        cols.append(pl.col("tanpa_standar").alias(t("perizinan.c_tanpa_standar")))
    cols += [
        pl.when(pl.col("cukup")).then(pl.col("persen_tepat_waktu")).alias(t("perizinan.c_tepat")),
        pl.when(pl.col("cukup")).then(pl.col("persen_tepat_waktu_kotor"))
        .alias(t("perizinan.c_tepat_kotor")),
        pl.when(pl.col("cukup")).then(pl.col("persen_tepat_waktu_tidak_terbit"))
        .alias(t("perizinan.c_tepat_tidak_terbit")),
        pl.col("persen_ditunda").alias(t("perizinan.c_ditunda")),
        pl.col("jeda_panjang").alias(t("perizinan.c_jeda_panjang", batas=JEDA)),
        pl.col("terbuka").alias(t("perizinan.c_terbuka")),
        pl.col("terbuka_lewat").alias(t("perizinan.c_lewat")),
        pl.col("max_hari_lewat").alias(t("perizinan.c_max_lewat")),
    ]
    percent = st.column_config.NumberColumn(format="percent")
    tables.show(frame.select(cols), hide_index=True, width="stretch",
                 column_config={t(c): percent for c in (
                     "perizinan.c_tepat", "perizinan.c_tepat_kotor",
                     "perizinan.c_tepat_tidak_terbit", "perizinan.c_ditunda")})
    st.caption(t("perizinan.tabel_caption", batas=JEDA) + " " + base("semua").text)
    few = frame.filter(~pl.col("cukup"))
    if not few.is_empty():
        st.caption(t("perizinan.terlalu_sedikit_list", min=MIN,
                     names=", ".join(few["kelompok"].to_list())))
    flagged = frame.filter(pl.col("jeda_panjang") > 0)
    if not flagged.is_empty():
        st.warning(t("perizinan.jeda_panjang_list", batas=JEDA, names=", ".join(
            f"{k} ({n})" for k, n in flagged.select("kelompok", "jeda_panjang").iter_rows())),
            icon=":material/flag:")


ranked(per_layanan, t("perizinan.layanan_title"), "layanan", with_target=True)
ranked(ui.cached(perizinan.per_kelompok, per="kantor", **filters), t("perizinan.kantor_title"),
       "kantor", with_target=False)

# -- per kecamatan, per 1,000 residents ---------------------------------------------------------
st.subheader(t("perizinan.kecamatan_title"))
kec = ui.cached(perizinan.per_kecamatan, **filters)
chart.chart(lambda: figures.per_1000(kec), kec, name="perizinan-per-kecamatan", memo=memo,
            key="perizinan_chart_kecamatan", base=base("semua"),
            caption=t("perizinan.kecamatan_caption", n=int(kec["penduduk_estimasi"].sum()),
                      total=kec.height))

# -- NIB by sector and scale (the UMKM picture) ------------------------------------------------
st.subheader(t("perizinan.nib_title"))
nib = ui.cached(perizinan.nib, **filters)
if nib.is_empty():
    st.info(t("perizinan.nib_kosong"))
else:
    chart.chart(lambda: figures.nib(nib), nib, name="perizinan-nib", key="perizinan_chart_nib",
                base=base("nib"), memo=memo)

# -- citizen satisfaction (IKM, Permenpan RB 14/2017) from the ratings in the store ----------------
ikm_section.section("service")

# ---- cite this view ------------------------------------------------------------------------------
cite.cite_box(t("pages.perizinan"))
