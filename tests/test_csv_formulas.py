"""CSV downloads neutralise spreadsheet formulas (OWASP); Parquet and XLSX keep the raw value."""

from __future__ import annotations

import csv
import io
import shutil

import duckdb
import polars as pl
import pytest

from etl import export
from lentera.figures.export import csv_bytes

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "+62 813", "-2+3", "@SUM(A1)",
            "\tTAB", "\rCR"]


def test_chart_downloads_prefix_formula_cells_and_leave_numbers_alone():
    rows = pl.DataFrame({"teks": [*FORMULAS, "aman", "a=b"], "angka": list(range(-3, 5))})
    got = list(csv.DictReader(io.StringIO(csv_bytes(rows).decode("utf-8"))))
    assert [r["teks"] for r in got] == [f"'{v}" for v in FORMULAS] + ["aman", "a=b"]
    assert [int(r["angka"]) for r in got] == list(range(-3, 5))  # negative numbers untouched
    excel = csv.DictReader(io.StringIO(csv_bytes(rows, excel=True).decode("utf-8-sig")),
                           delimiter=";")
    assert next(excel)["teks"] == f"'{FORMULAS[0]}"


@pytest.fixture(scope="module")
def poisoned_exports(fixture_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("formula")
    db = root / "warehouse.duckdb"
    shutil.copy(fixture_warehouse.db, db)
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE pengaduan SET kategori = $v WHERE nomor_tiket = "
                    "(SELECT min(nomor_tiket) FROM pengaduan)", {"v": FORMULAS[0]})
    finally:
        con.close()
    dest = root / "v"
    doc = export.write_exports(db, dest)
    return dest, doc


def _path(exports, fmt: str):
    dest, doc = exports
    return dest / doc["datasets"]["pengaduan"]["files"][fmt]["file"]


def _csv_values(path, column: str, delimiter: str = ",") -> list[str]:
    if path.suffix == ".zip":
        import zipfile

        with zipfile.ZipFile(path) as z:
            text = z.read(z.namelist()[0]).decode("utf-8-sig")
    else:
        text = path.read_text(encoding="utf-8-sig")
    return [r[column] for r in csv.DictReader(io.StringIO(text), delimiter=delimiter)]


def test_warehouse_downloads_neutralise_csv_and_keep_parquet_raw(poisoned_exports):
    values = _csv_values(_path(poisoned_exports, "csv"), "kategori")
    assert f"'{FORMULAS[0]}" in values and FORMULAS[0] not in values
    excel = _csv_values(_path(poisoned_exports, "csv_excel"), "kategori", delimiter=";")
    assert f"'{FORMULAS[0]}" in excel and FORMULAS[0] not in excel
    raw = pl.read_parquet(_path(poisoned_exports, "parquet"))["kategori"].to_list()
    assert FORMULAS[0] in raw and f"'{FORMULAS[0]}" not in raw
    # no other cell was changed: every neutralised CSV cell is the Parquet value with a prefix
    assert sorted(v.removeprefix("'") if v.startswith("'=") else v for v in values) == \
        sorted(raw)
