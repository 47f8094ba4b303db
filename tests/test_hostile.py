"""Hostile files fail cleanly (issue 13, item 2): each corpus file through `python -m etl check`."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from etl import extract as ex
from etl import load as etl_load
from etl.report import report_lines
from lentera.core.schema import SOURCES

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
PENGADUAN = SOURCES["pengaduan"]

_spec = importlib.util.spec_from_file_location("hostile_make", HOSTILE / "_make.py")
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)

# file → (exit code, text the one stderr line must hold; None for 0/1, where stderr is empty)
CORPUS = {
    "kosong.csv": (2, "berkas kosong"),
    "hanya_baris_kosong.csv": (2, "berkas kosong"),
    "hanya_judul.csv": (2, "tidak ada baris data"),
    "judul_lalu_baris_kosong.csv": (2, "semua 1 baris ditolak"),
    "judul_lalu_jumlah.csv": (2, "tidak ada baris data"),
    "byte_nul.csv": (2, "byte NUL"),
    "utf16le_bom.csv": (0, None),
    "utf16be_bom.csv": (0, None),
    "utf32le_bom.csv": (0, None),
    "utf32be_bom.csv": (0, None),
    "utf16_tanpa_bom.csv": (2, "UTF-16 tanpa BOM"),
    "utf16_bom_terpotong.csv": (2, "UTF-16 (menurut BOM) rusak"),
    "utf8_bom.csv": (0, None),
    "campuran_utf8_cp1252.csv": (0, None),
    "judul_ganda.csv": (0, None),
    "rumus.csv": (0, None),
    "tanggal_mustahil.csv": (1, None),
    "semua_tanggal_mustahil.csv": (2, "semua 2 baris ditolak"),
    "kolom_10rb.csv": (2, "terlalu banyak kolom: 10,005"),
    "json_bersarang.csv": (2, "judul kolom tidak ditemukan"),
    "data.json": (2, "bukan berkas .csv atau .xlsx"),
    "zip_bernama.csv": (2, "arsip zip/XLSX, bukan teks CSV"),
    "biner_acak.csv": (2, "byte NUL"),
    "biner_tanpa_nul.csv": (2, "CSV tidak terbaca"),
    "kutip_tak_tertutup.csv": (2, "tanda kutip tidak tertutup"),
    "baris_tak_rata.csv": (1, None),
    "akhir_baris_cr.csv": (0, None),
    "judul_di_baris_40.csv": (2, "judul kolom tidak ditemukan di 30 baris pertama"),
    "baris_pertama_raksasa.csv": (2, "baris sangat panjang"),
    "kendali_ansi.csv": (0, None),
    "judul_lebar_nol.csv": (0, None),
    "hanya_kolom_pribadi.csv": (2, "kolom wajib tidak ada"),
    "sisipan_sql.csv": (0, None),
    "xls_lama.csv": (2, "Excel lama (.xls)"),
    "bukan_zip.xlsx": (2, "bukan arsip zip"),
    "kosong.xlsx": (2, "berkas kosong"),
    "terpotong.xlsx": (2, "terpotong"),
    "xls_lama.xlsx": (2, "Excel lama (.xls)"),
    "zip_tanpa_workbook.xlsx": (2, "tidak ada xl/workbook.xml"),
    "sel_di_xfd1048576.xlsx": (2, "sampai kolom XFD (16,384 kolom; batas 1,000)"),
    "sel_di_baris_sejuta.xlsx": (2, "1,048,576 × 30 kolom"),
    "dimensi_raksasa.xlsx": (2, "menyatakan ukuran sampai kolom XFD"),
    "sel_tanpa_posisi_2000_kolom.xlsx": (2, "2,005 kolom"),
    "tanpa_atribut_r.xlsx": (0, None),
    "teks_bersama_4_miliar.xlsx": (2, "4,000,000,000 teks"),
    "rasio_bom_zip.xlsx": (2, "bom zip"),
    "ukuran_berbohong.xlsx": (2, "lebih besar dari yang dinyatakan"),
    "crc_salah.xlsx": (2, "tidak utuh (CRC)"),
    "bersandi.xlsx": (2, "terenkripsi"),
    "bagian_ganda.xlsx": (2, "ada dua kali"),
    "hanya_judul.xlsx": (2, "tidak ada baris data"),
    "rumus.xlsx": (1, None),
    "entitas_xml.xlsx": (0, None),
    "xml_rusak.xlsx": (2, "XLSX tidak terbaca"),
    "tanggal_serial_mustahil.xlsx": (1, None),
    "baik.xlsx": (0, None),
}


def run_check(path: Path, source: str = "pengaduan") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "check", str(path), "--source", source],
                          cwd=ROOT, text=True, capture_output=True, timeout=300,
                          env={**os.environ, "CI": "true"})


def assert_clean(proc: subprocess.CompletedProcess, code: int, reason: str | None,
                 name: str) -> None:
    """The contract: the expected exit code, no signal, no traceback, one line per failure."""
    assert proc.returncode >= 0, f"{name}: killed by signal {-proc.returncode}"
    assert "Traceback" not in proc.stdout + proc.stderr and "panicked" not in proc.stderr
    assert proc.returncode == code, (name, proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    if code == 2:
        assert len(lines) == 1, (name, lines)
        assert lines[0].startswith("GAGAL") and name in lines[0] and reason in lines[0], lines
        assert len(lines[0]) <= 300
    else:
        assert lines == [], (name, lines)


@pytest.fixture(scope="module")
def checked() -> dict[str, subprocess.CompletedProcess]:
    names = sorted(CORPUS)
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(names, pool.map(lambda n: run_check(HOSTILE / n), names), strict=True))


def test_corpus_is_complete_and_reproducible(tmp_path):
    on_disk = sorted(p.name for p in HOSTILE.iterdir() if p.name != "_make.py")
    assert on_disk == sorted(CORPUS) and len(on_disk) >= 40
    for name, data in {**make.csv_files(), **make.xlsx_files()}.items():
        assert (HOSTILE / name).read_bytes() == data, f"{name}: run tests/fixtures/hostile/_make.py"


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_file_fails_cleanly(checked, name):
    code, reason = CORPUS[name]
    assert_clean(checked[name], code, reason, name)


def test_big_hostile_files_fail_cleanly(tmp_path):
    big = make.big(tmp_path / "besar")
    assert big["bom_zip_3mb.xlsx"].stat().st_size < 4 << 20  # 3 MB that inflate to 3.2 GB
    expect = {"bom_zip_3mb.xlsx": (2, "bom zip"),
              "bom_zip_berbohong.xlsx": (2, "lebih besar dari yang dinyatakan"),
              "baris_raksasa.csv": (1, None)}
    for name, (code, reason) in expect.items():
        assert_clean(run_check(big[name]), code, reason, name)
    got = etl_load.check(big["baris_raksasa.csv"], "pengaduan")
    [reject] = got.rejects.iter_rows(named=True)
    assert reject["reason"] == "teks lebih dari 32,767 karakter" and len(reject["value"]) < 100


def test_hostile_file_name_stays_one_line(tmp_path):
    path = tmp_path / "a\nGAGAL palsu\x1b[31m.xlsx"
    path.write_bytes(b"bukan zip")
    assert_clean(run_check(path), 2, "bukan arsip zip", "palsu")


def _load(raw: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "load", "--raw", str(raw), "--db", str(db),
                           "--no-exports"], cwd=ROOT, text=True, capture_output=True,
                          timeout=600, env={**os.environ, "CI": "true"})


@pytest.mark.parametrize("bad", ["hanya_judul.csv", "judul_lalu_jumlah.csv",
                                 "semua_tanggal_mustahil.csv", "sel_di_xfd1048576.xlsx"])
def test_bad_file_never_empties_a_table(tmp_path, bad):
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    (raw / "pengaduan").mkdir(parents=True)
    (raw / "pengaduan" / "bulanan.csv").write_text(make.GOOD)
    first = _load(raw, db)
    assert first.returncode == 0, first.stderr

    def state():
        con = duckdb.connect(str(db), read_only=True)
        try:
            return (con.execute("SELECT count(*) FROM pengaduan").fetchone()[0],
                    con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0])
        finally:
            con.close()

    before = state()
    assert before[0] == len(make.ROWS)
    # The next month's export arrives broken, in place of the good one.
    (raw / "pengaduan" / "bulanan.csv").unlink()
    shutil.copy(HOSTILE / bad, raw / "pengaduan" / bad)
    second = _load(raw, db)
    assert second.returncode == 2 and "Traceback" not in second.stderr
    failed = [line for line in second.stderr.splitlines() if line.startswith("GAGAL")]
    assert len(failed) == 1 and f"pengaduan/{bad}" in failed[0], second.stderr
    assert state() == before  # the table keeps its rows, the warehouse its version


def test_utf16_and_utf32_read_like_utf8():
    want = ex.extract(HOSTILE / "utf8_bom.csv", PENGADUAN, "a.csv").frame.drop("source_row")
    for name in ("utf16le_bom.csv", "utf16be_bom.csv", "utf32le_bom.csv", "utf32be_bom.csv",
                 "akhir_baris_cr.csv"):
        got = ex.extract(HOSTILE / name, PENGADUAN, "a.csv", utf8=False)
        assert got.frame.drop("source_row").equals(want), name
        assert got.frame["source_row"].to_list() == [2, 3]


def test_mixed_encodings_read_line_by_line():
    _sha, utf8, _nul = ex.file_facts(HOSTILE / "campuran_utf8_cp1252.csv")
    got = ex.extract(HOSTILE / "campuran_utf8_cp1252.csv", PENGADUAN, "a.csv", utf8=utf8)
    assert not utf8 and got.frame["kategori"].to_list() == ["Café UTF-8", "Café cp1252"]


def test_duplicated_header_names_the_column_read_and_the_one_ignored():
    got = ex.extract(HOSTILE / "judul_ganda.csv", PENGADUAN, "pengaduan/judul_ganda.csv")
    # the first 'kategori' (third column) is read; the sixth is named as the one ignored
    assert got.frame["kategori"].to_list() == ["Kesehatan", "Jalan"]
    assert got.duplicate_columns == [
        "kategori: kolom ke-3 'kategori' dipakai, kolom ke-6 'kategori' diabaikan"]
    assert "kategori" not in got.ignored_columns
    result = etl_load.check(HOSTILE / "judul_ganda.csv", "pengaduan")
    assert "    kolom ganda: " + got.duplicate_columns[0] in report_lines(result)


def test_duplicated_header_in_xlsx_names_columns_by_letter(tmp_path):
    grid = [[*make.GRID[0], "kategori"], [*make.GRID[1], "Palsu"], [*make.GRID[2], "Palsu"]]
    path = tmp_path / "ganda.xlsx"
    path.write_bytes(make.workbook(make.sheet_xml(grid)))
    got = ex.extract(path, PENGADUAN, "ganda.xlsx")
    assert got.frame["kategori"].to_list() == ["Kesehatan", "Jalan"]
    assert got.duplicate_columns == ["kategori: kolom C 'kategori' dipakai, kolom F 'kategori' "
                                     "diabaikan"]


def test_absurd_dates_are_rejected_with_their_reason():
    result = etl_load.check(HOSTILE / "tanggal_mustahil.csv", "pengaduan")
    reasons = dict(result.rejects.select("source_row", "reason").iter_rows())
    assert reasons[3] == reasons[4] == "tanggal di luar tahun 1990-2100"  # 9999 and year 1
    assert reasons[5] == reasons[6] == "tanggal tidak dikenali"  # 31/02 and -5
    assert 2 not in reasons
    xlsx = etl_load.check(HOSTILE / "tanggal_serial_mustahil.xlsx", "pengaduan")
    assert xlsx.rejects.height == 2 and xlsx.exit_code == 1


@pytest.mark.parametrize("limit, value", [("MAX_COLUMNS", 4), ("MAX_CELLS", 10)])
def test_bounds_apply_to_ordinary_workbooks(tmp_path, monkeypatch, limit, value):
    # the bounds are what they say: lowered, they refuse the good workbook too
    monkeypatch.setattr(ex, limit, value)
    with pytest.raises(ex.ExtractError, match="XLSX tidak terbaca: (lembar kerja )?berisi"):
        ex.extract(HOSTILE / "baik.xlsx", PENGADUAN, "baik.xlsx")


def test_sheet_scan_reads_cells_without_positions_like_the_reader():
    scan = ex._SheetScan()
    sheet = make.sheet_xml([["a"] * 3] * 4, extra="<row><c><v>1</v></c><c/><c/><c/><c/></row>",
                           refs=False)
    for i in range(0, len(sheet), 7):  # tags cut at every chunk boundary
        scan.feed(sheet[i:i + 7])
    assert (scan.max_row, scan.max_col, scan.cells) == (5, 5, 17)
