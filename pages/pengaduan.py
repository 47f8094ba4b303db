"""Pengaduan: complaints received, how far they got, how fast, what is still open, and where."""

import polars as pl
import streamlit as st

from lentera.core import config, fmt, frames
from lentera.core.i18n import t
from lentera.figures import digest as digest_fig
from lentera.figures import maps
from lentera.figures import pengaduan as fig_p
from lentera.services import tinjauan
from lentera.warehouse import pengaduan
from lentera.web import chart, cite, legend, tables, ui, url
from lentera.web import ikm as ikm_section
from lentera.web.text import literal

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
memo = tuple(sorted(filters.items()))  # what every figure below depends on (chart.chart's memo)
BATAS = config.PAUSE_FLAG_DAYS
# One rule for live reports: counted when received on or before the as-of date, never after it.
stamp = ui.cached(pengaduan.live_stamp, as_of_date=as_of, live=live)
st.caption(t("pengaduan.as_of", date=fmt.date(as_of),
             live=t("pengaduan.live_n", n=fmt.number(stamp["dihitung"])) if stamp["dihitung"]
             else t("pengaduan.live_none"), sesudah=fmt.number(stamp["sesudah"])))
# Every figure states its base: flows (received in / finished of those) and the stock (as of).
periode = str(tahun) if tahun else t("pengaduan.semua_tahun")
per_slug = f"per-{as_of.isoformat()}"
base_masuk = chart.Base(t("pengaduan.base_masuk", periode=periode, date=fmt.date(as_of)),
                        f"masuk-{tahun or 'semua'}_{per_slug}")
base_selesai = chart.Base(t("pengaduan.base_selesai", periode=periode, date=fmt.date(as_of)),
                          f"selesai-dari-masuk-{tahun or 'semua'}_{per_slug}")
base_stok = chart.Base(t("pengaduan.base_stok", date=fmt.date(as_of)), f"terbuka_{per_slug}")

# -- headline figures ---------------------------------------------------------------------------
r = ui.cached(pengaduan.ringkasan, **filters)
w = ui.cached(pengaduan.mingguan, **filters)
if not r["jumlah"] and not r["terbuka"]:
    st.info(t("pengaduan.tidak_ada"))
    st.stop()
m1, m2 = st.columns(2)
m3, m4 = st.columns(2)
m1.metric(t("pengaduan.m_jumlah"), fmt.number(r["jumlah"]))
# net of pauses is the official verdict; gross stands beside it so pauses cannot hide lateness
m2.metric(t("pengaduan.m_tepat"), fmt.percent(r["persen_tepat_waktu"]),
          delta=t("pengaduan.m_tepat_kotor", persen=fmt.percent(r["persen_tepat_waktu_kotor"])),
          delta_color="off", delta_arrow="off", help=t("pengaduan.m_tepat_help"))
m3.metric(t("pengaduan.m_terbuka"), fmt.number(r["terbuka"]),
          delta=t("pengaduan.m_terbuka_delta", n=fmt.number(r["terbuka_lewat"]),
                  kotor=fmt.number(r["terbuka_lewat_kotor"])),
          delta_color="off", delta_arrow="off",
          help=t("pengaduan.m_terbuka_help", date=fmt.date(as_of)))
delta = w["minggu_lalu"] - w["minggu_sebelumnya"]
m4.metric(t("pengaduan.m_minggu", date=fmt.date(w["minggu_lalu_mulai"])),
          fmt.number(w["minggu_lalu"]),
          delta=t("pengaduan.m_minggu_delta", delta=f"{delta:+d}"), delta_color="off")
st.caption(f"{t('pengaduan.m_median')}: "
           + t("pengaduan.m_median_value", median=fmt.number(r["median_hari_kerja"], 1),
               p90=fmt.number(r["p90_hari_kerja"], 1),
               median_kotor=fmt.number(r["median_hari_kotor"], 1),
               p90_kotor=fmt.number(r["p90_hari_kotor"], 1)) + " " + base_selesai.text)
st.caption(t("pengaduan.stok_note", date=fmt.date(as_of), n=fmt.number(r["terbuka"]),
             lama=fmt.number(r["terbuka_tahun_lalu"]), periode=periode) + " "
           + t("pengaduan.jeda_note", n=fmt.number(r["ditunda"]), jumlah=fmt.number(r["jumlah"]),
               panjang=fmt.number(r["jeda_panjang"]), terbuka=fmt.number(r["terbuka_jeda_panjang"]),
               batas=BATAS))
if r["terbuka_jeda_panjang"] or r["jeda_panjang"]:
    st.warning(t("pengaduan.jeda_flag", batas=BATAS, n=fmt.number(r["jeda_panjang"]),
                 terbuka=fmt.number(r["terbuka_jeda_panjang"])), icon=":material/pause_circle:")
