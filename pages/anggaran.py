"""Anggaran (TRANS-A): where the money comes from, where it goes, and how fast it is spent."""

import polars as pl
import streamlit as st

from lentera.core import config, fmt
from lentera.core.i18n import t
from lentera.figures import anggaran as figures
from lentera.warehouse import anggaran, musrenbang
from lentera.web import cite, tables, ui, url
from lentera.web.chart import Base, chart, rows_controls
from lentera.web.text import literal

ui.page_header(t("pages.anggaran"), t("pages.anggaran_intro"))
ui.require_warehouse()


PAGE = "anggaran"


def _go_to(dim: str | None = None, path: str | None = None) -> None:
    # Callback: move the drill to (dim, path); the URL carries it so a copied link reopens it.
    if dim is not None:
        st.session_state[url.key_of(PAGE, "dim")] = dim
    url.put(PAGE, "path", path or "", default="")


def _rupiah_col(frame: pl.DataFrame, col: str) -> list[str]:
    return [fmt.rupiah(v) for v in frame[col].to_list()]


def _pct_col(frame: pl.DataFrame, col: str) -> list[str]:
    return [fmt.percent(v) for v in frame[col].to_list()]


# ---- year and stage --------------------------------------------------------------------------
years = ui.cached(anggaran.tahun_anggaran)
if years.is_empty():
    st.info(t("anggaran.no_budget"))
    st.stop()
tahun_opts = years["tahun"].to_list()
c_tahun, c_tahap = st.columns(2)
# A new year starts at its own effective stage (perubahan when it has one), not the last pick.
tahun = url.choice(PAGE, "tahun", tahun_opts, default=tahun_opts[-1],
                   label=t("anggaran.filter_tahun"), where=c_tahun,
                   on_change=lambda: url.forget(PAGE, "tahap"))
info = years.filter(pl.col("tahun") == tahun).row(0, named=True)
tahap_opts = [s for s in anggaran.TAHAP if info[f"ada_{s}"]]
tahap = url.choice(PAGE, "tahap", tahap_opts, default=info["tahap_efektif"],
                   label=t("anggaran.filter_tahap"), kind="segmented_control", where=c_tahap,
                   format_func=lambda s: t(f"anggaran.tahap_{s}"))
bulan = info["bulan_terakhir"]
freshness = ui.freshness(year=tahun, month=bulan) if bulan else ""
if bulan:
    st.caption(t("anggaran.realisasi_per", freshness=freshness,
                 tahap=t(f"anggaran.tahap_{tahap}").lower()))
else:
    st.info(t("anggaran.no_realisasi"))
    bulan = 12

# ---- headline --------------------------------------------------------------------------------
st.subheader(t("anggaran.h_ringkasan"))
head = ui.cached(anggaran.ringkasan, tahun=tahun, tahap=tahap, bulan=bulan)
rows = {r["pos"]: r for r in head.iter_rows(named=True)}
saldo = anggaran.saldo(head)
# Both sides of "vs last year" are read at the same stage (pagu_tahun_lalu): named in the caption.
tahap_lalu = head["tahap_lalu"][0]
lalu = t("anggaran.pembanding", tahap=figures.nama_tahap(tahap_lalu), tahun=tahun - 1,
         periode=fmt.month_year(tahun - 1, bulan))
periode = fmt.month_year(tahun, bulan)
# Every figure below states (caption) and carries (download name and metadata) its base.
dasar = Base(figures.dasar(tahun, tahap, bulan), figures.dasar_kode(tahun, tahap, bulan))
dianggarkan = {"tahap": figures.nama_tahap(tahap), "tahun": tahun}
cols = st.columns(3)
for col, pos in zip(cols, ("pendapatan", "belanja"), strict=False):
    r = rows[pos]
    delta = None
    if r["persen"] is not None and r["persen_lalu"] is not None:
        delta = t("anggaran.poin_vs", poin=fmt.number((r["persen"] - r["persen_lalu"]) * 100, 1),
                  tahap=figures.nama_tahap(tahap_lalu), tahun=tahun - 1)
    col.metric(t(f"anggaran.pos_{pos}"), fmt.rupiah(r["realisasi"]), delta=delta,
               delta_color="off" if pos == "belanja" else "normal", border=True)
    col.caption(t("anggaran.dari_pagu", pagu=fmt.rupiah(r["pagu"]), persen=fmt.percent(r["persen"])))
    if r["persen_lalu"] is not None:
        col.caption(t("anggaran.tahun_lalu", pembanding=lalu, persen=fmt.percent(r["persen_lalu"])))
    else:
        col.caption(t("anggaran.tanpa_pembanding", tahap=figures.nama_tahap(tahap_lalu),
                      tahun=tahun - 1))
