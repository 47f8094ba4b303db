"""Beranda: every figure recomputed with the test's own SQL over the warehouse tables (no semantic
macros), like with like (a year's cases and what became of those same cases), the backlog as a
stock whatever year a complaint arrived, the live-report rule, and the cache after a rebuild."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import duckdb
import polars as pl
import pytest
from test_app import DEFAULT_PAGE, run_app, texts

from lentera.core import fmt
from lentera.core.i18n import t
from lentera.warehouse import beranda, pengaduan

ENDED_PENGADUAN = ("bukan_wewenang", "diarsipkan", "ditolak")
ENDED_PERIZINAN = ("ditolak", "dikembalikan", "dicabut")


def _as_of(con) -> dt.date:
    return dt.date.fromisoformat(
        con.sql("SELECT value FROM meta WHERE key = 'as_of'").fetchall()[0][0][:10])


def expected_beranda(db: str) -> dict:
    """Beranda's figures recomputed from whole tables (no shared SQL with the app)."""
    with duckdb.connect(db, read_only=True) as con:
        as_of = _as_of(con)
        ang = con.sql("SELECT tahun, tahap, kode_rekening, pagu FROM anggaran").pl()
        real = con.sql("SELECT tahun, bulan, kode_rekening, realisasi FROM realisasi").pl()
        peng = con.sql("SELECT tanggal_masuk, tanggal_selesai, status FROM pengaduan").pl()
        izin = con.sql("SELECT tanggal_permohonan, tanggal_selesai, status FROM perizinan").pl()
        usul = con.sql("SELECT tahun_rkpd, status, perkiraan_biaya FROM usulan").pl()

    def stage(y: int) -> str:
        rows = ang.filter(pl.col("tahun") == y)
        return "perubahan" if (rows["tahap"] == "perubahan").any() else "murni"

    def total(frame: pl.DataFrame, column: str, prefix: str) -> float:
        return float(frame.filter(pl.col("kode_rekening").str.starts_with(prefix))[column]
                     .cast(pl.Float64).sum())

    year = ang["tahun"].max()
    tahap = stage(year)
    ang_y = ang.filter((pl.col("tahun") == year) & (pl.col("tahap").fill_null("murni") == tahap))
    real_y = real.filter(pl.col("tahun") == year)
    bulan = real_y["bulan"].max()
    # last year's effective view at the same month
    ang_l = ang.filter((pl.col("tahun") == year - 1)
                       & (pl.col("tahap").fill_null("murni") == stage(year - 1)))
    real_l = real.filter((pl.col("tahun") == year - 1) & (pl.col("bulan") <= bulan))
    pagu_l = total(ang_l, "pagu", "5.")
    out = {
        "tahun": year, "tahap": tahap, "tahap_lalu": stage(year - 1),
        "pagu_belanja": total(ang_y, "pagu", "5."),
        "realisasi_belanja": total(real_y, "realisasi", "5."),
        "pagu_pendapatan": total(ang_y, "pagu", "4."),
        "realisasi_pendapatan": total(real_y, "realisasi", "4."),
        "bulan_terakhir": bulan,
        "serapan_belanja_lalu": total(real_l, "realisasi", "5.") / pagu_l if pagu_l else None,
    }

    # complaints: the year of the as-of date, received by then; what became of those by as_of
    y = as_of.year
    masuk = pl.col("tanggal_masuk").cast(pl.Date)
    selesai = pl.col("tanggal_selesai").is_not_null() & (pl.col("tanggal_selesai").cast(pl.Date)
                                                         <= as_of)
    ended = pl.col("status").is_in(ENDED_PENGADUAN) & pl.col("tanggal_selesai").is_null()
    open_ = (masuk <= as_of) & ~selesai & ~ended
    cohort = peng.filter((masuk.dt.year() == y) & (masuk <= as_of))
    stock = peng.filter(open_)
    out["as_of"] = as_of
    out["pengaduan_tahun"] = y
    out["pengaduan_status"] = dict(cohort["status"].value_counts().iter_rows())
    out.update(
        pengaduan_total=cohort.height,
        pengaduan_selesai=cohort.filter(selesai).height,
        pengaduan_berakhir=cohort.filter(~selesai & ended).height,
        pengaduan_terbuka=cohort.filter(open_).height,
        tunggakan=stock.height,
        tunggakan_lama=stock.filter(masuk.dt.year() < y).height,
    )

    # permits: received in the year by as_of; of those issued, rejected/returned/withdrawn, open
    mohon = pl.col("tanggal_permohonan").cast(pl.Date)
    z = izin.filter((mohon.dt.year() == y) & (mohon <= as_of))
    terbit = (pl.col("status") == "selesai") & pl.col("tanggal_selesai").is_not_null()
    ditolak = pl.col("status").is_in(ENDED_PERIZINAN)
    out.update(
        perizinan_masuk=z.height, perizinan_terbit=z.filter(terbit).height,
        perizinan_ditolak=z.filter(ditolak).height,
        perizinan_diproses=z.filter(~terbit & ~ditolak & pl.col("tanggal_selesai").is_null()).height,
    )
    u_year = usul["tahun_rkpd"].max()
    u = usul.filter(pl.col("tahun_rkpd") == u_year)
    out.update(usulan_tahun=u_year, usulan_jumlah=u.height,
               usulan_rkpd=u.filter(pl.col("status") == "masuk_rkpd").height,
               usulan_biaya=float(u["perkiraan_biaya"].cast(pl.Float64).sum()))
    return out


