"""Musrenbang: the proposals map (or list), the pipeline to money, duplicates and placement checks."""

import re

import polars as pl
import streamlit as st

from lentera.core import fmt, frames
from lentera.core.i18n import t
from lentera.figures import maps
from lentera.figures import musrenbang as figures
from lentera.warehouse import geo, musrenbang
from lentera.web import chart, cite, legend, tables, ui, url
from lentera.web.text import literal

ui.page_header(t("pages.musrenbang"), t("musrenbang.intro"))
ui.require_warehouse()

PAGE = "musrenbang"
LIST_LIMIT = 500  # rows drawn in the list view; the downloads carry all of them
opts = ui.cached(musrenbang.filter_options)


def _label(prefix: str, labels: dict | None = None):
    """format_func for a filter select: "" is "all", else a translated or looked-up label."""
    def show(value: str) -> str:
        if value == "":
            return t("musrenbang.all")
        if labels is not None:
            return labels.get(value, value)
        return t(f"musrenbang.{prefix}_{value}")
    return show


# --- filters (every one bound to the URL: a copied link reopens the same view) ---------------
_active = sum(1 for k in ("tahun", "status", "sumber", "kecamatan", "bidang", "opd")
              if st.query_params.get(k))
# collapsed on first visit so the map is near the top on a phone; open when a link sets filters
with st.expander(t("musrenbang.filters") + (f" ({_active})" if _active else ""),
                 expanded=bool(_active), icon=":material/filter_list:"):
    c1, c2, c3 = st.columns(3)
    tahun = url.choice(PAGE, "tahun", ["", *[v for v, _ in opts["tahun"]]], default="",
                       label=t("musrenbang.f_tahun"), format_func=_label("", {}), where=c1)
    status = url.choice(PAGE, "status", ["", *musrenbang.STATUSES], default="",
                        label=t("musrenbang.f_status"), format_func=_label("st"), where=c2)
    sumber = url.choice(PAGE, "sumber", ["", *musrenbang.SUMBER], default="",
                        label=t("musrenbang.f_sumber"), format_func=_label("src"), where=c3)
    c4, c5, c6 = st.columns(3)
    kecamatan = url.choice(PAGE, "kecamatan", ["", *[v for v, _ in opts["kecamatan"]]],
                           default="", label=t("musrenbang.f_kecamatan"),
                           format_func=_label("", dict(opts["kecamatan"])), where=c4)
    bidang = url.choice(PAGE, "bidang", ["", *[v for v, _ in opts["bidang"]]], default="",
                        label=t("musrenbang.f_bidang"), format_func=_label("", {}), where=c5)
    opd = url.choice(PAGE, "opd", ["", *[v for v, _ in opts["opd"]]], default="",
                     label=t("musrenbang.f_opd"), format_func=_label("", dict(opts["opd"])),
                     where=c6)
    radius = url.choice(PAGE, "radius", [50, 100, 250, 500, 1000],
                        default=int(musrenbang.DEFAULT_RADIUS_M), label=t("musrenbang.radius"),
                        kind="select_slider")

filters = {"tahun": int(tahun) if tahun else None, "status": status or None,
           "sumber": sumber or None, "bidang": bidang or None, "opd": opd or None,
           "kecamatan": kecamatan or None}
query = {"radius_m": float(radius), **filters}  # what every frame below is computed from
rows = ui.cached(musrenbang.usulan_filtered, **query)

