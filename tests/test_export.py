"""Prepared downloads, the open-data package, retained versions and row changes, on real warehouses.

Every file written by `etl.export.write_exports` is read back with an independent reader and must
have the warehouse's row count and sum; the package must pass `frictionless validate`; the diff
is checked against a second warehouse built by the real ETL from deliberately edited raw files.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl import export
from etl.load import load
from lentera.warehouse import catalog
from lentera.web.chart import csv_bytes, xlsx_bytes

DATASETS = list(catalog.DATASETS)
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def warehouse_figures(db: Path, name: str) -> tuple[int, Decimal | None]:
    ds = catalog.DATASETS[name]
    con = duckdb.connect(str(db), read_only=True)
    try:
        amount = f'sum("{ds.amount}")' if ds.amount else "NULL"
        rows, total = con.execute(f"SELECT count(*), {amount} FROM {ds.table}").fetchall()[0]
    finally:
        con.close()
    return rows, (Decimal(str(total)) if total is not None else None)


def amount_of(values) -> Decimal:
    return sum((Decimal(str(v)) for v in values if v not in (None, "")), Decimal(0))


@pytest.fixture(scope="module")
def exports(fixture_warehouse, tmp_path_factory):
    """The fixture warehouse's exports, written once for this module."""
    dest = tmp_path_factory.mktemp("exports") / "v"
    doc = export.write_exports(fixture_warehouse.db, dest)
    return dest, doc


def _file(exports, name: str, fmt: str) -> Path:
    dest, doc = exports
    return dest / doc["datasets"][name]["files"][fmt]["file"]


def test_manifest_lists_existing_files(exports, fixture_warehouse):
    dest, doc = exports
    con = duckdb.connect(str(fixture_warehouse.db), read_only=True)
    version = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
    con.close()
    assert doc["data_version"] == version
    assert json.loads((dest / catalog.MANIFEST).read_text()) == doc
    for name in DATASETS:
        entry = doc["datasets"][name]
        expected = {"csv", "csv_excel", "parquet", "xlsx"} | ({"geojson"}
                                                             if catalog.DATASETS[name].geometry
                                                             else set())
        assert set(entry["files"]) == expected
        for f in entry["files"].values():
            path = dest / f["file"]
            assert path.stat().st_size == f["bytes"]
            assert export.file_stem(name, version) in f["file"]
    assert (dest / doc["package"]["file"]).exists()


