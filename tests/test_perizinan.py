"""Perizinan page: per-service figures recomputed independently, the citizen's ETA, AppTest filters."""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pytest
from conftest import APP, FIXTURE_AS_OF, fixture_environ

from lentera.core import config
from lentera.core.kalender import Calendar
from lentera.warehouse import perizinan

LAYANAN = "KTP Elektronik"


@pytest.fixture(scope="module")
def layanan_db(fixture_warehouse, tmp_path_factory):
    """A copy of the fixture warehouse that surely has `kalender_kerja` (until the ETL writes it)."""
    path = tmp_path_factory.mktemp("perizinan") / "warehouse.duckdb"
    shutil.copy(fixture_warehouse.db, path)
    con = duckdb.connect(str(path))
    try:
        if "kalender_kerja" not in {r[0] for r in con.sql("SHOW TABLES").fetchall()}:
            Calendar.from_reference().write_table(con)
    finally:
        con.close()
    return path


@pytest.fixture
def env(layanan_db, tmp_path, monkeypatch):
    for key, value in fixture_environ(layanan_db, tmp_path).items():
        monkeypatch.setenv(key, value)
    return layanan_db


def test_one_service_agrees_with_independent_sql(env):
    con = duckdb.connect(str(env), read_only=True)
    libur = np.array([r[0] for r in con.sql(
        "SELECT tanggal FROM kalender_kerja WHERE NOT hari_kerja AND dayofweek(tanggal) "
        "BETWEEN 1 AND 5").fetchall()], dtype="datetime64[D]")
    rows = con.sql(
        """SELECT coalesce(tanggal_berkas_lengkap, tanggal_permohonan), tanggal_selesai,
                  target_hari_kerja, status, tanggal_permohonan,
                  year(tanggal_permohonan) = $y AS tahun_ini
           FROM perizinan WHERE jenis_layanan = $l""",
        params={"l": LAYANAN, "y": FIXTURE_AS_OF.year}).fetchall()
    one = np.timedelta64(1, "D")
    start = np.array([r[0] for r in rows], dtype="datetime64[D]")
    applied = np.array([r[4] for r in rows], dtype="datetime64[D]")
    closed = np.array([r[1] is not None for r in rows])
    end = np.array([r[1] or FIXTURE_AS_OF for r in rows], dtype="datetime64[D]")
    target = np.array([r[2] for r in rows])
    refused = np.array([r[3] in ("ditolak", "dikembalikan", "dicabut") for r in rows])
    ended = refused & ~closed
    year = np.array([r[5] for r in rows])
    assert year.sum() > 5, "fixture has too few applications for the test service"
    # working days in (start, end]: numpy's busday_count with the same days off
    used = np.maximum(0, np.busday_count(start + one, end + one, holidays=libur))
    # gross: from the application date, the wait for a complete file included
    waited = np.maximum(0, np.busday_count(applied + one, start + one, holidays=libur))
    gross = used + waited
    open_ = ~closed & ~ended
    issued = year & closed & ~refused
    not_issued = year & closed & refused

    got = perizinan.per_kelompok("layanan", tahun=FIXTURE_AS_OF.year, layanan=LAYANAN)
    assert got.height == 1
    r = got.row(0, named=True)
    assert r["jumlah"] == int(year.sum())
    assert r["selesai"] == int((year & closed).sum())
    assert (r["terbit"], r["tidak_terbit"]) == (int(issued.sum()), int(not_issued.sum()))
    assert r["median_hari_kerja"] == pytest.approx(np.median(used[issued]))
    assert r["p90_hari_kerja"] == pytest.approx(np.percentile(used[issued], 90))
    assert r["median_hari_kotor"] == pytest.approx(np.median(gross[issued]))
    assert r["persen_tepat_waktu"] == pytest.approx((used[issued] <= target[issued]).mean())
    assert r["persen_tepat_waktu_kotor"] == pytest.approx((gross[issued] <= target[issued]).mean())
    if not_issued.any():
        assert r["persen_tepat_waktu_tidak_terbit"] == pytest.approx(
            (used[not_issued] <= target[not_issued]).mean())
    assert r["persen_ditunda"] == pytest.approx((waited[year] > 0).mean())
    assert r["jeda_panjang"] == int((waited[year] > config.PAUSE_FLAG_DAYS).sum())
    # the backlog is the stock on the as-of date: open applications of every year
    assert r["terbuka"] == int(open_.sum())
    assert r["terbuka_lewat"] == int((open_ & (used > target)).sum())
    assert r["cukup"] == (int(year.sum()) >= config.MIN_CASES_FOR_RANKING)


