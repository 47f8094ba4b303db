"""Pengaduan page: figures recomputed independently, live submissions counted, filters in AppTest."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import numpy as np
import pytest
from conftest import APP, FIXTURE_AS_OF, fixture_environ

from lentera.core import config
from lentera.core.kalender import Calendar
from lentera.warehouse import pengaduan

KATEGORI = "Infrastruktur"


@pytest.fixture(scope="module")
def layanan_db(fixture_warehouse, tmp_path_factory):
    """A copy of the fixture warehouse that surely has `kalender_kerja` (until the ETL writes it)."""
    path = tmp_path_factory.mktemp("layanan") / "warehouse.duckdb"
    shutil.copy(fixture_warehouse.db, path)
    con = duckdb.connect(str(path))
    try:
        tables = {r[0] for r in con.sql("SHOW TABLES").fetchall()}
        if "kalender_kerja" not in tables:
            Calendar.from_reference().write_table(con)
    finally:
        con.close()
    return path


@pytest.fixture
def env(layanan_db, tmp_path, monkeypatch):
    for key, value in fixture_environ(layanan_db, tmp_path).items():
        monkeypatch.setenv(key, value)
    pengaduan._live.clear()
    return layanan_db


def _workdays(con, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Working days in (start, end] with numpy's own busday_count (weekends + listed days off)."""
    libur = np.array([r[0] for r in con.sql(
        "SELECT tanggal FROM kalender_kerja WHERE NOT hari_kerja AND dayofweek(tanggal) "
        "BETWEEN 1 AND 5").fetchall()], dtype="datetime64[D]")
    one = np.timedelta64(1, "D")
    return np.busday_count(start + one, end + one, holidays=libur)


def test_one_category_agrees_with_independent_sql(env):
    con = duckdb.connect(str(env), read_only=True)
    rows = con.sql(
        """SELECT CAST(p.tanggal_masuk AS DATE), CAST(p.tanggal_selesai AS DATE),
                  coalesce(p.hari_ditunda, 0), k.target_hari_kerja, p.status
           FROM pengaduan p JOIN kategori_pengaduan k ON lower(k.kategori) = lower(p.kategori)
           WHERE p.kategori = $k AND year(p.tanggal_masuk) = $y""",
        params={"k": KATEGORI, "y": FIXTURE_AS_OF.year}).fetchall()
    assert len(rows) > 5, "fixture has too few complaints in the test category"
    start = np.array([r[0] for r in rows], dtype="datetime64[D]")
    closed = np.array([r[1] is not None for r in rows])
    end = np.array([r[1] or FIXTURE_AS_OF for r in rows], dtype="datetime64[D]")
    pause = np.array([max(0, r[2]) for r in rows])
    target = np.array([r[3] for r in rows])
    ended = np.array([r[4] in ("bukan_wewenang", "diarsipkan", "ditolak") for r in rows]) & ~closed
    gross = np.maximum(0, _workdays(con, start, end))
    net = np.maximum(0, gross - pause)
    on_time = (net[closed] <= target[closed]).mean()
    median = np.median(net[closed])
    p90 = np.percentile(net[closed], 90)
    open_ = ~closed & ~ended

    got = pengaduan.ringkasan(tahun=FIXTURE_AS_OF.year, kategori=KATEGORI)
    assert got["jumlah"] == len(rows)
    assert got["selesai"] == int(closed.sum())
    assert got["persen_tepat_waktu"] == pytest.approx(on_time)
    assert got["median_hari_kerja"] == pytest.approx(median)
    assert got["p90_hari_kerja"] == pytest.approx(p90)
    # gross: calendar working days, pauses not subtracted, beside every net figure
    assert got["persen_tepat_waktu_kotor"] == pytest.approx((gross[closed] <= target[closed]).mean())
    assert got["median_hari_kotor"] == pytest.approx(np.median(gross[closed]))
    assert got["ditunda"] == int((pause > 0).sum())
    assert got["jeda_panjang"] == int((pause > config.PAUSE_FLAG_DAYS).sum())
    # the year's cohort still open (a flow) ...
    assert got["terbuka_kohort"] == int(open_.sum())

    # ... and the stock: open on the as-of date whatever year the complaint arrived
    every = con.sql(
        """SELECT CAST(p.tanggal_masuk AS DATE), coalesce(p.hari_ditunda, 0), k.target_hari_kerja
           FROM pengaduan p JOIN kategori_pengaduan k ON lower(k.kategori) = lower(p.kategori)
           WHERE p.kategori = $k AND p.tanggal_selesai IS NULL
             AND p.status NOT IN ('bukan_wewenang', 'diarsipkan', 'ditolak')""",
        params={"k": KATEGORI}).fetchall()
    s_start = np.array([r[0] for r in every], dtype="datetime64[D]")
    s_gross = np.maximum(0, _workdays(con, s_start, np.full(len(every), np.datetime64(FIXTURE_AS_OF))))
    s_net = np.maximum(0, s_gross - np.array([max(0, r[1]) for r in every]))
    s_target = np.array([r[2] for r in every])
    assert got["terbuka"] == len(every)
    assert got["terbuka_lewat"] == int((s_net > s_target).sum())
    assert got["terbuka_lewat_kotor"] == int((s_gross > s_target).sum())
    assert got["terbuka_tahun_lalu"] == int((s_start.astype("datetime64[Y]").astype(int) + 1970
                                              < FIXTURE_AS_OF.year).sum())
    backlog = pengaduan.tunggakan(tahun=FIXTURE_AS_OF.year, kategori=KATEGORI)
    for sumbu in ("umur", "lewat", "lewat_kotor"):
        assert backlog.filter(backlog["sumbu"] == sumbu)["jumlah"].sum() == len(every)


