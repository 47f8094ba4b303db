"""How the prepared downloads are made: each export query runs once (into Parquet), the CSVs are
written from that file by Polars, the package zips the same CSV files, datasets in parallel.

The bytes must be exactly what DuckDB's own `COPY … (FORMAT csv)` of the export query writes
(the way every file was made before), on a real warehouse with the awkward values planted:
timestamps with and without fractions of a second, formula-like text, negative amounts,
coordinates DuckDB writes in scientific notation.
"""

from __future__ import annotations

import shutil
import zipfile

import duckdb
import pytest

from etl import export
from lentera.warehouse import catalog, semantic

FORMULA = "=HYPERLINK(\"http://x\")"


@pytest.fixture(scope="module")
def planted(fixture_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("prepared")
    db = root / "warehouse.duckdb"
    shutil.copy(fixture_warehouse.db, db)
    con = duckdb.connect(str(db))
    try:
        first = "(SELECT min(nomor_tiket) FROM pengaduan)"
        con.execute(f"UPDATE pengaduan SET kategori = $v, tanggal_masuk = tanggal_masuk + "
                    f"INTERVAL 123400 MICROSECONDS WHERE nomor_tiket = {first}", {"v": FORMULA})
        con.execute("UPDATE anggaran SET pagu = -pagu, nama_rekening = '-' || nama_rekening "
                    "WHERE kode_rekening = (SELECT min(kode_rekening) FROM anggaran)")
        con.execute("UPDATE usulan SET lat = -0.000077 WHERE id_usulan = "
                    "(SELECT min(id_usulan) FROM usulan)")
    finally:
        con.close()
    dest = root / "exports" / "v"
    doc = export.write_exports(db, dest, workers=2)
    return db, dest, doc


def _duckdb_files(db, tmp_path, ds):
    """The dataset's CSV and Excel CSV as DuckDB writes them straight from the export query."""
    con = semantic.connect(str(db))
    try:
        params = ds.query_params(export._as_of(con))
        plain, excel = tmp_path / f"{ds.name}.csv", tmp_path / f"{ds.name}_excel.csv"
        export._copy_csv(con, ds.select_sql(), plain, params)
        export._copy_csv_excel(con, export._excel_sql(ds), excel, params,
                               text_from=ds.select_sql())
    finally:
        con.close()
    return plain.read_bytes(), excel.read_bytes()


@pytest.mark.parametrize("name", list(catalog.DATASETS))
def test_prepared_csvs_are_the_bytes_duckdb_writes(planted, tmp_path, name):
    db, dest, doc = planted
    files = doc["datasets"][name]["files"]
    plain, excel = _duckdb_files(db, tmp_path, catalog.DATASETS[name])
    assert (dest / files["csv"]["file"]).read_bytes() == plain
    assert (dest / files["csv_excel"]["file"]).read_bytes() == excel


def test_planted_values_are_written_as_before(planted):
    _db, dest, doc = planted
    text = (dest / doc["datasets"]["pengaduan"]["files"]["csv"]["file"]).read_text("utf-8")
    assert "'" + FORMULA.replace('"', '""') in text  # quoted and neutralised
    assert ".1234," in text  # the fraction of a second, as DuckDB writes it
    usulan = (dest / doc["datasets"]["usulan"]["files"]["csv"]["file"]).read_text("utf-8")
    assert "-7.7e-05" in usulan


def test_package_holds_the_prepared_csv_files(planted):
    _db, dest, doc = planted
    with zipfile.ZipFile(dest / doc["package"]["file"]) as zf:
        for name, entry in doc["datasets"].items():
            member = zf.read(f"{export.PACKAGE_DIR}/{name}.csv")
            assert member == (dest / entry["files"]["csv"]["file"]).read_bytes()


def test_one_worker_writes_the_same_files_as_several(planted, tmp_path):
    db, dest, doc = planted
    other = export.write_exports(db, tmp_path / "exports" / "v", workers=1)
    for name, entry in doc["datasets"].items():
        assert other["datasets"][name]["rows"] == entry["rows"]
        for fmt, info in entry["files"].items():
            if fmt == "xlsx":
                continue  # the workbook carries its own creation time
            assert (tmp_path / "exports" / "v" / info["file"]).read_bytes() == \
                (dest / info["file"]).read_bytes(), (name, fmt)
    assert not list((tmp_path / "exports" / "v").glob("*.part"))