if r["rahasia"]:
    st.caption(t("pengaduan.rahasia_note", n=fmt.number(r["rahasia"])))

# -- volume over time ---------------------------------------------------------------------------
st.subheader(t("pengaduan.volume_title"))
per_opts = list(pengaduan.PER_VOLUME)
per = url.choice("pengaduan", "per", per_opts, default="kategori", label=t("pengaduan.per"),
                 kind="segmented_control", format_func=lambda v: t(f"pengaduan.per_{v}"))
vol = ui.cached(pengaduan.per_bulan, per=per, **filters)
chart.chart(lambda: fig_p.per_bulan(vol), vol, name="pengaduan-per-bulan",
            key="pengaduan_chart_volume", base=base_masuk, memo=(memo, per))

# -- status funnel ------------------------------------------------------------------------------
st.subheader(t("pengaduan.alur_title"))
alur = ui.cached(pengaduan.alur, **filters)
chart.chart(lambda: fig_p.alur(alur), alur, name="pengaduan-alur", key="pengaduan_chart_alur",
            base=base_masuk, memo=memo)

# -- speed per stage, by category or OPD ------------------------------------------------------
st.subheader(t("pengaduan.tahap_title"))
tahap_per = url.choice("pengaduan", "tahap_per", list(pengaduan.PER_TAHAP), default="kategori",
                       label=t("pengaduan.per"), kind="segmented_control",
                       format_func=lambda v: t(f"pengaduan.per_{v}"))
tahap = ui.cached(pengaduan.waktu_tahap, per=tahap_per, **filters)
cukup = tahap.filter(pl.col("cukup"))
sedikit = tahap.filter(~pl.col("cukup"))
if not cukup.is_empty():
    chart.chart(lambda: fig_p.waktu_selesai(cukup, with_target=tahap_per == "kategori"), tahap,
                name=f"pengaduan-tahap-{tahap_per}", key="pengaduan_chart_tahap",
                caption=t("pengaduan.tahap_caption", min=MIN), base=base_selesai,
                memo=(memo, tahap_per))
table = tahap.select(
    pl.col("kelompok").alias(t("pengaduan.c_kelompok")),
    pl.col("jumlah").alias(t("pengaduan.c_jumlah")),
    pl.when(pl.col("cukup")).then(pl.col("persen_tepat_waktu")).alias(t("pengaduan.c_tepat")),
    pl.when(pl.col("cukup")).then(pl.col("persen_tepat_waktu_kotor"))
    .alias(t("pengaduan.c_tepat_kotor")),
    *[pl.when(pl.col("cukup")).then(pl.col(f"median_{s}")).alias(t(f"pengaduan.c_{s}"))
      for s in ("verifikasi", "disposisi", "tindak_lanjut", "selesai", "selesai_kotor")],
    pl.col("bagian_ditunda").alias(t("pengaduan.c_ditunda")),
    pl.col("jeda_panjang").alias(t("pengaduan.c_jeda_panjang", batas=BATAS)),
    pl.col("terbuka").alias(t("pengaduan.c_terbuka")),
)
# shares in the reader's notation: Streamlit's own "percent" format writes 87.79% in any language
shares = (t("pengaduan.c_tepat"), t("pengaduan.c_tepat_kotor"), t("pengaduan.c_ditunda"))
tables.show(frames.formatted(table, {
    c: fmt.percent if c in shares else lambda v: fmt.number(v, 1)
    for c, kind in table.schema.items() if kind.is_float()}), hide_index=True, width="stretch")
if not sedikit.is_empty():
    st.caption(t("pengaduan.terlalu_sedikit_list", min=MIN,
                 names=", ".join(sedikit["kelompok"].to_list())))

# -- open backlog: the stock on the as-of date, whatever year each complaint arrived ----------------
st.subheader(t("pengaduan.tunggakan_title", date=fmt.date(as_of)))
tung = ui.cached(pengaduan.tunggakan, **filters)
if tung.is_empty():
    st.info(t("pengaduan.tunggakan_kosong"))
else:
    chart.chart(lambda: fig_p.tunggakan(tung), tung, name="pengaduan-tunggakan",
                key="pengaduan_chart_tunggakan", base=base_stok, memo=memo)

# -- map per 1,000 residents --------------------------------------------------------------------
st.subheader(t("pengaduan.peta_title"))
kec = ui.cached(pengaduan.per_kecamatan, **filters)
legend.show(t("pengaduan.peta_legend"),
            [(fmt.number(v, 1), rgb) for v, rgb in maps.shade_legend(kec["per_1000"].to_list())])