def test_backlog_keeps_an_earlier_years_open_complaint(env):
    """A complaint received in an earlier year and still open is in the backlog of any year."""
    con = duckdb.connect(str(env), read_only=True)
    old = con.sql(
        """SELECT nomor_tiket, kategori, year(tanggal_masuk) FROM pengaduan
           WHERE tanggal_selesai IS NULL AND year(tanggal_masuk) < $y
             AND status NOT IN ('bukan_wewenang', 'diarsipkan', 'ditolak')
           ORDER BY tanggal_masuk LIMIT 1""", params={"y": FIXTURE_AS_OF.year}).fetchall()
    assert old, "fixture has no open complaint from an earlier year"
    _, kategori, year = old[0]
    this_year = pengaduan.ringkasan(tahun=FIXTURE_AS_OF.year, kategori=kategori)
    its_year = pengaduan.ringkasan(tahun=year, kategori=kategori)
    assert this_year["terbuka"] == its_year["terbuka"] >= 1  # the stock ignores the year
    assert this_year["terbuka_tahun_lalu"] >= 1
    umur = pengaduan.tunggakan(tahun=FIXTURE_AS_OF.year, kategori=kategori)
    assert umur.filter(umur["sumbu"] == "umur")["jumlah"].sum() == this_year["terbuka"]


def test_as_of_a_past_date_counts_nothing_received_or_finished_later(env):
    """Per D: cases received after D are not counted; cases finished after D are open on D."""
    con = duckdb.connect(str(env), read_only=True)
    d = FIXTURE_AS_OF - dt.timedelta(days=60)
    received, open_on_d = con.sql(
        """SELECT count(*) FILTER (WHERE CAST(tanggal_masuk AS DATE) <= $d),
                  count(*) FILTER (WHERE CAST(tanggal_masuk AS DATE) <= $d
                      AND (tanggal_selesai IS NULL OR CAST(tanggal_selesai AS DATE) > $d)
                      AND NOT (tanggal_selesai IS NULL
                               AND status IN ('bukan_wewenang', 'diarsipkan', 'ditolak')))
           FROM pengaduan""", params={"d": d}).fetchall()[0]
    got = pengaduan.ringkasan(as_of_date=d)
    assert got["jumlah"] == received
    assert got["terbuka"] == open_on_d


def test_filters_partition_and_rank_guard(env):
    whole = pengaduan.ringkasan(tahun=FIXTURE_AS_OF.year)["jumlah"]
    per_kanal = pengaduan.per_kanal(tahun=FIXTURE_AS_OF.year)
    assert per_kanal["jumlah"].sum() == whole
    tahap = pengaduan.waktu_tahap("kategori", tahun=FIXTURE_AS_OF.year)
    assert tahap["jumlah"].sum() == whole
    assert (tahap["cukup"] == (tahap["jumlah"] >= config.MIN_CASES_FOR_RANKING)).all()
    kec = pengaduan.per_kecamatan(tahun=FIXTURE_AS_OF.year)
    row = kec.filter(kec["jumlah"] > 0).row(0, named=True)
    assert row["per_1000"] == pytest.approx(1000 * row["jumlah"] / row["penduduk"])


