"""The weekly meeting pack: every PDF page rendered to PNG, its tables' headers and figures
checked against independent SQL on the fixture warehouse; XLSX cells are numbers; a week with
non-Latin-1 office names and complaint text prints them (no "?")."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import pytest
import sla_oracle as sla
from PIL import Image
from pypdf import PdfReader

from lentera.core import config, fmt, forms
from lentera.core.i18n import t
from lentera.services import petugas, tinjauan
from lentera.store import auth, submissions

PUPR = "1.03.0.00.0.00.01.0000"
YEAR, WEEK = 2026, 40  # inside the fixture's data (as_of 2026-10-31)
WEIRD = "Dinas Pekerjaan Umum — Ψ 漢字 ä"


@pytest.fixture
def env(warehouse_env):
    yield warehouse_env
    submissions.dispose_all()


def render(pdf: bytes, folder: Path) -> tuple[str, list[Path]]:
    """The PDF's text (pdftotext -layout) and its pages as PNG files (pdftoppm)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pack.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(folder / "page")], check=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    pngs = sorted(folder.glob("page-*.png"))
    assert len(pngs) == len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    for png in pngs:
        with Image.open(png) as im:
            lo, hi = im.convert("L").getextrema()
            assert im.width > 300 and lo < 100 < hi  # drawn, not a blank page
    return text, pngs


def lines_with(text: str, *words: str) -> list[str]:
    return [ln for ln in text.splitlines() if all(w in ln for w in words)]


def overdue_expected(db: Path, end: dt.date) -> pl.DataFrame:
    """Open complaints past target at `end` by office, by the Python twin of the SLA clock."""
    with duckdb.connect(str(db), read_only=True) as con:
        frame = con.sql("SELECT * FROM pengaduan").pl()
        skpd = con.sql("SELECT kode_skpd, coalesce(singkatan, nama_skpd) AS nama_opd "
                       "FROM skpd").pl()
    cases = sla.sla_pengaduan(frame, sla.targets_pengaduan(), as_of=end,
                              cal=sla.Calendar.from_reference())
    return (cases.filter(pl.col("terbuka"), pl.col("hari_lewat") > 0,
                         pl.col("tanggal_masuk").dt.date() <= end)
            .join(skpd, on="kode_skpd", how="left")
            .with_columns(pl.coalesce("nama_opd", "kode_skpd", pl.lit("-")).alias("nama_opd"))
            .group_by("nama_opd").agg(pl.len().alias("jumlah"),
                                      pl.col("hari_lewat").max().alias("lewat_maks")))


def budget_expected(db: Path, year: int, month: int) -> dict[str, tuple[float, float]]:
    """Per office short name: spending pagu in force (revised if loaded) and realisasi to month."""
    sql = """
    WITH tahap AS (SELECT CASE WHEN bool_or(tahap = 'perubahan') THEN 'perubahan' ELSE 'murni'
                          END AS tahap FROM anggaran WHERE tahun = $y),
    p AS (SELECT kode_skpd, sum(pagu) AS pagu FROM anggaran
          WHERE tahun = $y AND tahap = (SELECT tahap FROM tahap) AND kode_rekening LIKE '5%'
          GROUP BY kode_skpd),
    r AS (SELECT kode_skpd, sum(realisasi) AS realisasi FROM realisasi
          WHERE tahun = $y AND bulan <= $m AND kode_rekening LIKE '5%' GROUP BY kode_skpd)
    SELECT coalesce(s.singkatan, s.nama_skpd, p.kode_skpd) AS nama, p.pagu,
           coalesce(r.realisasi, 0) AS realisasi
    FROM p LEFT JOIN r USING (kode_skpd) LEFT JOIN skpd s USING (kode_skpd)
    """
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql(sql, params={"y": year, "m": month}).fetchall()
    return {n: (float(p), float(r)) for n, p, r in rows}


def test_week_range_labels():
    assert tinjauan.week_range(dt.date(2026, 11, 23), dt.date(2026, 11, 29), "id") == "23–29 Nov 2026"
    assert tinjauan.week_range(dt.date(2026, 9, 28), dt.date(2026, 10, 4), "id") == "28 Sep – 4 Okt 2026"
    assert tinjauan.week_range(dt.date(2026, 9, 28), dt.date(2026, 10, 4), "en") == "28 Sep – 4 Oct 2026"
    assert (tinjauan.week_range(dt.date(2025, 12, 29), dt.date(2026, 1, 4), "id")
            == "29 Des 2025 – 4 Jan 2026")


