"""Many kabupaten: `etl export --partitioned` writes each warehouse as Parquet under
`kode_wilayah=<kode>/<dataset>/`, and a province reads every region in one DuckDB query.

Two regions are generated and loaded by the real sample generator and ETL: the default reference
folder, and a copy of it whose region.toml names another code and kabupaten (selected through
LENTERA_REFERENCE, as a deployment would). Expected values come from each region's own warehouse.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from etl import export, load, sample
from etl.cli import main as etl_main
from lentera.core import config
from lentera.warehouse import semantic
from lentera.warehouse.catalog import DATASETS
from lentera.warehouse.db import sql_text

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "deploy" / "PROVINCE.md"
GUIDE_ROOT = "/srv/lentera-provinsi"
SCALE = 0.02
# A second code with a trailing zero, so a code read as a number would not match (61.10 vs 61.1).
SECOND_CODE = "61.10"
SECOND_NAME = "Kabupaten Contoh Kedua"


@dataclass(frozen=True)
class Region:
    """One generated kabupaten: its code, name, reference folder and warehouse."""

    kode: str
    nama: str
    reference: Path
    db: Path


def _build(base: Path, reference: Path, seed: int, as_of: dt.date) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LENTERA_DATA_DIR", str(base))
        mp.setenv("LENTERA_REFERENCE", str(reference))
        sample.generate(base / "raw", seed=seed, scale=SCALE, as_of=as_of)
        result = load.load(base / "raw", base / "warehouse.duckdb", progress=False, exports=False)
    assert result.exit_code in (0, 1), result.errors
    return base / "warehouse.duckdb"


@pytest.fixture(scope="module")
def regions(tmp_path_factory) -> tuple[Region, Region]:
    """The default region and a renamed copy, each with its own seed and data date."""
    default_ref = config.PROJECT_ROOT / "data" / "reference"
    first = config._load_region(str(default_ref.resolve()))
    base = tmp_path_factory.mktemp("regions")
    second_ref = base / "reference_kedua"
    shutil.copytree(default_ref, second_ref)
    toml = second_ref / "region.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^kode = ".*"$', f'kode = "{SECOND_CODE}"', text, count=1)
    text = re.sub(r'(?m)^nama = ".*"$', f'nama = "{SECOND_NAME}"', text, count=1)
    toml.write_text(text, encoding="utf-8")
    a = Region(first.kode, first.nama, default_ref,
               _build(base / "a", default_ref, seed=3, as_of=dt.date(2026, 10, 31)))
    b = Region(SECOND_CODE, SECOND_NAME, second_ref,
               _build(base / "b", second_ref, seed=5, as_of=dt.date(2026, 9, 30)))
    return a, b


def _export(region: Region, tree: Path, monkeypatch) -> dict:
    monkeypatch.setenv("LENTERA_REFERENCE", str(region.reference))
    return export.export_partitioned(region.db, tree)


def _read(tree: Path, dataset: str) -> str:
    return (f"read_parquet('{tree}/kode_wilayah=*/{dataset}/*.parquet', hive_partitioning = true, "
            "hive_types = {'kode_wilayah': VARCHAR})")


def _own_counts(region: Region) -> tuple[dict[str, int], object]:
    """Row count per dataset and the pagu total, read straight from the region's warehouse."""
    con = duckdb.connect(str(region.db), read_only=True)
    try:
        counts = {name: con.execute(f'SELECT count(*) FROM "{ds.table}"').fetchall()[0][0]
                  for name, ds in DATASETS.items()}
        pagu = con.execute("SELECT sum(pagu) FROM anggaran").fetchall()[0][0]
    finally:
        con.close()
    return counts, pagu


def _province(tree: Path) -> tuple[dict[tuple[str, str], int], dict[str, object]]:
    """ONE query over the whole tree: rows per (region, dataset) and pagu per region."""
    counts = " UNION ALL ".join(
        f"SELECT kode_wilayah, '{name}' AS dataset, count(*) AS n, NULL AS pagu "
        f"FROM {_read(tree, name)} GROUP BY ALL" for name in DATASETS)
    rows = duckdb.sql(f"{counts} UNION ALL SELECT kode_wilayah, '#pagu', NULL, sum(pagu) "
                      f"FROM {_read(tree, 'anggaran')} GROUP BY ALL").fetchall()
    return ({(k, d): n for k, d, n, _ in rows if d != "#pagu"},
            {k: p for k, d, _, p in rows if d == "#pagu"})


def _snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_both_regions_read_in_one_query_match_their_own_warehouses(regions, tmp_path,
                                                                    monkeypatch, capsys):
    a, b = regions
    tree = tmp_path / "provinsi"
    monkeypatch.setenv("LENTERA_REFERENCE", str(a.reference))
    assert etl_main(["export", "--partitioned", str(tree), "--db", str(a.db)]) == 0
    assert f"({a.kode})" in capsys.readouterr().out
    doc_b = _export(b, tree, monkeypatch)
    assert doc_b["kode_wilayah"] == SECOND_CODE and doc_b["nama_wilayah"] == SECOND_NAME
    assert sorted(p.name for p in tree.iterdir()) == sorted(
        [f"kode_wilayah={a.kode}", f"kode_wilayah={SECOND_CODE}"])  # no temporary folder left

    counts, pagu = _province(tree)
    own = {r.kode: _own_counts(r) for r in (a, b)}
    for region in (a, b):
        expected_counts, expected_pagu = own[region.kode]
        assert {d: counts.get((region.kode, d)) for d in DATASETS} == expected_counts
        assert pagu[region.kode] == expected_pagu
    # the two regions really differ, so rows filed under the wrong code could not pass
    assert own[a.kode][1] != own[b.kode][1]
    assert own[a.kode][0]["pengaduan"] != own[b.kode][0]["pengaduan"]

    names = dict(duckdb.sql(f"SELECT kode_wilayah, nama_wilayah FROM {_read(tree, 'kabupaten')}")
                 .fetchall())
    assert names == {a.kode: a.nama, b.kode: b.nama}