netto = saldo["realisasi"]["pembiayaan_netto"]
cols[2].metric(t("anggaran.pembiayaan_netto_realisasi", periode=periode), fmt.rupiah(netto),
               border=True)
cols[2].caption(t("anggaran.saldo_dianggarkan", **dianggarkan,
                  jumlah=fmt.rupiah(saldo["pagu"]["pembiayaan_netto"])))
cols = st.columns(3)
# Realised cash to date and the budgeted balance of the stage shown, each labelled as such.
sd = saldo["realisasi"]["surplus_defisit"]
cols[0].metric(t("anggaran.surplus_realisasi" if sd >= 0 else "anggaran.defisit_realisasi",
                 periode=periode), fmt.rupiah(abs(sd)),
               help=t("anggaran.surplus_defisit_help"), border=True)
sd_pagu = saldo["pagu"]["surplus_defisit"]
cols[0].caption(t("anggaran.saldo_dianggarkan", **dianggarkan,
                  jumlah=(t("anggaran.surplus") if sd_pagu >= 0 else t("anggaran.defisit"))
                  + " " + fmt.rupiah(abs(sd_pagu))))
region = config.region()
cols[1].metric(t("anggaran.belanja_per_kapita_realisasi", periode=periode),
               fmt.rupiah_full(anggaran.per_kapita(rows["belanja"]["realisasi"]), sen=False),
               help=t("anggaran.per_kapita_help", penduduk=fmt.number(region.population_total),
                      sumber=region.population_source), border=True)
cols[1].caption(t("anggaran.saldo_dianggarkan", **dianggarkan, jumlah=fmt.rupiah_full(
    anggaran.per_kapita(rows["belanja"]["pagu"]), sen=False)))
with cols[2]:
    st.caption(dasar.text)
    rows_controls(head, name="anggaran_ringkasan", key="ringkasan", base=dasar)

# ---- what the perubahan changed --------------------------------------------------------------
if info["ada_murni"] and info["ada_perubahan"] and (
        box := ui.folded(t("anggaran.h_perubahan", tahun=tahun), "anggaran_perubahan_buka")
) is not None:
    with box:
        ubah = ui.cached(anggaran.perubahan, tahun=tahun)
        if ubah.filter(pl.col("selisih") != 0).is_empty():
            st.info(t("anggaran.tidak_berubah"))
        else:
            st.caption(t("anggaran.perubahan_caption", tahun=tahun))
            for dimensi, title, top in (("skpd", "perubahan_skpd", 12), ("jenis", "perubahan_jenis", 30)):
                part = ubah.filter(pl.col("dimensi") == dimensi).head(top).reverse()
                chart(lambda part=part, title=title: figures.perubahan(part, t(f"anggaran.{title}")),
                      ubah.filter(pl.col("dimensi") == dimensi),
                      name=f"anggaran_perubahan-{dimensi}", key=f"perubahan_{dimensi}",
                      base=Base("", f"{tahun}_murni-vs-perubahan"), memo=(tahun,))

# ---- absorption over the year and laggards ---------------------------------------------------
st.subheader(t("anggaran.h_serapan"))
serapan = ui.cached(anggaran.serapan_bulanan)
merata = anggaran.garis_merata(12)
# Every year against its own effective pagu: the caption names each year's stage.
tahap_per_tahun = ", ".join(f"{figures.nama_tahap(s)} {y}"
                            for y, s in years.select("tahun", "tahap_efektif").iter_rows())
chart(lambda: figures.serapan_bulanan(serapan, merata, tahun),
      serapan.join(merata.rename({"serapan": "serapan_merata"}), on="bulan", how="left"),
      name="anggaran_serapan", key="serapan", memo=(tahun,),
      base=Base(t("anggaran.serapan_caption", tahap_per_tahun=tahap_per_tahun, periode=periode),
                figures.dasar_kode(f"{tahun_opts[0]}-{tahun}", "efektif", bulan, tahun)))

st.markdown(f"**{t('anggaran.h_tertinggal')}**")
lag = ui.cached(anggaran.tertinggal, tahun=tahun, bulan=bulan)
st.caption(t("anggaran.tertinggal_caption", bulan=fmt.month_year(tahun, bulan),
             min_pagu=fmt.rupiah(anggaran.MIN_PAGU_TERTINGGAL),
             tahap=figures.nama_tahap(info["tahap_efektif"]), tahun=tahun))
if serapan.filter((pl.col("tahun") < tahun) & (pl.col("bulan") == bulan)).is_empty():
    st.info(t("anggaran.tertinggal_no_history"))
elif lag.is_empty():
    st.success(t("anggaran.tertinggal_none"))
