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
    net = np.maximum(0, np.maximum(0, _workdays(con, start, end)) - pause)
    on_time = (net[closed] <= target[closed]).mean()
    median = np.median(net[closed])
    p90 = np.percentile(net[closed], 90)
    open_ = ~closed & ~ended
    late_open = int((open_ & (net > target)).sum())

    got = pengaduan.ringkasan(tahun=FIXTURE_AS_OF.year, kategori=KATEGORI)
    assert got["jumlah"] == len(rows)
    assert got["selesai"] == int(closed.sum())
    assert got["persen_tepat_waktu"] == pytest.approx(on_time)
    assert got["median_hari_kerja"] == pytest.approx(median)
    assert got["p90_hari_kerja"] == pytest.approx(p90)
    assert got["terbuka"] == int(open_.sum())
    assert got["terbuka_lewat"] == late_open
    backlog = pengaduan.tunggakan(tahun=FIXTURE_AS_OF.year, kategori=KATEGORI)
    assert backlog.filter(backlog["sumbu"] == "umur")["jumlah"].sum() == int(open_.sum())


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
    from lentera.store import submissions
    before = pengaduan.ringkasan()["jumlah"]
    desa = forms.desa_options()[0]
    data = {"kategori": KATEGORI, "judul": "Jalan berlubang di depan sekolah",
            "isi": "Lubang besar di jalan desa, berbahaya bagi anak sekolah setiap pagi.",
            "kode_desa": desa["kode_desa"] if isinstance(desa, dict) else desa[0],
            "rahasia": True}
    try:
        submissions.create_pengaduan(data, [])
    except submissions.SubmissionValidationError as exc:
        pytest.fail(f"form rejected the test complaint: {exc.errors}")
    assert pengaduan.ringkasan()["jumlah"] == before  # within the live cache's ttl
    pengaduan._live.clear()
    assert pengaduan.ringkasan()["jumlah"] == before + 1
    assert pengaduan.ringkasan(kategori=KATEGORI)["rahasia"] >= 1
    assert pengaduan.live_frame()["isi"].is_null().all()
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