# --- "from proposal to money" for one sub kegiatan (the Anggaran page links here) ------------
kode_sub = ui.qp_get("kode_sub_kegiatan", "")
if kode_sub and re.fullmatch(r"[0-9]+(\.[0-9]+){1,6}", kode_sub):
    linked = ui.cached(musrenbang.proposals_for_sub_kegiatan, kode=kode_sub,
                       tahun=filters["tahun"])
    years = sorted(set(linked["tahun_rkpd"].to_list())) or ([filters["tahun"]]
                                                             if filters["tahun"] else [])
    with st.container(border=True):
        for year in years:
            st.subheader(t("musrenbang.sub_title", kode=kode_sub, tahun=year))
            money = ui.cached(musrenbang.sub_kegiatan_money, kode=kode_sub, tahun=int(year))
            if money is None:
                st.info(t("musrenbang.sub_not_found", kode=kode_sub, tahun=year))
                continue
            if money.get("nama_sub_kegiatan"):
                st.markdown(f"**{literal(money['nama_sub_kegiatan'])}** · "
                            f"{literal(money.get('nama_skpd') or '')}")
            m1, m2, m3 = st.columns(3)
            m1.metric(t("musrenbang.sub_pagu"), fmt.rupiah(money["pagu"]))
            m2.metric(t("musrenbang.sub_realisasi"), fmt.rupiah(money["realisasi"]))
            m3.metric(t("musrenbang.col_serapan"),
                      fmt.percent(money["serapan"]) if money["serapan"] is not None else "–")
        st.caption(t("musrenbang.sub_proposals", n=fmt.number(linked.height)))
        tables.show(linked.select("id_usulan", "tahun_rkpd", "usulan", "nama_desa",
                                   "nama_kecamatan", "status"),
                     hide_index=True, width="stretch", key="sub_list")
        if st.button(t("musrenbang.sub_clear"), key="sub_clear"):
            ui.qp_set(kode_sub_kegiatan=None)
            st.rerun()

# --- headline figures ---------------------------------------------------------------------
n_funded = int((rows["tahap_tercapai"] >= 5).sum()) if rows.height else 0
n_dup = int(rows["grup_duplikat"].is_not_null().sum()) if rows.height else 0
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("musrenbang.m_count"), fmt.number(rows.height))
m2.metric(t("musrenbang.m_cost"), fmt.rupiah(rows["perkiraan_biaya"].sum() if rows.height else 0))
m3.metric(t("musrenbang.m_funded"), fmt.number(n_funded))
m4.metric(t("musrenbang.m_duplicates"), fmt.number(n_dup))

if rows.height == 0:
    st.info(t("musrenbang.none"))
    st.stop()

view = url.choice(PAGE, "view", ["map", "list"], default="map", label=t("musrenbang.view"),
                  kind="segmented_control", format_func=lambda v: t(f"musrenbang.view_{v}"))

status_label = {s: t(f"musrenbang.st_{s}") for s in musrenbang.STATUSES}
stage_label = {s: t(f"musrenbang.st_{s}") for s in musrenbang.STAGES}


def _texts(frame: pl.DataFrame) -> pl.DataFrame:
    """Human-readable status, stage and rupiah columns for tooltips and the list (display only)."""
    return frame.with_columns(
        pl.col("status").replace_strict(status_label, default=pl.col("status"))
        .alias("status_teks"),
        pl.col("tahap_tercapai").replace_strict(
            {i: stage_label[s] for i, s in enumerate(musrenbang.STAGES, start=1)},
            default="–", return_dtype=pl.String).alias("tahap_teks"),
        frames.values(frame["perkiraan_biaya"], fmt.rupiah, name="biaya_teks"),
    )