else:
    chart(lambda: figures.tertinggal(lag.head(10).reverse()), lag, name="anggaran_tertinggal",
          key="tertinggal", memo=(tahun, bulan),
          base=Base("", figures.dasar_kode(tahun, "efektif", bulan)))
    tables.show(
        pl.DataFrame({
            t("anggaran.col_skpd"): [s + (" " + t("anggaran.rata_kabupaten") if k else "")
                                     for s, k in zip(lag["singkatan"], lag["pakai_rata_kabupaten"],
                                                     strict=True)],
            t("anggaran.col_serapan"): _pct_col(lag, "serapan"),
            t("anggaran.col_harapan"): _pct_col(lag, "harapan"),
            t("anggaran.col_tertinggal"): _rupiah_col(lag, "tertinggal"),
        }),
        hide_index=True, width="stretch", key="tertinggal_tabel")

# ---- drill-down ------------------------------------------------------------------------------
st.subheader(t("anggaran.h_rincian"))
dim = url.choice(PAGE, "dim", anggaran.DIMENSI, default="akun", label=t("anggaran.dim_label"),
                 kind="segmented_control", format_func=lambda d: t(f"anggaran.dim_{d}"),
                 on_change=lambda: url.put(PAGE, "path", "", default=""))
path = anggaran.valid_path(dim, url.get(PAGE, "path", ""))
nodes = ui.cached(anggaran.rincian, tahun=tahun, tahap=tahap, dim=dim, path=path)
if nodes.is_empty() and path:
    # An unknown node (a link from another year, a typo): back to the top, never a traceback.
    path = ""
    nodes = ui.cached(anggaran.rincian, tahun=tahun, tahap=tahap, dim=dim, path=path)
url.put(PAGE, "path", path, default="")
crumbs = ui.cached(anggaran.jejak, tahun=tahun, dim=dim, path=path)

st.caption(t("anggaran.jejak_label"))
crumb_cols = st.columns(min(len(crumbs) + 1, 6))
crumb_cols[0].button(t("anggaran.jejak_semua"), key="jejak_root", on_click=_go_to,
                     kwargs={"path": ""}, disabled=not path, type="tertiary")
for i, c in enumerate(crumbs.iter_rows(named=True)):
    crumb_cols[(i + 1) % len(crumb_cols)].button(
        literal(anggaran.label_node(c["tingkat"], c["kode"], c["nama"])), key=f"jejak_{i}",
        on_click=_go_to,
        kwargs={"path": c["path"]}, disabled=c["path"] == path, type="tertiary")

# A sub kegiatan links back to the citizens' proposals it funds (Musrenbang page).
_skpd, _, _sub = path.partition(anggaran.ORG_SEP) if dim == "org" else ("", "", "")
if _sub.count(".") == 5:
    usulan_sub = ui.cached(musrenbang.proposals_for_sub_kegiatan, kode=_sub, tahun=tahun)
    if usulan_sub.height:
        st.page_link("pages/musrenbang.py", icon=":material/map:",
                     label=t("anggaran.usulan_di_balik", n=fmt.number(usulan_sub.height)),
                     query_params={"kode_sub_kegiatan": _sub, "tahun": str(tahun)})

nodes = nodes.with_columns(label=pl.Series(
    [anggaran.label_node(tg, k, n) for tg, k, n in
     zip(nodes["tingkat"], nodes["kode"], nodes["nama"], strict=True)], dtype=pl.String))
if nodes.is_empty():
    st.info(t("anggaran.rincian_kosong"))
else:
    child_paths = [p for p in nodes["path"].to_list() if p]
    labels = dict(zip(nodes["path"].to_list(), nodes["label"].to_list(), strict=True))
    tingkat = nodes["tingkat"][0]
    if child_paths:
        st.selectbox(
            t("anggaran.buka_anak", tingkat=t(f"anggaran.tingkat_{tingkat}").lower()),
            [None, *child_paths], format_func=lambda p: t("anggaran.pilih") if p is None else labels[p],
            key=f"anak_{dim}_{path}",
            on_change=lambda: _go_to(path=st.session_state[f"anak_{dim}_{path}"] or path))
    else:
        st.caption(t("anggaran.daun"))
    download = nodes.select("kode", "nama", "tingkat", "pagu", "realisasi", "persen", "porsi")
    event = chart(lambda: figures.rincian(nodes), download, memo=(tahun, tahap, bulan, dim, path),
                  name=f"anggaran_rincian-{dim}-{path or 'semua'}", key=f"treemap_{dim}_{path}",
                  on_select="rerun", caption=t(f"anggaran.rincian_caption_{dim}"), base=dasar)
    points = (event.get("selection") or {}).get("points") or [] if event else []
    picked = next((p.get("customdata") for p in points if p.get("customdata")), None)
    if picked and picked in child_paths:
        _go_to(path=picked)
        st.rerun()
    tables.show(
        pl.DataFrame({
            t("anggaran.col_kode"): nodes["kode"],
            t("anggaran.col_nama"): nodes["label"],
            t("anggaran.col_pagu"): _rupiah_col(nodes, "pagu"),
            t("anggaran.col_realisasi"): _rupiah_col(nodes, "realisasi"),
            t("anggaran.col_persen"): _pct_col(nodes, "persen"),
            t("anggaran.col_porsi"): _pct_col(nodes, "porsi"),
        }),
        hide_index=True, width="stretch", key="rincian_tabel")