@pytest.mark.parametrize("lang", ["id", "en"])
def test_beranda_figures_equal_independent_sql(warehouse_env, lang):
    exp = expected_beranda(str(warehouse_env.db))
    assert exp["pagu_belanja"] > 0 and sum(exp["pengaduan_status"].values()) > 0
    at = run_app(DEFAULT_PAGE, lang)
    metrics = {m.label: m for m in at.metric}

    def shown(key: str, **kw) -> str:
        return metrics[t(f"beranda.{key}", lang=lang, **kw)].value

    assert shown("pagu_belanja") == fmt.rupiah(exp["pagu_belanja"], lang=lang)
    assert shown("realisasi_belanja") == fmt.rupiah(exp["realisasi_belanja"], lang=lang)
    serapan = exp["realisasi_belanja"] / exp["pagu_belanja"]
    assert shown("serapan_belanja") == fmt.percent(serapan, lang=lang)
    assert shown("target_pendapatan") == fmt.rupiah(exp["pagu_pendapatan"], lang=lang)
    assert shown("realisasi_pendapatan") == fmt.rupiah(exp["realisasi_pendapatan"], lang=lang)
    assert shown("pengaduan_total") == fmt.number(sum(exp["pengaduan_status"].values()), lang=lang)
    for key in ("pengaduan_total", "pengaduan_selesai", "pengaduan_berakhir", "pengaduan_terbuka",
                "perizinan_masuk", "perizinan_terbit", "perizinan_ditolak", "perizinan_diproses"):
        assert shown(key) == fmt.number(exp[key], lang=lang), key
    # like with like: the outcomes of the year's cases add up to the year's cases
    assert exp["pengaduan_selesai"] + exp["pengaduan_berakhir"] + exp["pengaduan_terbuka"] \
        == exp["pengaduan_total"]
    assert exp["perizinan_terbit"] + exp["perizinan_ditolak"] + exp["perizinan_diproses"] \
        == exp["perizinan_masuk"]
    per = fmt.date(exp["as_of"], lang=lang)
    assert shown("tunggakan", per=per) == fmt.number(exp["tunggakan"], lang=lang)
    assert shown("usulan_jumlah") == fmt.number(exp["usulan_jumlah"], lang=lang)
    assert shown("usulan_masuk_rkpd") == fmt.number(exp["usulan_rkpd"], lang=lang)
    assert shown("usulan_biaya") == fmt.rupiah(exp["usulan_biaya"], lang=lang)
    # the on-time share is the Pengaduan page's own figure for that year (tested there by SQL)
    sla = pengaduan.ringkasan(tahun=exp["pengaduan_tahun"])
    assert sla["dinilai"] > 0
    assert shown("pengaduan_tepat_waktu") == fmt.percent(sla["persen_tepat_waktu"], lang=lang)
    # the effective view compares with last year's effective view, and says so
    if exp["serapan_belanja_lalu"] is not None:
        delta = metrics[t("beranda.serapan_belanja", lang=lang)].proto.delta
        assert delta == t("beranda.poin_vs", lang=lang,
                          tahap=t(f"beranda.tahap_{exp['tahap_lalu']}", lang=lang),
                          tahun=exp["tahun"] - 1,
                          poin=fmt.number((serapan - exp["serapan_belanja_lalu"]) * 100, 1,
                                          lang=lang))

    subheaders = texts(at.subheader)
    assert t("beranda.anggaran_heading", lang=lang, tahun=exp["tahun"]) in subheaders
    assert t("beranda.pengaduan_heading", lang=lang, tahun=exp["pengaduan_tahun"]) in subheaders
    assert t("beranda.usulan_heading", lang=lang, tahun=exp["usulan_tahun"]) in subheaders
    # every figure states its base: stage and months, cohort and as-of date
    captions = texts(at.caption)
    freshness = t("common.as_of_month_end", lang=lang,
                  period=fmt.month_year(exp["tahun"], exp["bulan_terakhir"], lang=lang))
    assert any(freshness in c for c in captions)
    assert t("beranda.pengaduan_dasar", lang=lang, tahun=exp["pengaduan_tahun"], per=per) in captions
    assert t("beranda.perizinan_dasar", lang=lang, tahun=exp["pengaduan_tahun"], per=per) in captions
    assert any(t("beranda.tahap_" + exp["tahap"], lang=lang) in c and str(exp["tahun"]) in c
               for c in captions)
    status_text = "\n".join(texts(at.markdown))
    for status, n in exp["pengaduan_status"].items():
        line = t("beranda.pengaduan_status_line", lang=lang,
                 status=t(f"common.status_{status}", lang=lang), jumlah=fmt.number(n, lang=lang))
        assert line in status_text
    links = {link.label for link in at.get("page_link")}
    assert t("beranda.link_anggaran", lang=lang) in links