def test_week_over_week_counts_calendar_weeks(env):
    con = duckdb.connect(str(env), read_only=True)
    monday = FIXTURE_AS_OF - dt.timedelta(days=FIXTURE_AS_OF.weekday())
    last = con.sql("SELECT count(*) FROM pengaduan WHERE CAST(tanggal_masuk AS DATE) >= $a "
                   "AND CAST(tanggal_masuk AS DATE) < $b",
                   params={"a": monday - dt.timedelta(7), "b": monday}).fetchall()[0][0]
    got = pengaduan.mingguan()
    assert got["minggu_lalu_mulai"] == monday - dt.timedelta(7)
    assert got["minggu_lalu"] == last


def test_live_submission_shows_up_in_counts(env):
    from lentera.core import forms
    from lentera.services import sla
    from lentera.store import submissions
    today = sla.today()  # a live report counts in a view whose as-of date is on or after its filing
    before = pengaduan.ringkasan(as_of_date=today)["jumlah"]
    desa = forms.desa_options()[0]
    data = {"kategori": KATEGORI, "judul": "Jalan berlubang di depan sekolah",
            "isi": "Lubang besar di jalan desa, berbahaya bagi anak sekolah setiap pagi.",
            "kode_desa": desa["kode_desa"] if isinstance(desa, dict) else desa[0],
            "rahasia": True}
    try:
        submissions.create_pengaduan(data, [])
    except submissions.SubmissionValidationError as exc:
        pytest.fail(f"form rejected the test complaint: {exc.errors}")
    assert pengaduan.ringkasan(as_of_date=today)["jumlah"] == before  # within the live cache's ttl
    pengaduan._live.clear()
    assert pengaduan.ringkasan(as_of_date=today)["jumlah"] == before + 1
    assert pengaduan.ringkasan(kategori=KATEGORI, as_of_date=today)["rahasia"] >= 1
    assert pengaduan.live_frame()["isi"].is_null().all()
    submissions.dispose_all()


def test_a_per_date_view_never_counts_reports_filed_after_it(env):
    """One rule: a live report filed after the as-of date is counted on no page of that date."""
    from lentera.core import forms
    from lentera.services import sla, tinjauan
    from lentera.store import submissions
    as_of = pengaduan.as_of()
    assert sla.today() > as_of, "the fixture's date must lie before today"
    year, week = tinjauan.latest_week()
    before = (pengaduan.ringkasan(), pengaduan.per_kanal(), tinjauan.review(year, week)["now"],
              pengaduan.live_stamp())
    desa = forms.desa_options()[0]
    submissions.create_pengaduan(
        {"kategori": KATEGORI, "judul": "Lampu jalan mati di simpang desa",
         "isi": "Lampu jalan mati sejak seminggu, jalan gelap dan rawan kecelakaan malam hari.",
         "kode_desa": desa["kode_desa"] if isinstance(desa, dict) else desa[0]}, [])
    pengaduan._live.clear()
    after = (pengaduan.ringkasan(), pengaduan.per_kanal(), tinjauan.review(year, week)["now"],
             pengaduan.live_stamp())
    assert after[0] == before[0]
    assert after[1].equals(before[1])
    assert after[2] == before[2]
    assert after[3]["dihitung"] == before[3]["dihitung"]
    assert after[3]["sesudah"] == before[3]["sesudah"] + 1
    assert pengaduan.ringkasan(as_of_date=sla.today())["jumlah"] == before[0]["jumlah"] + 1
    submissions.dispose_all()


def test_methods_have_both_languages():
    from lentera.core.i18n import t

    for title, body in pengaduan.METHODS:
        for lang in ("id", "en"):
            assert t(title, lang=lang) != title and t(body, lang=lang) != body


def test_apptest_filters_change_the_numbers(env):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page("pages/pengaduan.py")
    at.run()
    assert not at.exception
    total = at.metric[0].value
    assert at.get("deck_gl_json_chart")
    at.selectbox(key="pengaduan.kategori").select(KATEGORI).run()
    assert not at.exception
    assert at.metric[0].value != total
    assert at.query_params["kategori"] in (KATEGORI, [KATEGORI])
    at.query_params["tahun"] = "not-a-year"
    at.run()
    assert not at.exception