geojson_name = chart.file_name("usulan_musrenbang", "geojson")
if view == "list":
    # A phone on a weak signal cannot take ten thousand rows: the first LIST_LIMIT are shown,
    # every row is one click away in the downloads below.
    shown = _texts(rows.head(LIST_LIMIT))
    st.caption(t("musrenbang.list_caption", n=fmt.number(rows.height)))
    if rows.height > LIST_LIMIT:
        st.caption(t("musrenbang.list_cut", shown=fmt.number(LIST_LIMIT),
                     n=fmt.number(rows.height)))
    tables.show(
        shown.select("id_usulan", "tahun_rkpd", "usulan", "nama_desa", "nama_kecamatan",
                     "status_teks", "tahap_teks", "biaya_teks", "grup_duplikat", "alasan"),
        hide_index=True, width="stretch", key="usulan_list",
        column_config={
            "id_usulan": "ID", "tahun_rkpd": st.column_config.NumberColumn(
                t("musrenbang.col_tahun"), format="%d"),
            "usulan": t("musrenbang.col_usulan"), "nama_desa": t("musrenbang.col_desa"),
            "nama_kecamatan": t("musrenbang.col_kecamatan"),
            "status_teks": t("musrenbang.col_status"), "tahap_teks": t("musrenbang.col_tahap"),
            "biaya_teks": t("musrenbang.col_biaya"),
            "grup_duplikat": t("musrenbang.col_duplikat"), "alasan": t("musrenbang.col_alasan"),
        },
    )
    d1, d2, d3 = st.columns(3)
    d1.download_button(t("chart.download_csv"), lambda: chart.csv_bytes(rows),
                       file_name=chart.file_name("usulan_musrenbang", "csv"), mime="text/csv",
                       key="list_csv", on_click="ignore", width="stretch")
    d2.download_button(t("chart.download_xlsx"), lambda: chart.xlsx_bytes(rows),
                       file_name=chart.file_name("usulan_musrenbang", "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="list_xlsx", on_click="ignore", width="stretch")
    d3.download_button(t("musrenbang.download_geojson"), lambda: musrenbang.geojson_bytes(rows),
                       file_name=geojson_name, mime="application/geo+json",
                       key="list_geojson", on_click="ignore", width="stretch")


def _map_parts() -> tuple:
    """(deck, caption, legend keys, ring key, legend title, rows with a point) of the map."""
    located = rows.filter(pl.col("lat").is_not_null() & pl.col("lng").is_not_null())
    shapes = {"desa": geo.shapes("desa"), "kecamatan": geo.shapes("kecamatan")}
    if located.height <= musrenbang.MAP_POINT_LIMIT:
        tip = (f"{t('musrenbang.tip_usulan')}: {{usulan}}\n{t('musrenbang.tip_desa')}: "
               f"{{nama_desa}}, {{nama_kecamatan}}\n{t('musrenbang.tip_status')}: {{status_teks}}"
               f"\n{t('musrenbang.tip_biaya')}: {{biaya_teks}}\n"
               f"{t('musrenbang.tip_tahun')}: {{tahun_rkpd}}\n{{dup_teks}}")
        pts = _texts(located).with_columns(
            pl.col("grup_duplikat").is_not_null().alias("duplikat"),
            pl.when(pl.col("grup_duplikat").is_not_null())
            .then(pl.format(t("musrenbang.tip_duplikat", g="{}"), pl.col("grup_duplikat")))
            .otherwise(pl.lit("")).alias("dup_teks"),
        ).select("usulan", "nama_desa", "nama_kecamatan", "status", "status_teks", "biaya_teks",
                 "tahun_rkpd", "dup_teks", "duplikat", "lat", "lng")
        deck = maps.points_deck(pts, tip, **shapes)
        caption = t("musrenbang.map_points_caption")
        keys = [(status_label[s], rgb) for s, rgb in maps.STATUS_RGB.items()]
        key_ring = t("musrenbang.legend_duplikat")
        key_title = t("musrenbang.legend_status")
        return deck, caption, keys, key_ring, key_title, located.height
    agg = musrenbang.per_desa(located)
    agg = agg.with_columns(frames.values(agg["perkiraan_biaya"], fmt.rupiah,
                                         name="biaya_teks"))
    tip = (f"{t('musrenbang.tip_desa')}: {{nama_desa}}\n{t('musrenbang.tip_kecamatan')}: "
           f"{{nama_kecamatan}}\n{t('musrenbang.tip_jumlah')}: {{jumlah}}\n"
           f"{t('musrenbang.tip_biaya')}: {{biaya_teks}}")
    deck = maps.choropleth_deck(agg, tip, **shapes)
    caption = t("musrenbang.map_choropleth_caption", n=fmt.number(located.height))
    keys = [(fmt.number(lo) if lo == hi else f"{fmt.number(lo)}–{fmt.number(hi)}", rgb)
            for lo, hi, rgb in maps.choropleth_legend(agg)]
    key_ring = None
    key_title = t("musrenbang.legend_per_desa")
    return deck, caption, keys, key_ring, key_title, located.height


if view == "map":
    # the map and its legend, built once per filters, language and data version (chart.kept)
    deck, caption, keys, key_ring, key_title, located = chart.kept(
        "musrenbang-peta", tuple(sorted(query.items())), _map_parts)
    legend.show(key_title, keys, ring=key_ring)
    chart.deck(deck, rows, name="usulan_musrenbang", key="usulan_map", caption=caption)
    st.download_button(t("musrenbang.download_geojson"), lambda: musrenbang.geojson_bytes(rows),
                       file_name=geojson_name, mime="application/geo+json",
                       key="map_geojson", on_click="ignore")
    if located < rows.height:
        st.caption(t("musrenbang.map_no_point", n=fmt.number(rows.height - located)))

# --- pipeline -----------------------------------------------------------------------------
st.subheader(t("musrenbang.pipeline"))
fun = ui.derived(musrenbang.funnel, musrenbang.usulan_filtered, **query)
memo = tuple(sorted(query.items()))
chart.chart(lambda: figures.alur(fun, stage_label), fun, name="usulan_alur", key="funnel",
            caption=t("musrenbang.pipeline_caption"), memo=memo)

by = url.choice(PAGE, "rincian", ["nama_kecamatan", "bidang_urusan"], default="nama_kecamatan",
                label=t("musrenbang.pipeline_by"), kind="segmented_control",
                format_func=lambda v: t("musrenbang.by_kecamatan") if v == "nama_kecamatan"
                else t("musrenbang.by_bidang"))
mix = ui.derived(musrenbang.stage_mix_by, musrenbang.usulan_filtered, by, **query)
chart.chart(lambda: figures.tahap_per(mix, by, musrenbang.STAGES, stage_label), mix,
            name=f"usulan_tahap_per_{by}", key="stage_mix", memo=(memo, by))

st.subheader(t("musrenbang.rejections"))
reasons = ui.derived(musrenbang.rejection_reasons, musrenbang.usulan_filtered, **query)
if reasons.is_empty():
    st.info(t("musrenbang.no_rejections"))
else:
    tables.capped(
        reasons, name="usulan_alasan_ditolak", key="reasons", file_name=chart.file_name,
        display=lambda f: frames.formatted(f, {"perkiraan_biaya": fmt.rupiah}).with_columns(
            pl.col("status").replace_strict(status_label)),
        column_config={"status": t("musrenbang.col_status"), "alasan": t("musrenbang.col_alasan"),
                       "jumlah": t("musrenbang.col_jumlah"),
                       "perkiraan_biaya": t("musrenbang.col_biaya")})

# --- from proposal to money ---------------------------------------------------------------
st.subheader(t("musrenbang.money"))
st.caption(t("musrenbang.money_caption"))
paid = ui.derived(musrenbang.funded, musrenbang.usulan_filtered, **query)
unmatched = int(rows["tautan_tidak_cocok"].sum()) if rows.height else 0
if unmatched:
    st.caption(t("musrenbang.money_unmatched", n=fmt.number(unmatched)))
if paid.is_empty():
    st.info(t("musrenbang.no_funded"))
else:
    # pagu and realisasi once per sub kegiatan, however many proposals it funds
    total = musrenbang.money_total(ui.cached(musrenbang.money_per_sub_kegiatan, **filters))
    st.markdown(t("musrenbang.money_total", sub=fmt.number(total["sub_kegiatan"]),
                  usulan=fmt.number(total["usulan"]), pagu=fmt.rupiah(total["pagu"]),
                  realisasi=fmt.rupiah(total["realisasi"])))
    tables.capped(
        paid, name="usulan_didanai", key="funded", file_name=chart.file_name,
        display=lambda f: frames.formatted(f, {
            "perkiraan_biaya": fmt.rupiah, "pagu_sub_kegiatan": fmt.rupiah,
            "realisasi_sub_kegiatan": fmt.rupiah, "serapan": fmt.percent}).with_columns(
            (pl.lit("?kode_sub_kegiatan=") + pl.col("kode_sub_kegiatan") + pl.lit("&tahun=")
             + pl.col("tahun_rkpd").cast(pl.String)).alias("kode_sub_kegiatan")),
        column_config={
            "usulan": t("musrenbang.col_usulan"), "nama_desa": t("musrenbang.col_desa"),
            "tahun_rkpd": st.column_config.NumberColumn(t("musrenbang.col_tahun"), format="%d"),
            "nama_sub_kegiatan": t("musrenbang.col_sub_kegiatan"),
            "perkiraan_biaya": t("musrenbang.col_biaya"),
            "pagu_sub_kegiatan": t("musrenbang.col_pagu"),
            "realisasi_sub_kegiatan": t("musrenbang.col_realisasi"),
            "serapan": t("musrenbang.col_serapan"),
            "kode_sub_kegiatan": st.column_config.LinkColumn(t("musrenbang.col_sub_kegiatan"),
                                                  display_text=r"kode_sub_kegiatan=([0-9.]+)"),
        })

# --- possible duplicates ------------------------------------------------------------------
st.subheader(t("musrenbang.duplicates"))
st.caption(t("musrenbang.duplicates_caption", radius=fmt.number(radius)))
dups = rows.filter(pl.col("grup_duplikat").is_not_null()).sort("grup_duplikat", "tahun_rkpd")
if dups.is_empty():
    st.info(t("musrenbang.no_duplicates"))
else:
    tables.capped(
        dups, name="usulan_mungkin_duplikat", key="dups", file_name=chart.file_name,
        display=lambda f: _texts(f).select("grup_duplikat", "id_usulan", "tahun_rkpd", "usulan",
                                           "nama_desa", "status_teks"),
        column_config={"grup_duplikat": t("musrenbang.col_duplikat"),
                       "tahun_rkpd": st.column_config.NumberColumn(t("musrenbang.col_tahun"),
                                                                   format="%d"),
                       "usulan": t("musrenbang.col_usulan"), "nama_desa": t("musrenbang.col_desa"),
                       "status_teks": t("musrenbang.col_status")})

# --- placement checks, for officials ------------------------------------------------------
if (box := ui.folded(t("musrenbang.placement"), "musrenbang_penempatan_buka",
                     icon=":material/wrong_location:")) is not None:
    with box:
        st.caption(t("musrenbang.placement_caption"))
        wrong = ui.cached(musrenbang.placement_mismatches).filter(
            pl.col("id_usulan").is_in(rows["id_usulan"].implode()))
        if wrong.is_empty():
            st.info(t("musrenbang.no_placement"))
        else:
            tables.capped(
                wrong, name="usulan_lokasi_janggal", key="placement", file_name=chart.file_name,
                display=lambda f: f.with_columns(pl.col("masalah_lokasi").replace_strict(
                    {k: t(f"musrenbang.pl_{k}") for k in ("desa_lain", "luar_wilayah",
                                                          "celah_batas", "desa_tanpa_poligon")})),
                column_config={"usulan": t("musrenbang.col_usulan"),
                               "nama_desa": t("musrenbang.col_desa"),
                               "masalah_lokasi": t("musrenbang.col_masalah"),
                               "nama_desa_titik": t("musrenbang.col_desa_titik")})

# ---- cite this view ------------------------------------------------------------------------------
cite.cite_box(t("pages.musrenbang"))
