"""The ETL end to end on the hand-written fixtures: read back from the real DuckDB file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl import load as etl_load
from etl.report import report_lines
from lentera.core.schema import SOURCES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "raw"
BROKEN = FIXTURES / "_rusak"
# Fake personal data written into the fixtures; none may reach the warehouse.
PERSONAL = ("6112010101010001", "6112010101010004", "6112010101010005", "6112010101010009",
            "0812-0000-0001", "081200000002", "0812-0000-0007", "0812-0000-0008",
            "warga1@contoh.id", "warga2@contoh.id", "Warga Contoh", "Jl. Rumah Contoh")


def copy_raw(dest: Path) -> Path:
    """The fixture sources (without the whole-file-broken ones) copied to `dest`."""
    raw = dest / "raw"
    shutil.copytree(FIXTURES, raw, ignore=shutil.ignore_patterns("_rusak", "_make_*"))
    return raw


def rows(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def version(db: Path) -> str:
    return rows(db, "SELECT value FROM meta WHERE key = 'data_version'")[0][0]


@pytest.fixture()
def loaded(tmp_path):
    raw = copy_raw(tmp_path)
    db = tmp_path / "warehouse.duckdb"
    result = etl_load.load(raw, db, progress=False)
    return raw, db, result


def test_load_counts_sums_and_exit_code(loaded):
    _raw, db, result = loaded
    assert result.exit_code == 1 and result.written
    counts = {t: rows(db, f"SELECT count(*) FROM {t}")[0][0] for t in SOURCES}
    assert counts == {"anggaran": 4, "realisasi": 5, "pengaduan": 3, "perizinan": 3, "usulan": 2}
    assert rows(db, "SELECT sum(pagu) FROM anggaran")[0][0] == Decimal("3260500000.00")
    assert rows(db, "SELECT sum(realisasi) FROM realisasi")[0][0] == Decimal("413750000.50")
    assert rows(db, "SELECT sum(perkiraan_biaya) FROM usulan")[0][0] == Decimal("400000000.00")
    types = dict(rows(db, "SELECT column_name, data_type FROM duckdb_columns() "
                          "WHERE table_name = 'anggaran'"))
    assert types["pagu"] == "DECIMAL(18,2)" and types["source_row"] == "INTEGER"
    # rows read = loaded + skipped + rejected, per file
    for f in result.files:
        assert f.rows_read == f.rows_loaded + f.rows_skipped + f.rows_rejected, f.file
    runs = rows(db, "SELECT source_file, rows_read, rows_loaded, rows_rejected FROM etl_runs "
                    "ORDER BY source_file")
    assert ("anggaran/01_apbd_2025.csv", 12, 4, 5) in runs
    assert len(runs) == 6


def test_one_reject_per_bad_row_with_column_and_reason(loaded):
    _raw, db, _result = loaded
    got = rows(db, 'SELECT source_file, source_row, "column", value, reason FROM etl_rejects '
                   "ORDER BY source_file, source_row")
    by_place = {(f, r): (c, v, why) for f, r, c, v, why in got}
    assert len(by_place) == len(got) == 19
    a = "anggaran/01_apbd_2025.csv"
    assert by_place[(a, 10)][0] == "kode_sub_kegiatan"
    assert by_place[(a, 11)] == ("pagu", "seratus juta", "nilai rupiah tidak dikenali")
    assert by_place[(a, 12)][0] == "pagu" and "negatif" in by_place[(a, 12)][2]
    assert by_place[(a, 13)][0::2] == ("tahun", "wajib diisi")
    assert by_place[(a, 14)][2].endswith(f"{a} baris 5")
    p = "pengaduan/lapor_2025_08.csv"
    # the multi-line quoted value on lines 3-4 moves every later row down one line
    assert by_place[(p, 5)] == ("status", "proses ulang", "status tidak dikenal: 'proses ulang'")
    assert by_place[(p, 6)][0::2] == ("tanggal_masuk", "tanggal tidak dikenali")
    assert by_place[(p, 7)][0] == "tanggal_selesai"
    assert by_place[(p, 8)][0] == "nama_desa" and "desa tidak dikenal" in by_place[(p, 8)][2]
    assert by_place[(p, 9)][2].endswith(f"{p} baris 2")
    z = "perizinan/01_perizinan_2025.xlsx"
    assert by_place[(z, 7)][0] == "tanggal_selesai"
    assert by_place[(z, 8)] == ("tanggal_permohonan", "kemarin", "tanggal tidak dikenali")
    r = "realisasi/01_realisasi_2025_q1.xlsx"
    assert by_place[(r, 8)][0::2] == ("bulan", "bulan tidak dikenali")
    assert by_place[(r, 9)][0] == "kode_rekening"
    w = "realisasi/02_realisasi_2025_apr_w1252.csv"
    assert by_place[(w, 5)][2].endswith(f"{r} baris 5")
    u = "usulan/usulan_rkpd_2026.csv"
    assert by_place[(u, 4)][0] == "lat,lng" and "luar wilayah" in by_place[(u, 4)][2]
    assert by_place[(u, 5)][0] == "status"
    assert by_place[(u, 6)][0] == "lat,lng"
    assert "wajib" in by_place[(u, 7)][2]


def test_transforms_defaults_matching_and_warnings(loaded):
    _raw, db, result = loaded
    p = dict((r[0], r[1:]) for r in rows(
        db, "SELECT nomor_tiket, kode_desa, kode_kecamatan, nama_kecamatan, anonim, rahasia, "
            "source_row, kanal, klasifikasi FROM pengaduan"))
    assert p["LPR-2025-000001"][:5] == ("61.12.01.2001", "61.12.01", "Sungai Raya", True, False)
    # "Desa Kuala Dua" without a kecamatan is matched by name; anonim defaults to true
    assert p["LPR-2025-000002"][:4] == ("61.12.01.2004", "61.12.01", "Sungai Raya", True)
    assert p["LPR-2025-000002"][6:] == ("sms", "aspirasi")
    assert p["LPR-2025-000007"][:3] == (None, "61.12.09", "Sungai Kakap")
    assert p["LPR-2025-000007"][5] == 10
    z = {r[0]: r[1:] for r in rows(db, "SELECT nomor_permohonan, jenis_layanan, "
                                        "jenis_layanan_asli, target_hari_kerja, nama_pemohon, "
                                        "tanggal_permohonan::VARCHAR, tanggal_berkas_lengkap::VARCHAR,"
                                        " status FROM perizinan")}
    assert z["REG-001"][:4] == ("Persetujuan Bangunan Gedung (PBG)", "IMB", 28, "PT Contoh Makmur")
    assert z["REG-001"][6] == "selesai"
    assert z["REG-002"][:4] == ("KTP Elektronik", "KTP-el", 1, None)
    assert z["REG-002"][4:6] == ("2025-08-01", "2025-08-01")  # Excel serial 45870
    assert z["REG-003"][:4] == ("Izin Sarang Walet", "Izin Sarang Walet", None, None)
    u = {r[0]: r[1:] for r in rows(db, "SELECT id_usulan, lat, lng, sumber FROM usulan")}
    assert u["USL-0002"] == (-0.10, 109.42, "musrenbang")
    assert rows(db, "SELECT DISTINCT tahap FROM anggaran") == [("murni",)]
    warn = rows(db, 'SELECT source, "column", source_row FROM etl_warnings ORDER BY source')
    assert warn == [("perizinan", "jenis_layanan", 6), ("usulan", "lat,lng", 3)]
    assert result.warnings_about("jenis layanan") == {"Izin Sarang Walet": 1}


def test_no_personal_data_anywhere_in_the_warehouse(loaded):
    _raw, db, _result = loaded
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                           "WHERE data_type = 'VARCHAR' AND NOT internal AND schema_name = 'main'").fetchall()
        names = {c for _t, c in cols}
        assert not names & {"nik", "no_hp", "email", "nama_pelapor", "alamat_pemohon"}
        for table, column in cols:
            for needle in PERSONAL:
                hit = con.execute(
                    f'SELECT count(*) FROM "{table}" WHERE contains("{column}", $n)',
                    {"n": needle}).fetchone()[0]
                assert hit == 0, (table, column, needle)
        isi = con.execute("SELECT isi FROM pengaduan WHERE nomor_tiket = 'LPR-2025-000001'")
        assert "rusak parah" in isi.fetchone()[0]
    finally:
        con.close()


def test_reference_tables_and_meta(loaded):
    _raw, db, _result = loaded
    assert rows(db, "SELECT count(*) FROM wilayah_desa")[0][0] == 123
    assert rows(db, "SELECT count(*) FROM wilayah_kecamatan WHERE geojson LIKE '{%'")[0][0] == 9
    assert rows(db, "SELECT penduduk_estimasi FROM wilayah_kecamatan "
                    "WHERE nama_kecamatan = 'Sungai Ambawang'") == [(False,)]
    meta = dict(rows(db, "SELECT key, value FROM meta"))
    assert meta["is_sample"] == "false" and meta["region"] == "61.12"
    assert meta["as_of"] == "2025-08-23"
    shas = rows(db, "SELECT count(DISTINCT sha256), count(DISTINCT data_version) FROM etl_runs")
    assert shas == [(6, 1)] and meta["data_version"] == rows(
        db, "SELECT DISTINCT data_version FROM etl_runs")[0][0]


def test_sample_marker_goes_into_meta(tmp_path):
    raw = copy_raw(tmp_path)
    (raw / "SAMPLE.json").write_text('{"seed": 7, "scale": 0.5, "as_of": "2026-10-31"}')
    db = tmp_path / "w.duckdb"
    etl_load.load(raw, db, progress=False)
    meta = dict(rows(db, "SELECT key, value FROM meta"))
    assert (meta["is_sample"], meta["as_of"], meta["sample_seed"]) == ("true", "2026-10-31", "7")


def _snapshot(db: Path) -> dict:
    out = {t: rows(db, f"SELECT * EXCLUDE (source_file) FROM {t} ORDER BY ALL") for t in SOURCES}
    out["rejects"] = rows(db, "SELECT * EXCLUDE (run_id) FROM etl_rejects ORDER BY ALL")
    return out


def test_reload_is_idempotent_and_copied_file_is_loaded_once(loaded):
    raw, db, _result = loaded
    before = _snapshot(db)
    first_version = version(db)
    again = etl_load.load(raw, db, progress=False)
    assert again.exit_code == 1 and _snapshot(db) == before
    assert version(db).split("-")[1] == first_version.split("-")[1]  # same inputs, same hash
    shutil.copy(raw / "pengaduan" / "lapor_2025_08.csv", raw / "pengaduan" / "zz_salinan.csv")
    third = etl_load.load(raw, db, progress=False)
    assert rows(db, "SELECT count(*) FROM pengaduan")[0][0] == 3
    status = {f.file: f.status for f in third.files}
    assert status["pengaduan/zz_salinan.csv"] == etl_load.DUPLICATE_FILE


def test_only_rebuilds_named_sources_and_keeps_the_rest(loaded):
    raw, db, _result = loaded
    before = _snapshot(db)
    for f in (raw / "anggaran").iterdir():
        f.unlink()
    result = etl_load.load(raw, db, only=["pengaduan"], progress=False)
    assert result.exit_code == 1
    after = _snapshot(db)
    assert after["anggaran"] == before["anggaran"]  # kept, although its raw files are gone
    assert after["pengaduan"] == before["pengaduan"]
    assert rows(db, "SELECT count(*) FROM etl_runs WHERE source = 'anggaran'")[0][0] == 1
    assert rows(db, "SELECT count(*) FROM etl_rejects")[0][0] == 19
    full = etl_load.load(raw, db, progress=False)
    assert full.exit_code == 1 and rows(db, "SELECT count(*) FROM anggaran")[0][0] == 0
    bad = etl_load.load(raw, db, only=["anggaran", "apbd"], progress=False)
    assert bad.exit_code == 2 and "apbd" in bad.errors[0]


@pytest.mark.parametrize("broken, source, reason", [
    ("anggaran_tanpa_pagu.csv", "anggaran", "kolom wajib tidak ada: pagu"),
    ("realisasi_rusak.xlsx", "realisasi", "XLSX tidak terbaca"),
    ("pengaduan_tanpa_judul_kolom.csv", "pengaduan", "judul kolom tidak ditemukan"),
])
def test_broken_file_keeps_previous_warehouse(loaded, broken, source, reason):
    raw, db, _result = loaded
    old = version(db)
    shutil.copy(BROKEN / broken, raw / source / broken)
    result = etl_load.load(raw, db, progress=False)
    assert result.exit_code == 2 and not result.written
    failed = [f for f in result.files if f.status == etl_load.FAILED]
    assert [f.file for f in failed] == [f"{source}/{broken}"]
    assert reason in failed[0].message
    assert version(db) == old
    assert not list(db.parent.glob("*.building-*"))


def test_injected_failure_leaves_previous_warehouse(loaded, monkeypatch):
    raw, db, _result = loaded
    old = version(db)

    def boom(*_a, **_k):
        raise RuntimeError("disk full (injected)")

    monkeypatch.setattr(etl_load, "_write_meta", boom)
    with pytest.raises(RuntimeError):
        etl_load.load(raw, db, progress=False)
    assert version(db) == old and rows(db, "SELECT count(*) FROM pengaduan")[0][0] == 3
    assert not list(db.parent.glob("*.building-*"))


def test_killed_load_leaves_previous_warehouse(loaded, tmp_path):
    raw, db, _result = loaded
    old = version(db)
    # Enough realisasi rows that the load is still busy when the temp file appears.
    n = 400_000
    pl.DataFrame({
        "tahun": ["2025"] * n,
        "bulan": [str(1 + i % 12) for i in range(n)],
        "kode_skpd": ["1.02.0.00.0.00.01.0000"] * n,
        "kode_sub_kegiatan": [f"1.02.02.2.01.{i // 12 % 10000:04d}" for i in range(n)],
        "kode_rekening": [f"5.1.02.01.{i // 120000 + 1:02d}.{i // 12 % 10000:04d}"
                          for i in range(n)],
        "realisasi": ["Rp 1.000.000,00"] * n,
    }).write_csv(raw / "realisasi" / "03_besar.csv", separator=";")
    env = {**os.environ, "CI": "true"}
    proc = subprocess.Popen([sys.executable, "-m", "etl", "load", "--raw", str(raw),
                             "--db", str(db)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while not list(db.parent.glob(db.name + ".building-*")):
            assert proc.poll() is None, "load finished before the temp file was seen"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert version(db) == old
    assert rows(db, "SELECT count(*) FROM realisasi")[0][0] == 5
    # The next load cleans up the dead run's temp file and succeeds.
    os.remove(raw / "realisasi" / "03_besar.csv")
    again = etl_load.load(raw, db, progress=False)
    assert again.written and not list(db.parent.glob(db.name + ".building-*"))


def test_clean_folder_exits_zero(tmp_path):
    raw = tmp_path / "raw"
    (raw / "pengaduan").mkdir(parents=True)
    (raw / "pengaduan" / "ok.csv").write_text(
        # a finished case names its end date (a "selesai" without one is rejected)
        "nomor_tiket,tanggal_masuk,kategori,status,tanggal_selesai\n"
        "A-1,17/08/2025,Kesehatan,selesai,19/08/2025\n")
    result = etl_load.load(raw, tmp_path / "w.duckdb", progress=False)
    assert result.exit_code == 0
    assert rows(tmp_path / "w.duckdb", "SELECT count(*), min(anonim) FROM pengaduan") == [(1, True)]


def test_check_writes_nothing_and_reports(tmp_path):
    raw = copy_raw(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    result = etl_load.check(raw / "pengaduan" / "lapor_2025_08.csv", "pengaduan")
    assert result.exit_code == 1 and result.rejects.height == 5
    assert etl_load.check(raw, "anggaran").exit_code == 1  # the raw root with a source folder
    assert etl_load.check(BROKEN / "anggaran_tanpa_pagu.csv", "anggaran").exit_code == 2
    assert etl_load.check(raw / "usulan", "apbd").exit_code == 2
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_cli_check_exit_codes_and_no_traceback(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, text=True,
                              capture_output=True, env={**os.environ, "CI": "true"})

    unknown = run("check", str(FIXTURES / "usulan"), "--source", "apbd")
    assert unknown.returncode == 2 and "sumber tidak dikenal" in unknown.stdout
    assert "Traceback" not in unknown.stderr
    broken = run("check", str(BROKEN / "realisasi_rusak.xlsx"), "--source", "realisasi")
    assert broken.returncode == 2 and "XLSX tidak terbaca" in broken.stdout
    assert "Traceback" not in broken.stderr
    good = run("check", str(FIXTURES / "usulan"), "--source", "usulan")
    assert good.returncode == 1 and "Koordinat tertukar yang dibalik: 1" in good.stdout
    assert "0812-0000-0008" not in good.stdout + good.stderr


def _door_files(raw: Path) -> None:
    """One small file per source with rows the door must read by meaning (INPUT_FORMATS.md)."""
    for name in ("pengaduan", "perizinan", "usulan"):
        (raw / name).mkdir(parents=True)
    (raw / "pengaduan" / "pintu.csv").write_text(
        "nomor_tiket,tanggal_masuk,kategori,status,tanggal_selesai\n"
        "P-1,04/08/2025,Kesehatan,proses,08/08/2025\n"  # open synonym, yet finished
        "P-2,04/08/2025,Kesehatan,selesai,\n"  # finished without an end date
        "P-3,04/08/2025,Kesehatan,proses,\n"  # open synonym, open: loads as ditindaklanjuti
        "P-4,04/08/2025,Kesehatan,ditolak,\n"  # ended without an end date: allowed
        "P-5,04/08/2025,Kesehatan,tuntas,08/08/2025\n")  # finished synonym with its date
    (raw / "perizinan" / "pintu.csv").write_text(
        "nomor_permohonan,jenis_layanan,tanggal_permohonan,tanggal_selesai,status\n"
        "Z-1,KTP Elektronik,04/08/2025,05/08/2025,sedang diproses\n"
        "Z-2,KTP Elektronik,04/08/2025,,terbit\n"
        "Z-3,KTP Elektronik,04/08/2025,,diproses\n"
        "Z-4,KTP Elektronik,04/08/2025,05/08/2025,ditolak\n")
    (raw / "usulan" / "pintu.csv").write_text(
        "id_usulan;tahun_rkpd;usulan;nama_kecamatan;lat;lng;status;kode_sub_kegiatan\n"
        "U-1;2026;Jalan;Sungai Raya;-0.05;109.665;diusulkan;\n"  # three decimals: degrees
        "U-2;2026;Jalan;Sungai Raya;-0,05;109,665;diusulkan;\n"  # decimal comma
        "U-3;2026;Jalan;Sungai Raya;-0.05;109.665,5;diusulkan;\n"  # two marks: rejected
        "U-4;2026;Jalan;Sungai Raya;;;ditolak;1.03.02.2.01.0001\n"  # refused yet funded
        "U-5;2026;Jalan;Sungai Raya;;;masuk_rkpd;1.03.02.2.01.0001\n")


def test_door_reads_coordinates_and_statuses_by_meaning(tmp_path):
    raw = tmp_path / "raw"
    _door_files(raw)
    db = tmp_path / "w.duckdb"
    result = etl_load.load(raw, db, progress=False)
    # the contradicting rows are rejected with their reason, the rest loads (exit code 1)
    assert result.exit_code == 1 and result.written
    got = rows(db, 'SELECT source, source_row, "column", reason FROM etl_rejects '
                   "ORDER BY source, source_row")
    rejected = {(s, r): (c, why) for s, r, c, why in got}
    assert set(rejected) == {("pengaduan", 2), ("pengaduan", 3), ("perizinan", 2),
                             ("perizinan", 3), ("usulan", 4), ("usulan", 5)}
    assert rejected[("pengaduan", 2)][0] == "status,tanggal_selesai"
    assert "'proses' berarti belum selesai" in rejected[("pengaduan", 2)][1]
    assert "'selesai' berarti selesai" in rejected[("pengaduan", 3)][1]
    assert "belum selesai" in rejected[("perizinan", 2)][1]
    assert "'terbit' berarti selesai" in rejected[("perizinan", 3)][1]
    assert rejected[("usulan", 4)][0] == "lng" and "lebih dari satu tanda" in rejected[
        ("usulan", 4)][1]
    assert rejected[("usulan", 5)][0] == "status,kode_sub_kegiatan"
    assert dict(rows(db, "SELECT nomor_tiket, status FROM pengaduan")) == {
        "P-3": "ditindaklanjuti", "P-4": "ditolak", "P-5": "selesai"}
    assert dict(rows(db, "SELECT nomor_permohonan, status FROM perizinan")) == {
        "Z-3": "diproses", "Z-4": "ditolak"}
    points = {r[0]: r[1:] for r in rows(db, "SELECT id_usulan, lat, lng FROM usulan")}
    assert points["U-1"] == points["U-2"] == (-0.05, 109.665)
    assert set(points) == {"U-1", "U-2", "U-5"}
    # the load report lists the contradictions among the top reasons
    assert any("bertentangan" in line for line in report_lines(result))