def test_region_comes_from_the_warehouse_not_the_environment(regions, tmp_path, monkeypatch):
    a, b = regions
    monkeypatch.setenv("LENTERA_REFERENCE", str(a.reference))  # configured for the other region
    doc = export.export_partitioned(b.db, tmp_path / "t")
    assert doc["kode_wilayah"] == SECOND_CODE and doc["nama_wilayah"] == SECOND_NAME
    assert (tmp_path / "t" / f"kode_wilayah={SECOND_CODE}" / "anggaran" / "data.parquet").exists()


def test_reexport_replaces_one_region_and_leaves_the_other_untouched(regions, tmp_path,
                                                                     monkeypatch):
    a, b = regions
    tree = tmp_path / "provinsi"
    first = _export(a, tree, monkeypatch)
    _export(b, tree, monkeypatch)
    part_a = export.partition_dir(tree, a.kode)
    part_b = export.partition_dir(tree, b.kode)
    stale = part_a / "anggaran" / "sisa-lama.parquet"
    shutil.copyfile(part_a / "anggaran" / "data.parquet", stale)
    before_b = _snapshot(part_b)

    again = _export(a, tree, monkeypatch)
    assert _snapshot(part_b) == before_b  # same files, same inodes, same bytes
    assert not stale.exists()  # the partition was replaced as a whole, not merged into
    assert again["datasets"] == first["datasets"]
    counts, pagu = _province(tree)
    expected_counts, expected_pagu = _own_counts(a)
    assert {d: counts.get((a.kode, d)) for d in DATASETS} == expected_counts
    assert pagu[a.kode] == expected_pagu
    assert sorted(p.name for p in tree.iterdir()) == sorted([part_a.name, part_b.name])


def test_failed_export_keeps_the_previous_partition(regions, tmp_path, monkeypatch):
    a, _ = regions
    tree = tmp_path / "provinsi"
    _export(a, tree, monkeypatch)
    before = _snapshot(export.partition_dir(tree, a.kode))

    def broken(con, sql, path, params):
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(export, "_copy_parquet", broken)
    with pytest.raises(duckdb.IOException):
        _export(a, tree, monkeypatch)
    assert _snapshot(export.partition_dir(tree, a.kode)) == before
    assert [p.name for p in tree.iterdir()] == [f"kode_wilayah={a.kode}"]


def test_partition_folder_refuses_unsafe_codes(tmp_path):
    for bad in ("", "../61", "61/12", ".61", "61=12"):
        with pytest.raises(export.ExportError):
            export.partition_dir(tmp_path, bad)


def _guide_queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)


def test_guide_queries_give_each_kabupatens_own_figures(regions, tmp_path, monkeypatch):
    """deploy/PROVINCE.md's SQL, run on the tree, equals each region's app figures."""
    a, b = regions
    tree = tmp_path / "provinsi"
    for region in regions:
        _export(region, tree, monkeypatch)
    serapan_sql, tepat_sql = _guide_queries()
    for sql in (serapan_sql, tepat_sql):  # codes stay text whatever DuckDB would guess
        assert sql.count("read_parquet(") == sql.count("hive_types = {'kode_wilayah': VARCHAR}")
    serapan = {r["kode_wilayah"]: r for r in duckdb.sql(
        serapan_sql.replace(GUIDE_ROOT, str(tree))).pl().iter_rows(named=True)}
    tepat = {r["kode_wilayah"]: r for r in duckdb.sql(
        tepat_sql.replace(GUIDE_ROOT, str(tree))).pl().iter_rows(named=True)}
    assert set(serapan) == set(tepat) == {a.kode, b.kode}

    for region in (a, b):
        con = semantic.connect(str(region.db))
        try:
            beranda = con.sql(sql_text("anggaran_beranda"), params={"tahun": 2026}).pl().row(
                0, named=True)
            as_of = dt.date.fromisoformat(con.execute(
                "SELECT value FROM meta WHERE key = 'as_of'").fetchall()[0][0])
            net, gross, n = con.execute(
                "SELECT rasio_tepat_waktu(tepat_waktu), rasio_tepat_waktu(tepat_waktu_kotor), "
                "count(tepat_waktu) FROM sla_pengaduan($as_of) WHERE NOT langsung",
                {"as_of": as_of}).fetchall()[0]
        finally:
            con.close()
        row = serapan[region.kode]
        assert row["nama_wilayah"] == region.nama and row["as_of"] == as_of
        assert row["tahap_efektif"] == beranda["tahap"]
        assert row["pagu_belanja"] == beranda["pagu_belanja"]
        assert row["realisasi_belanja"] == beranda["realisasi_belanja"]
        assert row["sampai_bulan"] == beranda["bulan_terakhir"]
        assert row["serapan_persen"] == pytest.approx(100 * beranda["serapan_belanja"], abs=0.05)
        t = tepat[region.kode]
        assert n > 0 and t["selesai_dinilai"] == n
        assert t["tepat_waktu_persen"] == pytest.approx(100 * net, abs=0.05)
        assert t["tepat_waktu_kotor_persen"] == pytest.approx(100 * gross, abs=0.05)
