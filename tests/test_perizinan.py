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
                  target_hari_kerja, status
           FROM perizinan WHERE jenis_layanan = $l AND year(tanggal_permohonan) = $y""",
        params={"l": LAYANAN, "y": FIXTURE_AS_OF.year}).fetchall()
    assert len(rows) > 5, "fixture has too few applications for the test service"
    one = np.timedelta64(1, "D")
    start = np.array([r[0] for r in rows], dtype="datetime64[D]")
    closed = np.array([r[1] is not None for r in rows])
    end = np.array([r[1] or FIXTURE_AS_OF for r in rows], dtype="datetime64[D]")
    target = np.array([r[2] for r in rows])
    ended = np.array([r[3] in ("ditolak", "dikembalikan", "dicabut") for r in rows]) & ~closed
    # working days in (start, end]: numpy's busday_count with the same days off
    used = np.maximum(0, np.busday_count(start + one, end + one, holidays=libur))
    open_ = ~closed & ~ended

    got = perizinan.per_kelompok("layanan", tahun=FIXTURE_AS_OF.year, layanan=LAYANAN)
    assert got.height == 1
    r = got.row(0, named=True)
    assert r["jumlah"] == len(rows)
    assert r["selesai"] == int(closed.sum())
    assert r["median_hari_kerja"] == pytest.approx(np.median(used[closed]))
    assert r["p90_hari_kerja"] == pytest.approx(np.percentile(used[closed], 90))
    assert r["persen_tepat_waktu"] == pytest.approx((used[closed] <= target[closed]).mean())
    assert r["terbuka"] == int(open_.sum())
    assert r["terbuka_lewat"] == int((open_ & (used > target)).sum())
    assert r["cukup"] == (len(rows) >= config.MIN_CASES_FOR_RANKING)


def test_citizen_estimate_and_breakdowns(env):
    frame = perizinan.per_kelompok("layanan", tahun=FIXTURE_AS_OF.year)
    est = perizinan.perkiraan(frame, LAYANAN)
    row = frame.filter(frame["kelompok"] == LAYANAN).row(0, named=True)
    assert est["median"] == row["median_hari_kerja"] and est["target"] == row["target_hari_kerja"]
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
