"""Extract: header detection, separators, encodings and line numbers, incl. property tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import extract as ex
from lentera.core.schema import SOURCES

PENGADUAN = SOURCES["pengaduan"]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "raw"

# Cell text: letters, digits, spaces, punctuation that CSV must quote (separators, quotes,
# newlines); never blank-only (a blank row is skipped on purpose) nor starting with JUMLAH/TOTAL.
cell = st.text(alphabet=st.sampled_from(list("abcXYZ019 .;,\"\n-")), min_size=1, max_size=12)
cell = cell.filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(cell, cell, cell), min_size=1, max_size=8),
    titles=st.lists(st.sampled_from(["LAPORAN PENGADUAN", "Periode: Agustus 2025", ""]),
                    max_size=3),
    sep=st.sampled_from([",", ";"]),
    bom=st.booleans(),
)
def test_csv_roundtrip_values_and_line_numbers(tmp_path, rows, titles, sep, bom):
    buf = io.StringIO()
    for t in titles:
        buf.write(t + "\n")
    writer = csv.writer(buf, delimiter=sep, lineterminator="\n")
    writer.writerow(["No. Laporan", "Tanggal Laporan", "Topik", "status"])
    lines = [len(buf.getvalue().splitlines()) + 1]
    for r in rows:
        writer.writerow([*r, "selesai"])
        lines.append(buf.getvalue().count("\n") + 1)
    path = tmp_path / "p.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    got = ex.extract(path, PENGADUAN, "pengaduan/p.csv", utf8=True)
    want = [tuple(v.strip() or None for v in r) for r in rows]
    kept = [i for i, r in enumerate(want) if r[0] is None or not r[0].upper().startswith(("JUMLAH", "TOTAL"))]
    assert got.rows_read == len(rows)
    frame = got.frame
    # extract keeps surrounding spaces (the parsers strip); blank cells are NULL
    stripped = frame.select(pl.col("nomor_tiket", "tanggal_masuk", "kategori").str.strip_chars())
    assert list(stripped.iter_rows()) == [
        want[i] for i in kept]
    # source_row is the line where the record starts (header line counted, 1-based)
    assert frame["source_row"].to_list() == [lines[i] for i in kept]


def test_cp1252_file_is_transcoded():
    path = FIXTURES / "realisasi" / "02_realisasi_2025_apr_w1252.csv"
    _sha, utf8 = ex.file_digest(path)
    assert not utf8
    got = ex.extract(path, SOURCES["realisasi"], "r.csv", utf8=False)
    assert got.ignored_columns == ["catatan"] and got.header_row == 2
    assert got.frame["realisasi"].to_list() == ["104.166.666,67", "1250000.5", "1"]


def test_xlsx_title_lines_blank_rows_and_total_row():
    path = FIXTURES / "realisasi" / "01_realisasi_2025_q1.xlsx"
    got = ex.extract(path, SOURCES["realisasi"], "r.xlsx")
    assert got.header_row == 4 and (got.rows_read, got.rows_skipped) == (7, 2)
    assert got.frame["source_row"].to_list() == [5, 6, 7, 8, 9]
    assert got.frame["bulan"].to_list()[:3] == ["Januari", "2", "Mar"]


def test_personal_columns_never_leave_the_extractor():
    got = ex.extract(FIXTURES / "pengaduan" / "lapor_2025_08.csv", PENGADUAN, "p.csv")
    assert got.dropped_columns == ["Nama Pelapor", "No HP", "Email"]
    flat = " ".join(str(v) for row in got.frame.iter_rows() for v in row)
    assert "Warga Contoh" not in flat and "warga1@contoh.id" not in flat.split(",")


@pytest.mark.parametrize("text, reason", [
    ("tahun;kode_skpd\n2025;1\n", "kolom wajib tidak ada"),
    ("", "berkas kosong"),
    ("judul saja\n", "judul kolom tidak ditemukan"),
])
def test_unreadable_files_raise_extract_error(tmp_path, text, reason):
    path = tmp_path / "a.csv"
    path.write_text(text)
    with pytest.raises(ex.ExtractError, match=reason):
        ex.extract(path, SOURCES["anggaran"], "a.csv")


def test_repeated_header_and_jumlah_rows_are_skipped():
    got = ex.extract(FIXTURES / "anggaran" / "01_apbd_2025.csv", SOURCES["anggaran"], "a.csv")
    assert (got.rows_read, got.rows_skipped, got.header_row) == (12, 3, 4)
    assert 8 not in got.frame["source_row"].to_list()
    assert got.frame.filter(pl.col("tahun") == "Tahun Anggaran").height == 0