def test_services_without_standard_are_counted_not_dropped(env):
    con = duckdb.connect(str(env), read_only=True)
    y = FIXTURE_AS_OF.year
    # own SQL: applications of the year whose service has no time standard, and the issued ones
    tanpa, terbit = con.sql(
        """SELECT count(*), count(*) FILTER (WHERE tanggal_selesai IS NOT NULL AND
                  status NOT IN ('ditolak', 'dikembalikan', 'dicabut'))
           FROM perizinan WHERE target_hari_kerja IS NULL AND year(tanggal_permohonan) = $y""",
        params={"y": y}).fetchall()[0]
    assert tanpa > 0, "the fixture should hold a service without a standard"
    r = perizinan.ringkasan(tahun=y)
    assert (r["tanpa_standar"], r["terbit_tanpa_standar"]) == (tanpa, terbit)
    kantor = perizinan.per_kelompok("kantor", tahun=y)
    assert kantor["tanpa_standar"].sum() == tanpa
    layanan = perizinan.per_kelompok("layanan", tahun=y)
    assert layanan.filter(layanan["target_hari_kerja"].is_null())["tanpa_standar"].sum() == tanpa
    # the on-time share is over issued applications that have a standard, and says so
    assert r["dinilai"] == r["terbit"] - r["terbit_tanpa_standar"]


def test_base_of_every_figure_is_stated():
    from lentera.figures import perizinan as figures

    text, slug = figures.dasar(2026, FIXTURE_AS_OF, "terbit")
    assert "2026" in text and FIXTURE_AS_OF.isoformat() in slug and "terbit" in slug
    text_all, slug_all = figures.dasar(None, FIXTURE_AS_OF, "semua")
    assert text_all != text and "semua" in slug_all


def test_citizen_estimate_and_breakdowns(env):
    frame = perizinan.per_kelompok("layanan", tahun=FIXTURE_AS_OF.year)
    est = perizinan.perkiraan(frame, LAYANAN)
    row = frame.filter(frame["kelompok"] == LAYANAN).row(0, named=True)
    assert est["median"] == row["median_hari_kerja"] and est["target"] == row["target_hari_kerja"]
    assert est["median_kotor"] == row["median_hari_kotor"]
    assert (est["terbit"], est["tidak_terbit"]) == (row["terbit"], row["tidak_terbit"])
    assert perizinan.perkiraan(frame, "Layanan yang tidak ada") is None
    whole = perizinan.ringkasan(tahun=FIXTURE_AS_OF.year)["jumlah"]
    assert frame["jumlah"].sum() == whole
    assert perizinan.per_kelompok("kantor", tahun=FIXTURE_AS_OF.year)["jumlah"].sum() == whole
    kec = perizinan.per_kecamatan(tahun=FIXTURE_AS_OF.year)
    assert kec["jumlah"].sum() <= whole
    nib = perizinan.nib(tahun=FIXTURE_AS_OF.year)
    assert nib["jumlah"].sum() == perizinan.ringkasan(tahun=FIXTURE_AS_OF.year)["nib_terbit"]


def test_methods_have_both_languages():
    from lentera.core.i18n import t

    for title, body in perizinan.METHODS:
        for lang in ("id", "en"):
            assert t(title, lang=lang) != title and t(body, lang=lang) != body


def test_apptest_filters_change_the_numbers(env):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page("pages/perizinan.py")
    at.run()
    assert not at.exception
    total = at.metric[0].value
    at.selectbox(key="perizinan.layanan").select(LAYANAN).run()
    assert not at.exception
    assert at.metric[0].value != total
    assert any(LAYANAN in m.value for m in at.markdown)
    at.query_params["kecamatan"] = "99.99.99"
    at.run()
    assert not at.exception