def test_backlog_counts_an_old_complaint_still_open(fixture_warehouse, tmp_path, monkeypatch):
    """A complaint received two years before the as-of date and never finished is in the backlog
    (a stock), not in the year's received complaints (a flow)."""
    served = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_warehouse.db, served)
    monkeypatch.setenv("LENTERA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(served))
    before = beranda.pengaduan_tahun().row(0, named=True)
    building = tmp_path / "warehouse.duckdb.building"
    shutil.copy(fixture_warehouse.db, building)
    with duckdb.connect(str(building)) as con:
        as_of = _as_of(con)
        old = dt.datetime(as_of.year - 2, 3, 2, 9, 0)
        con.execute("""
            INSERT INTO pengaduan SELECT * REPLACE (
                'TEST-LAMA-1' AS nomor_tiket, 'didisposisi' AS status, $old AS tanggal_masuk,
                NULL AS tanggal_verifikasi, NULL AS tanggal_tindak_lanjut, NULL AS tanggal_selesai)
            FROM pengaduan LIMIT 1""", {"old": old})
        con.execute("UPDATE meta SET value = 'test-old-open' WHERE key = 'data_version'")
    expected = expected_beranda(str(building))["tunggakan"]
    os.replace(building, served)
    after = beranda.pengaduan_tahun().row(0, named=True)
    assert after["tunggakan"] == before["tunggakan"] + 1
    assert after["tunggakan_lama"] == before["tunggakan_lama"] + 1
    assert after["diterima"] == before["diterima"]
    assert after["tunggakan"] == expected


def test_live_report_after_the_as_of_date_is_stamped_not_counted(warehouse_env):
    """The Pengaduan page's rule on Beranda too: a report filed after as_of counts nowhere on a
    page dated as_of; the stamp says how many came after."""
    from lentera.core import forms
    from lentera.services import sla
    from lentera.store import submissions
    pengaduan._live.clear()
    as_of = pengaduan.as_of()
    assert sla.today() > as_of, "the fixture's date must lie before today"
    before = beranda.pengaduan_tahun().row(0, named=True)
    stamp = pengaduan.live_stamp(as_of)
    desa = forms.desa_options()[0]
    submissions.create_pengaduan(
        {"kategori": "Infrastruktur", "judul": "Jembatan kayu desa rusak parah",
         "isi": "Papan jembatan kayu patah di tengah, warga tidak bisa menyeberang dengan motor.",
         "kode_desa": desa["kode_desa"] if isinstance(desa, dict) else desa[0]}, [])
    pengaduan._live.clear()
    try:
        after = beranda.pengaduan_tahun().row(0, named=True)
        assert after == before
        assert pengaduan.live_stamp(as_of)["sesudah"] == stamp["sesudah"] + 1
        at = run_app(DEFAULT_PAGE, "en")
        per = fmt.date(as_of, lang="en")
        assert t("beranda.pengaduan_langsung", lang="en", per=per,
                 n=fmt.number(stamp["dihitung"], lang="en"),
                 sesudah=fmt.number(stamp["sesudah"] + 1, lang="en")) in texts(at.caption)
    finally:
        submissions.dispose_all()


def test_rebuilt_warehouse_invalidates_the_cache(fixture_warehouse, tmp_path, monkeypatch):
    """Swap a changed warehouse into place (as etl.load does): Beranda shows the new count."""
    served = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_warehouse.db, served)
    monkeypatch.setenv("LENTERA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(served))
    label = t("beranda.pengaduan_total", lang="id")
    before = {m.label: m.value for m in run_app(DEFAULT_PAGE, "id").metric}[label]

    building = tmp_path / "warehouse.duckdb.building"
    shutil.copy(fixture_warehouse.db, building)
    with duckdb.connect(str(building)) as con:
        con.execute("DELETE FROM pengaduan WHERE status = 'selesai'")
        con.execute("UPDATE meta SET value = 'test-rebuilt' WHERE key = 'data_version'")
    # Read the expectation before the swap: the app may still hold the old file open.
    after_expected = expected_beranda(str(building))["pengaduan_status"]
    os.replace(building, served)
    after = {m.label: m.value for m in run_app(DEFAULT_PAGE, "id").metric}[label]
    assert after == fmt.number(sum(after_expected.values()), lang="id")
    assert after != before


def test_beranda_rules_are_on_the_tentang_page():
    from lentera.web import methods
    topics = dict(methods.method_topics())
    assert ("beranda.metode_judul", "beranda.metode") in topics["pages.beranda"]
    for lang in ("id", "en"):
        body = t("beranda.metode", lang=lang)
        assert body != "beranda.metode" and "as_of" in body