# ---- search ----------------------------------------------------------------------------------
st.subheader(t("anggaran.h_cari"))
q = url.text(PAGE, "q", label=t("anggaran.cari_label"), placeholder=t("anggaran.cari_placeholder"),
             max_chars=200)
if anggaran.kata_cari(q):
    hits = ui.cached(anggaran.cari, tahun=tahun, tahap=tahap, q=q)
    if hits.is_empty():
        st.info(t("anggaran.cari_kosong", q=q, tahun=tahun))
    else:
        st.caption(t("anggaran.cari_hasil", n=hits.height) + " " + dasar.text)
        tables.show(
            pl.DataFrame({
                t("anggaran.col_jenis"): [t(f"anggaran.jenis_hasil_{j}") for j in hits["jenis"]],
                t("anggaran.col_kode"): hits["kode"],
                t("anggaran.col_nama"): hits["nama"],
                t("anggaran.col_pagu"): _rupiah_col(hits, "pagu"),
                t("anggaran.col_realisasi"): _rupiah_col(hits, "realisasi"),
                t("anggaran.col_persen"): _pct_col(hits, "persen"),
            }),
            hide_index=True, width="stretch", key="cari_tabel")
        rows_controls(hits.drop("dim", "path"), name="anggaran_cari", key="cari", base=dasar)
        st.caption(t("anggaran.cari_buka"))
        for i, h in enumerate(hits.head(8).iter_rows(named=True)):
            st.button(f"{t('anggaran.jenis_hasil_' + h['jenis'])}: {literal(h['nama'])}",
                      key=f"cari_buka_{i}",
                      on_click=_go_to, kwargs={"dim": h["dim"], "path": h["path"]},
                      type="tertiary", icon=":material/subdirectory_arrow_right:")

# ---- belanja by kind and by urusan -----------------------------------------------------------
st.subheader(t("anggaran.h_jenis"))
jenis = ui.cached(anggaran.belanja_per_jenis, tahun=tahun, tahap=tahap)
jenis_lbl = [t(f"anggaran.jenis_{k}") for k in jenis["kategori"]]
chart(lambda: figures.pagu_realisasi(jenis, jenis_lbl), jenis, name="anggaran_belanja-jenis",
      key="jenis", base=dasar, memo=(tahun, tahap))

st.subheader(t("anggaran.h_urusan"))
urusan = ui.cached(anggaran.belanja_per_urusan, tahun=tahun, tahap=tahap)
chart(lambda: figures.belanja_per_urusan(urusan), urusan, name="anggaran_belanja-urusan",
      key="urusan", memo=(tahun, tahap),
      caption=t("anggaran.urusan_caption"), base=dasar)

# ---- pendapatan ------------------------------------------------------------------------------
st.subheader(t("anggaran.h_pendapatan"))
pend = ui.cached(anggaran.pendapatan, tahun=tahun, tahap=tahap)
dep = anggaran.ketergantungan(pend)
st.metric(t("anggaran.ketergantungan"), fmt.percent(dep), help=t("anggaran.ketergantungan_help"))
st.caption(dasar.text)
for bagian in ("kelompok", "pajak", "retribusi", "transfer"):
    part = pend.filter(pl.col("bagian") == bagian)
    if part.is_empty():
        continue
    chart(lambda part=part, bagian=bagian: figures.pagu_realisasi(
              part, part["nama"].to_list(), title=t(f"anggaran.pendapatan_{bagian}"),
              base_height=160,
              realisasi_hover=[f"{fmt.rupiah(r)} · {fmt.percent(p)}" for r, p in
                               zip(part["realisasi"].to_list(), part["persen"].to_list(),
                                   strict=True)]),
          part, name=f"anggaran_pendapatan-{bagian}", key=f"pendapatan_{bagian}", base=dasar,
          memo=(tahun, tahap))

# ---- glossary --------------------------------------------------------------------------------
with st.expander(t("anggaran.h_glosarium"), icon=":material/menu_book:"):
    st.markdown(t("anggaran.glosarium"))

# ---- cite this view ------------------------------------------------------------------------------
cite.cite_box(t("pages.anggaran"))