chart.deck(lambda: maps.peta_kecamatan(kec, t("pengaduan.peta_tooltip", nama="{nama}",
                                              jumlah="{jumlah}", per_1000="{per_1000}")),
           kec.drop("geojson"), name="pengaduan-per-kecamatan", key="pengaduan_chart_peta",
           caption=t("pengaduan.peta_caption", n=int(kec["penduduk_estimasi"].sum()),
                     total=kec.height), base=base_masuk, memo=memo)

# -- on-time rate per kecamatan: every kecamatan side by side, under the same filters ----------------
st.subheader(t("pengaduan.kec_title"))
st.caption(t("pengaduan.kec_intro"))
kec_urut = url.choice("pengaduan", "kec_urut", ["tepat", "nama"], default="tepat",
                      label=t("pengaduan.kec_urut"), kind="segmented_control",
                      format_func=lambda v: t(f"pengaduan.kec_urut_{v}"))
tepat_kec = ui.cached(pengaduan.tepat_per_kecamatan, **filters)
if kec_urut == "nama":
    tepat_kec = tepat_kec.sort("nama_kecamatan")
banding = tepat_kec.filter(pl.col("cukup"))
if banding.is_empty():
    st.info(t("pengaduan.kec_semua_sedikit", min=MIN))
else:
    # the whole regency's rate is the headline's when no kecamatan narrows it
    chart.chart(lambda: fig_p.tepat_kecamatan(
                    banding, pilih=kecamatan, rata=None if kecamatan else r["persen_tepat_waktu"]),
                tepat_kec, name="pengaduan-tepat-kecamatan", key="pengaduan_chart_tepat_kec",
                caption=t("pengaduan.kec_caption", min=MIN), base=base_selesai,
                memo=(memo, kec_urut))
tables.show(tepat_kec.select(
    pl.col("nama_kecamatan").alias(t("pengaduan.c_kecamatan")),
    pl.col("jumlah").alias(t("pengaduan.c_jumlah")),
    pl.col("dinilai").alias(t("pengaduan.c_dinilai")),
    *[pl.when(pl.col("cukup")).then(frames.values(tepat_kec[c], fmt.percent))
      .otherwise(pl.lit(t("pengaduan.terlalu_sedikit"))).alias(t(label))
      for c, label in (("persen_tepat_waktu", "pengaduan.c_tepat"),
                       ("persen_tepat_waktu_kotor", "pengaduan.c_tepat_kotor"))],
), hide_index=True, width="stretch", key="pengaduan_tabel_tepat_kec")

# -- channels and who they leave out ---------------------------------------------------------
st.subheader(t("pengaduan.kanal_title"))
kanal_rows = ui.cached(pengaduan.per_kanal, **filters)
st.markdown("\n".join(
    "- " + t("pengaduan.kanal_line", kanal=t(f"pengaduan.kanal_{k}"), jumlah=fmt.number(n),
             bagian=fmt.percent(b), catatan=t(f"pengaduan.catatan_{k}"))
    for k, n, b in kanal_rows.iter_rows()
))
st.caption(t("pengaduan.catatan_umum") + " " + base_masuk.text)

# -- "Anda melapor, kami bertindak": what was resolved in the last full week (public digest) --------
st.subheader(t("petugas.digest_title"))
d_year, d_week = ui.cached(tinjauan.latest_week)
digest = ui.cached(tinjauan.digest, year=d_year, week=d_week)
d_start, d_end = tinjauan.week_bounds(d_year, d_week)
st.caption(t("pengaduan.digest_week", mulai=fmt.date(d_start), akhir=fmt.date(d_end)))
st.markdown(t("petugas.digest_body", n=fmt.number(digest["total"])))
if not digest["per_kategori"].is_empty():
    chart.chart(lambda: digest_fig.per_kategori(digest["per_kategori"]), digest["per_kategori"],
                memo=(d_year, d_week),
                name="pengaduan-digest", key="pengaduan_chart_digest",
                base=chart.Base(t("pengaduan.base_minggu", mulai=fmt.date(d_start),
                                  akhir=fmt.date(d_end)),
                                f"selesai-{d_start.isoformat()}-{d_end.isoformat()}"))
for a in digest["answers"]:
    with st.container(border=True):
        st.caption(f"{literal(a['ticket'])} · {literal(a['kategori'])}")
        st.text(a["jawaban"])  # an official's public answer, shown as text

# -- citizen satisfaction (IKM, Permenpan RB 14/2017) from the ratings in the store ----------------
ikm_section.section("office")

# ---- cite this view ------------------------------------------------------------------------------
cite.cite_box(t("pages.pengaduan"))