def test_pdf_pages_render_and_tables_match_independent_sql(env, tmp_path):
    data = tinjauan.review(YEAR, WEEK)
    text, pngs = render(tinjauan.review_pdf(data, lang="id"), tmp_path / "id")
    shutil.copytree(tmp_path / "id", Path("/tmp/shots_issue14/pack_sample"), dirs_exist_ok=True)
    # real week labels, not "-1"; the sample notice; page n of N and the data version
    assert "28 Sep – 4 Okt 2026" in text and "21–27 Sep 2026" in text
    assert not re.search(r"\s-1\s*$", text.split("Pengaduan baru")[0])  # the old "-1" header
    assert "Data contoh" in text
    with duckdb.connect(str(env.db), read_only=True) as con:
        version = con.sql("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
        sample = con.sql("SELECT value FROM meta WHERE key = 'is_sample'").fetchall()[0][0]
    assert sample == "true"
    assert f"Versi data {version}" in text
    assert f"Halaman {len(pngs)} dari {len(pngs)}" in text
    for header in ("Perangkat daerah", "Jumlah", "Pagu belanja", "Realisasi", "Serapan",
                   "Tertinggal", "Harapan", "Umur", "Lewat"):
        assert header in text, header
    for raw in ("kode_skpd", "nama_skpd", "singkatan", "lewat_maks"):
        assert raw not in text
    # overdue by office: each office's count and longest delay, from the Python twin
    _, end = tinjauan.week_bounds(YEAR, WEEK)
    expected = overdue_expected(env.db, end)
    assert data["overdue"].height == min(tinjauan.TOP_OVERDUE, expected.height) > 0
    for r in expected.sort("jumlah", descending=True).head(5).iter_rows(named=True):
        assert lines_with(text, r["nama_opd"], fmt.number(r["jumlah"], lang="id"),
                          fmt.number(r["lewat_maks"], lang="id")), r
    # budget laggards: pagu and realisasi of each as rupiah, from the warehouse's own rows
    budget = budget_expected(env.db, end.year, end.month)
    assert not data["laggards"].is_empty()
    for name in data["laggards"]["singkatan"].to_list():
        pagu, real = budget[name]
        assert lines_with(text, fmt.rupiah(pagu, lang="id"), fmt.rupiah(real, lang="id")), name
    # the metrics' figures this week and last
    for m in ("pengaduan_baru", "selesai"):
        assert lines_with(text, t(f"petugas.m_{m}", lang="id"),
                          fmt.number(data["now"][m], lang="id"),
                          fmt.number(data["before"][m], lang="id"))
    en, _ = render(tinjauan.review_pdf(data, lang="en"), tmp_path / "en")
    assert "28 Sep – 4 Oct 2026" in en and "Sample data" in en and "Spending pagu" in en


def xlsx_cells(book: bytes, sheet_index: int) -> list[tuple[str, str | None]]:
    """(cell reference, type attribute) of every cell of one sheet, read from the XML."""
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        xml = z.read(f"xl/worksheets/sheet{sheet_index}.xml").decode()
    return [(ref, typ) for ref, typ in re.findall(r'<c r="([A-Z]+\d+)"(?: s="\d+")?(?: t="(\w+)")?', xml)]


def test_xlsx_numbers_are_numbers(env):
    data = tinjauan.review(YEAR, WEEK)
    book = tinjauan.review_xlsx(data, lang="id")
    sheets = pl.read_excel(io.BytesIO(book), sheet_id=0, engine="calamine")
    assert {"ringkasan", "overdue", "kasus_lewat", "laggards", "dupes", "jawaban"} <= set(sheets)
    lag = sheets["laggards"]
    assert lag.columns[:2] == ["Perangkat daerah", "Pagu belanja"]
    for c in lag.columns[1:]:
        assert lag[c].dtype.is_numeric(), c
    expected = tinjauan.laggards_table(data["laggards"])
    assert lag["Pagu belanja"].to_list() == pytest.approx(expected["pagu"].to_list())
    overdue = sheets["overdue"]
    assert overdue[overdue.columns[1]].dtype in (pl.Float64, pl.Int64)
    assert overdue[overdue.columns[1]].to_list() == data["overdue"]["jumlah"].to_list()
    # the XML itself: pagu (column B of laggards, sheet 4) has no string type
    cells = dict(xlsx_cells(book, 4))
    assert cells["A2"] in ("s", "str", "inlineStr") and cells["B2"] in ("", "n")
    cases = sheets["kasus_lewat"]
    assert cases[cases.columns[3]].dtype in (pl.Datetime("ms"), pl.Datetime("us"), pl.Date)


def test_non_latin_office_and_complaint_text(env, tmp_path, monkeypatch):
    """Office names and complaint text outside Latin-1 reach the PDF and XLSX intact."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(env.db, db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE skpd SET singkatan = $s WHERE kode_skpd = $k", {"s": WEIRD, "k": PUPR})
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(db))
    d = forms.desa_options()[4]
    ticket = submissions.create_pengaduan(
        {"kategori": "Infrastruktur", "judul": "Jembatan ä Ψ 漢字 rusak",
         "isi": "Jembatan kayu di dusun patah, warga memutar jauh setiap hari.",
         "kode_desa": d["kode_desa"]}, [])
    verif, opd = {}, {}
    auth.start_session(verif, auth.add_user("verif-w", "kata-sandi-uji-123", "verifikator"))
    auth.start_session(opd, auth.add_user("pupr-w", "kata-sandi-uji-123", "opd", PUPR))
    petugas.act(verif, ticket, "dispose", "kewenangan_opd", "Ke PUPR", kode_skpd=PUPR)
    petugas.act(opd, ticket, "close", "selesai_diperbaiki", "Sudah diperbaiki — Ψ ä 漢字")
    iso = dt.datetime.now(config.local_zone()).date().isocalendar()
    data = tinjauan.review(iso.year, iso.week)
    assert WEIRD in data["overdue"]["nama_opd"].to_list()  # PUPR has overdue cases then
    text, _ = render(tinjauan.review_pdf(data), tmp_path / "pages")
    shutil.copytree(tmp_path / "pages", Path("/tmp/shots_issue14/pack_unicode"),
                    dirs_exist_ok=True)
    assert "Dinas Pekerjaan Umum — Ψ" in text and "Jembatan ä Ψ" in text
    assert "Ψ ä" in text  # the answer's note
    assert "?" not in "".join(lines_with(text, "Dinas Pekerjaan Umum"))
    sheets = pl.read_excel(io.BytesIO(tinjauan.review_xlsx(data)), sheet_id=0, engine="calamine")
    assert WEIRD in sheets["overdue"][sheets["overdue"].columns[0]].to_list()
    assert "Jembatan ä Ψ 漢字 rusak" in sheets["jawaban"][sheets["jawaban"].columns[2]].to_list()