@pytest.mark.parametrize("name", DATASETS)
def test_csv_has_rows_and_sum(exports, fixture_warehouse, name):
    rows, total = warehouse_figures(fixture_warehouse.db, name)
    with open(_file(exports, name, "csv"), encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    assert len(records) == rows
    assert [c.name for c in catalog.DATASETS[name].columns] == list(records[0])
    if total is not None:
        assert amount_of(r[catalog.DATASETS[name].amount] for r in records) == total


@pytest.mark.parametrize("name", DATASETS)
def test_excel_csv_has_bom_semicolons_and_decimal_commas(exports, fixture_warehouse, name):
    rows, total = warehouse_figures(fixture_warehouse.db, name)
    raw = _file(exports, name, "csv_excel").read_bytes()
    assert raw.startswith("\ufeff".encode())
    records = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(records) == rows
    if total is not None:
        column = catalog.DATASETS[name].amount
        assert amount_of(r[column].replace(",", ".") for r in records) == total


@pytest.mark.parametrize("name", DATASETS)
def test_parquet_has_rows_and_sum(exports, fixture_warehouse, name):
    rows, total = warehouse_figures(fixture_warehouse.db, name)
    frame = pl.read_parquet(_file(exports, name, "parquet"))
    assert frame.height == rows
    if total is not None:
        assert amount_of(frame[catalog.DATASETS[name].amount].to_list()) == total


@pytest.mark.parametrize("name", DATASETS)
def test_xlsx_has_rows_sum_and_dictionary_sheet(exports, fixture_warehouse, name):
    rows, total = warehouse_figures(fixture_warehouse.db, name)
    path = _file(exports, name, "xlsx")
    frame = pl.read_excel(path, sheet_name="data", infer_schema_length=0)
    assert frame.height == rows
    if total is not None:
        assert amount_of(frame[catalog.DATASETS[name].amount].to_list()) == total
    kamus = pl.read_excel(path, sheet_name="kamus", infer_schema_length=0)
    assert set(c.name for c in catalog.DATASETS[name].columns) <= set(kamus[kamus.columns[0]])


@pytest.mark.parametrize("name", [n for n, d in catalog.DATASETS.items() if d.geometry])
def test_geojson_has_every_row(exports, fixture_warehouse, name):
    rows, total = warehouse_figures(fixture_warehouse.db, name)
    doc = json.loads(_file(exports, name, "geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == rows
    kinds = {f["geometry"]["type"] for f in doc["features"] if f["geometry"]}
    assert kinds <= ({"Point"} if catalog.DATASETS[name].geometry == "point"
                     else {"Polygon", "MultiPolygon"})
    assert kinds, "no feature has a geometry"
    if total is not None:
        column = catalog.DATASETS[name].amount
        assert amount_of(f["properties"][column] for f in doc["features"]) == total


def test_confidential_complaints_have_no_text(exports, fixture_warehouse):
    frame = pl.read_parquet(_file(exports, "pengaduan", "parquet"))
    secret = frame.filter(pl.col("rahasia"))
    assert secret.height > 0, "the sample should hold confidential complaints"
    assert secret["isi"].null_count() == secret.height
    assert secret["judul"].null_count() == secret.height


def test_budget_rows_carry_fiscal_status(exports, fixture_warehouse):
    anggaran = pl.read_parquet(_file(exports, "anggaran", "parquet"))
    expected = anggaran["tahap"].replace_strict({"murni": "approved", "perubahan": "adjusted"},
                                                default="approved")
    assert anggaran["status"].to_list() == expected.to_list()
    realisasi = pl.read_parquet(_file(exports, "realisasi", "parquet"))
    assert set(realisasi["status"]) == {"executed"}


def test_big_files_stay_plain_and_big_datasets_get_no_xlsx(fixture_warehouse, tmp_path,
                                                           monkeypatch):
    # /unduh/ streams any size (lentera.web.downloads): no zip workaround for a size limit
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 5_000)
    doc = export.write_exports(fixture_warehouse.db, tmp_path / "v")
    rows, total = warehouse_figures(fixture_warehouse.db, "realisasi")
    entry = doc["datasets"]["realisasi"]
    assert rows > 5_000
    assert "xlsx" not in entry["files"] and entry["notes"]["xlsx"] == "too_many_rows"
    plain = tmp_path / "v" / entry["files"]["csv"]["file"]
    assert plain.suffix == ".csv"
    assert not [f for d in doc["datasets"].values() for f in d["files"].values()
                if f["file"].endswith(".zip")]
    frame = pl.read_csv(plain, infer_schema_length=0)
    assert frame.height == rows
    assert amount_of(frame["realisasi"].to_list()) == total


def test_package_validates_with_frictionless(fixture_warehouse, tmp_path):
    path = export.export_package(fixture_warehouse.db, tmp_path / "pkg")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert {r["name"] for r in doc["resources"]} == set(DATASETS)
    anggaran = next(r for r in doc["resources"] if r["name"] == "anggaran")
    fields = {f["name"]: f for f in anggaran["schema"]["fields"]}
    assert fields["status"]["constraints"]["enum"] == ["approved", "adjusted", "executed"]
    assert fields["pagu"]["description"] == catalog.DATASETS["anggaran"].columns[8].description_id
    assert doc["licenses"][0]["name"] == "CC-BY-4.0"
    proc = subprocess.run([str(FRICTIONLESS), "validate", str(path)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def test_package_states_the_as_of_date_and_totals(exports, fixture_warehouse):
    dest, doc = exports
    con = duckdb.connect(str(fixture_warehouse.db), read_only=True)
    as_of = con.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchall()[0][0]
    pagu = con.execute("SELECT tahun, coalesce(tahap, 'murni'), sum(pagu) FROM anggaran "
                       "GROUP BY ALL").fetchall()
    con.close()
    assert doc["as_of"] == as_of
    with zipfile.ZipFile(dest / doc["package"]["file"]) as zf:
        meta = json.loads(zf.read(f"{export.PACKAGE_DIR}/datapackage.json"))
    resources = {r["name"]: r for r in meta["resources"]}
    for name in ("pengaduan", "perizinan"):
        assert resources[name]["x-computed-as-of"] == as_of
    # the package's totals add up, per year and stage, to the warehouse's pagu
    got: dict[tuple, Decimal] = {}
    for row in resources["anggaran"]["x-totals"]:
        key = (row["tahun"], row["tahap"])
        got[key] = got.get(key, Decimal(0)) + Decimal(row["jumlah"])
    assert got == {(y, s): Decimal(str(v)) for y, s, v in pagu}
    kamus = pl.read_excel(_file(exports, "pengaduan", "xlsx"), sheet_name="kamus",
                          has_header=False, infer_schema_length=0)
    assert any(as_of in str(v) for v in kamus[kamus.columns[0]].to_list())


def test_zipped_package_in_exports_is_the_same_package(exports):
    dest, doc = exports
    with zipfile.ZipFile(dest / doc["package"]["file"]) as zf:
        names = set(zf.namelist())
        meta = json.loads(zf.read(f"{export.PACKAGE_DIR}/datapackage.json"))
    assert f"{export.PACKAGE_DIR}/datapackage.json" in names
    for r in meta["resources"]:
        assert f"{export.PACKAGE_DIR}/{r['path']}" in names


def test_missing_warehouse_is_an_export_error(tmp_path):
    with pytest.raises(export.ExportError):
        export.write_exports(tmp_path / "nope.duckdb", tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- chart downloads equal their table ------------------------------------------------------


def test_chart_downloads_equal_the_table():
    rows = pl.DataFrame({"kecamatan": ["Sungai Raya", "Kubu", "Teluk Pakedai"],
                         "pagu": [1_250_000_000.5, 3.25, 0.0], "jumlah": [12, 0, 7]})
    back = pl.read_csv(io.BytesIO(csv_bytes(rows)))
    assert back.equals(rows)
    excel = csv_bytes(rows, excel=True)
    assert excel.startswith("\ufeff".encode())
    assert pl.read_csv(io.BytesIO(excel[3:]), separator=";").equals(rows)
    assert pl.read_excel(io.BytesIO(xlsx_bytes(rows))).equals(rows)


# --- versions and changes -------------------------------------------------------------------


def _version_of(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
    finally:
        con.close()


def test_retain_versions_keeps_the_last_n(fixture_warehouse, tmp_path):
    root = tmp_path / "data"
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(fixture_warehouse.db, db)
    version = _version_of(db)
    # two older versions, with exports, as earlier loads would have left them
    (root / "versions").mkdir(parents=True)
    for old in ("00000000T000000Z-aaaa", "00000001T000000Z-bbbb"):
        shutil.copyfile(db, root / "versions" / f"{old}.duckdb")
        (root / "exports" / old).mkdir(parents=True)
    kept = export.retain_versions(db, keep=2, root=root)
    assert kept == [version, "00000001T000000Z-bbbb"]
    assert (root / "versions" / f"{version}.duckdb").stat().st_ino == db.stat().st_ino
    assert not (root / "versions" / "00000000T000000Z-aaaa.duckdb").exists()
    assert not (root / "exports" / "00000000T000000Z-aaaa").exists()
    assert (root / "exports" / "00000001T000000Z-bbbb").exists()
    # idempotent
    assert export.retain_versions(db, keep=2, root=root) == kept


@pytest.fixture(scope="module")
def edited_warehouse(fixture_warehouse, tmp_path_factory):
    """A second warehouse from the same raw files with 2 complaints removed, 1 edited, 1 added."""
    root = tmp_path_factory.mktemp("edited")
    raw = root / "raw"
    shutil.copytree(fixture_warehouse.raw, raw)
    con = duckdb.connect(str(fixture_warehouse.db), read_only=True)
    file = con.execute("SELECT min(source_file) FROM pengaduan WHERE source_file LIKE '%.csv'") \
        .fetchall()[0][0]
    loaded = {r[0] for r in con.execute("SELECT nomor_tiket FROM pengaduan WHERE source_file = $f",
                                        {"f": file}).fetchall()}
    con.close()
    path = raw / file
    text = path.read_text(encoding="utf-8-sig")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header, body = records[0], records[1:]
    ticket = next(header.index(c) for c in ("nomor_tiket", "id_laporan", "no_laporan")
                  if c in header)
    title = header.index("judul")
    # only rows that were loaded (the sample holds deliberately bad ones)
    good = [i for i, r in enumerate(body) if len(r) == len(header) and r[ticket] in loaded]
    drop = {good[0], good[1]}
    removed = [body[i][ticket] for i in drop]
    edited = body[good[2]][ticket]
    body[good[2]][title] = body[good[2]][title] + " (diperbarui)"
    added = [*body[good[3]]]
    added[ticket] = added[ticket][:-6] + "999999"
    out = [header, *[r for i, r in enumerate(body) if i not in drop], added]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(out)
    path.write_text(buf.getvalue(), encoding="utf-8")
    db = root / "warehouse.duckdb"
    result = load(raw, db, progress=False)
    assert result.exit_code in (0, 1), result.errors
    return db, {"removed": removed, "edited": edited, "added": added[ticket]}


def test_diff_counts_added_removed_changed(fixture_warehouse, edited_warehouse):
    db, _ = edited_warehouse
    con = duckdb.connect(str(db), read_only=True)
    try:
        diff = export.diff_datasets(fixture_warehouse.db, con)
    finally:
        con.close()
    got = {r["dataset"]: (r["added"], r["removed"], r["changed"])
           for r in diff.iter_rows(named=True)}
    assert got["pengaduan"] == (1, 2, 1)
    for name in ("anggaran", "realisasi", "perizinan", "usulan"):
        assert got[name] == (0, 0, 0), name


def test_diff_without_previous_counts_everything_as_added(fixture_warehouse):
    con = duckdb.connect(str(fixture_warehouse.db), read_only=True)
    try:
        diff = export.diff_datasets(None, con)
    finally:
        con.close()
    for row in diff.iter_rows(named=True):
        rows, _ = warehouse_figures(fixture_warehouse.db, row["dataset"])
        assert (row["added"], row["removed"], row["changed"]) == (rows, 0, 0)
