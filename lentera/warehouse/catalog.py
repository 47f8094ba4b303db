"""The open-data catalogue: dataset metadata, the data dictionary, provenance, exports and changes.

One definition (`DATASETS`) serves the Data page, the prepared downloads (`etl.export`) and the
Frictionless data package. Columns come from `lentera.core.schema` (sources) or are described here
(reference tables, the fiscal `status` column). Query functions return Polars frames and never
import Streamlit.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lentera.core import config
from lentera.core.schema import SOURCES, Column
from lentera.warehouse import db

# Fiscal Data Package status (FACTS.md §8): APBD murni = approved, perubahan = adjusted,
# realisasi = executed. Nothing in the warehouse is merely "proposed" (RKA drafts are not loaded).
FISCAL_STATUS = Column(
    "status", "enum", "VARCHAR", derived=True,
    description_id="Status fiskal (Fiscal Data Package): approved = APBD murni, adjusted = APBD "
                   "perubahan, executed = realisasi",
    description_en="Fiscal Data Package status: approved = original APBD (murni), adjusted = "
                   "revised APBD (perubahan), executed = realisation",
    example="approved", values=("approved", "adjusted", "executed"),
)

_WILAYAH_COMMON = (
    Column("lat", "lat", "DOUBLE", description_id="Lintang titik tengah",
           description_en="Latitude of the centre point", unit="derajat", example="-0.35"),
    Column("lng", "lng", "DOUBLE", description_id="Bujur titik tengah",
           description_en="Longitude of the centre point", unit="derajat", example="109.50"),
    Column("penduduk", "int", "INTEGER", description_id="Jumlah penduduk",
           description_en="Population", unit="jiwa"),
    Column("penduduk_estimasi", "bool", "BOOLEAN",
           description_id="Penduduk hasil estimasi (bukan angka Dukcapil per wilayah)",
           description_en="Population is an estimate (not a Dukcapil figure for the area)"),
)

KECAMATAN_COLUMNS = (
    Column("kode_kecamatan", "code_wilayah", "VARCHAR", description_id="Kode kecamatan Kemendagri",
           description_en="Kemendagri district code", example="61.12.05"),
    Column("kode_bps", "text", "VARCHAR", description_id="Kode kecamatan BPS",
           description_en="BPS (Statistics Indonesia) district code"),
    Column("nama_kecamatan", "text", "VARCHAR", description_id="Nama kecamatan",
           description_en="District name", example="Batu Ampar"),
    Column("jumlah_desa", "int", "INTEGER", description_id="Jumlah desa/kelurahan",
           description_en="Number of villages"),
    Column("luas_km2", "number", "DOUBLE", description_id="Luas wilayah",
           description_en="Area", unit="km²"),
) + _WILAYAH_COMMON

DESA_COLUMNS = (
    Column("kode_desa", "code_wilayah", "VARCHAR", description_id="Kode desa Kemendagri",
           description_en="Kemendagri village code", example="61.12.05.2001"),
    Column("nama_desa", "text", "VARCHAR", description_id="Nama desa",
           description_en="Village name"),
    Column("kode_kecamatan", "code_wilayah", "VARCHAR", description_id="Kode kecamatan",
           description_en="District code", example="61.12.05"),
    Column("nama_kecamatan", "text", "VARCHAR", description_id="Nama kecamatan",
           description_en="District name"),
) + _WILAYAH_COMMON


@dataclass(frozen=True)
class Dataset:
    """One published dataset: where it comes from, what its columns mean, how it is exported."""

    name: str
    table: str
    title_id: str
    title_en: str
    description_id: str
    description_en: str
    producer: str
    frequency_id: str
    frequency_en: str
    columns: tuple[Column, ...]
    # SQL expression per exported column when it is not the column itself (privacy, status).
    exprs: dict[str, str] = field(default_factory=dict)
    order_by: tuple[str, ...] = ()
    geometry: str = ""  # "point" (lat/lng) or "polygon" (geojson column) or ""
    amount: str = ""  # the column whose sum the catalogue shows (and the tests compare)
    time_sql: str = ""  # (min, max) of the time coverage, as SQL expressions
    key: tuple[str, ...] = ()
    source: bool = True  # an ETL source (has etl_runs provenance) rather than reference data

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_id

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_id

    def frequency(self, lang: str) -> str:
        return self.frequency_en if lang == "en" else self.frequency_id

    def select_sql(self) -> str:
        """The export query: every documented column, privacy rules applied, stable order."""
        cols = ", ".join(f'{self.exprs.get(c.name, _q(c.name))} AS {_q(c.name)}'
                         for c in self.columns)
        order = (" ORDER BY " + ", ".join(_q(c) for c in self.order_by)) if self.order_by else ""
        return f"SELECT {cols} FROM {self.table}{order}"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _from_source(name: str, description_id: str, description_en: str, *, extra=(), exprs=None,
                 order_by=(), geometry="", amount="", time_sql="") -> Dataset:
    s = SOURCES[name]
    return Dataset(
        name=name, table=s.table, title_id=s.title_id, title_en=s.title_en,
        description_id=description_id, description_en=description_en, producer=s.producer,
        frequency_id=s.frequency_id, frequency_en=s.frequency_en,
        columns=tuple(s.columns) + tuple(extra), exprs=exprs or {}, order_by=order_by,
        geometry=geometry, amount=amount, time_sql=time_sql, key=s.key,
    )


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    _from_source(
        "anggaran",
        "Pagu APBD per SKPD, sub kegiatan dan kode rekening, untuk APBD murni dan perubahan.",
        "APBD budget by office, sub-activity and account code, original and revised.",
        extra=(FISCAL_STATUS,),
        exprs={"status": "CASE tahap WHEN 'perubahan' THEN 'adjusted' ELSE 'approved' END"},
        order_by=("tahun", "tahap", "kode_skpd", "kode_sub_kegiatan", "kode_rekening"),
        amount="pagu", time_sql="min(tahun)::VARCHAR, max(tahun)::VARCHAR",
    ),
    _from_source(
        "realisasi",
        "Realisasi belanja per bulan (bukan kumulatif) per SKPD, sub kegiatan dan kode rekening.",
        "Spending realised per month (not cumulative) by office, sub-activity and account code.",
        extra=(FISCAL_STATUS,), exprs={"status": "'executed'"},
        order_by=("tahun", "bulan", "kode_skpd", "kode_sub_kegiatan", "kode_rekening"),
        amount="realisasi",
        time_sql="min(make_date(tahun, bulan, 1))::VARCHAR, "
                 "max(last_day(make_date(tahun, bulan, 1)))::VARCHAR",
    ),
    _from_source(
        "pengaduan",
        "Pengaduan masyarakat dari SP4N-LAPOR! dengan tahapan dan waktunya. Data pribadi "
        "disamarkan; judul dan isi laporan rahasia dikosongkan.",
        "Public complaints from SP4N-LAPOR! with their stages and times. Personal data redacted; "
        "title and text of confidential reports are left empty.",
        exprs={"judul": "CASE WHEN rahasia THEN NULL ELSE judul END",
               "isi": "CASE WHEN rahasia THEN NULL ELSE isi END"},
        order_by=("tanggal_masuk", "nomor_tiket"),
        time_sql="min(tanggal_masuk)::DATE::VARCHAR, max(tanggal_masuk)::DATE::VARCHAR",
    ),
    _from_source(
        "perizinan",
        "Permohonan izin dan layanan dengan tanggal berkas lengkap, selesai dan targetnya. Nama "
        "pemohon hanya untuk badan usaha.",
        "Permit and service applications with file-complete and finish dates and targets. "
        "Applicant names for businesses only.",
        order_by=("tanggal_permohonan", "nomor_permohonan"),
        time_sql="min(tanggal_permohonan)::VARCHAR, max(tanggal_permohonan)::VARCHAR",
    ),
    _from_source(
        "usulan",
        "Usulan pembangunan dari musrenbang, pokok pikiran DPRD dan warga, dengan lokasi dan "
        "statusnya.",
        "Development proposals from musrenbang, council members and citizens, with location and "
        "status.",
        order_by=("tahun_rkpd", "id_usulan"), geometry="point", amount="perkiraan_biaya",
        time_sql="min(tahun_rkpd)::VARCHAR, max(tahun_rkpd)::VARCHAR",
    ),
    Dataset(
        name="wilayah_kecamatan", table="wilayah_kecamatan",
        title_id="Wilayah: kecamatan", title_en="Areas: districts",
        description_id="Kecamatan dengan kode Kemendagri dan BPS, luas, penduduk dan batas "
                       "wilayah (GeoJSON).",
        description_en="Districts with Kemendagri and BPS codes, area, population and boundaries "
                       "(GeoJSON).",
        producer="Kemendagri / BPS", frequency_id="Saat ada pemekaran atau pembaruan",
        frequency_en="When boundaries change", columns=KECAMATAN_COLUMNS,
        order_by=("kode_kecamatan",), geometry="polygon", key=("kode_kecamatan",), source=False,
    ),
    Dataset(
        name="wilayah_desa", table="wilayah_desa",
        title_id="Wilayah: desa", title_en="Areas: villages",
        description_id="Desa dan kelurahan dengan kode Kemendagri, penduduk dan batas wilayah "
                       "(GeoJSON, bila tersedia).",
        description_en="Villages with Kemendagri codes, population and boundaries (GeoJSON, "
                       "where available).",
        producer="Kemendagri / BPS", frequency_id="Saat ada pemekaran atau pembaruan",
        frequency_en="When boundaries change", columns=DESA_COLUMNS,
        order_by=("kode_desa",), geometry="polygon", key=("kode_desa",), source=False,
    ),
)}

# Column headers of the dictionary table (i18n keys in data.toml).
DICTIONARY_COLUMNS = ("kolom", "tipe", "arti", "satuan", "contoh")


def dataset(name: str) -> Dataset:
    """The dataset called `name` (KeyError for an unknown one)."""
    return DATASETS[name]


def dictionary(name: str, lang: str = "id") -> pl.DataFrame:
    """The data dictionary of a dataset: kolom, tipe, arti, satuan, contoh (one row per column)."""
    ds = DATASETS[name]
    rows = []
    for c in ds.columns:
        meaning = c.description_en if lang == "en" else c.description_id
        if c.values:
            meaning = f"{meaning} ({', '.join(c.values)})"
        rows.append((c.name, c.sql_type, meaning, c.unit, c.example))
    return pl.DataFrame(rows, schema={k: pl.String for k in DICTIONARY_COLUMNS}, orient="row")


# --- queries against the warehouse --------------------------------------------------------


def summary(name: str) -> dict:
    """Rows, sum of the amount column, time coverage and number of kecamatan of one dataset."""
    ds = DATASETS[name]
    amount = f"sum({_q(ds.amount)})::DOUBLE" if ds.amount else "NULL::DOUBLE"
    time_sql = ds.time_sql or "NULL::VARCHAR, NULL::VARCHAR"
    has_kec = any(c.name == "kode_kecamatan" for c in ds.columns)
    kec = "count(DISTINCT kode_kecamatan)" if has_kec else "NULL::BIGINT"
    # identifiers come from DATASETS (an allow-list), never from the URL
    frame = db.query(f"SELECT count(*) AS rows, {amount} AS amount, {time_sql}, {kec} AS kecamatan "
                     f"FROM {ds.table}")
    rows, total, start, end, kecamatan = frame.row(0)
    return {"rows": rows, "amount": total, "start": start, "end": end, "kecamatan": kecamatan}


def provenance(name: str) -> pl.DataFrame:
    """The source files of a dataset in this build: file, sha256, rows read/loaded/rejected, time."""
    if not db.table_exists("etl_runs"):
        return _empty_provenance()
    return db.query("""
        SELECT source_file, sha256, rows_read, rows_loaded, rows_rejected, status, message,
               finished_at
        FROM etl_runs WHERE source = $source ORDER BY source_file""", {"source": name})


def _empty_provenance() -> pl.DataFrame:
    return pl.DataFrame(schema={"source_file": pl.String, "sha256": pl.String,
                                "rows_read": pl.Int32, "rows_loaded": pl.Int32,
                                "rows_rejected": pl.Int32, "status": pl.String,
                                "message": pl.String, "finished_at": pl.Datetime("us")})


def load_totals() -> pl.DataFrame:
    """Per source: files, rows read, loaded and rejected, and when the load finished."""
    if not db.table_exists("etl_runs"):
        return pl.DataFrame(schema={"source": pl.String, "files": pl.Int64,
                                    "rows_read": pl.Int64, "rows_loaded": pl.Int64,
                                    "rows_rejected": pl.Int64, "loaded_at": pl.Datetime("us")})
    return db.query("""
        SELECT source, count(*) AS files, sum(rows_read)::BIGINT AS rows_read,
               sum(rows_loaded)::BIGINT AS rows_loaded, sum(rows_rejected)::BIGINT AS rows_rejected,
               max(finished_at) AS loaded_at
        FROM etl_runs GROUP BY source ORDER BY source""")


CHANGES_SCHEMA = {"data_version": pl.String, "dataset": pl.String, "added": pl.Int64,
                  "removed": pl.Int64, "changed": pl.Int64}


def changes(version: str | None = None) -> pl.DataFrame:
    """Rows added, removed and changed per dataset by the load that made `version` (default: now)."""
    if not db.table_exists("etl_changes"):
        return pl.DataFrame(schema=CHANGES_SCHEMA)
    version = version or db.data_version()
    return db.query("""
        SELECT data_version, dataset, added::BIGINT AS added, removed::BIGINT AS removed,
               changed::BIGINT AS changed
        FROM etl_changes WHERE data_version = $v ORDER BY dataset""", {"v": version})


# --- prepared files: where they live and how the app serves them ---------------------------

MANIFEST = "manifest.json"
# Streamlit (1.67) serves <app dir>/static/ at /app/static/ and refuses files over 200 MB.
STATIC_ROOT = config.PROJECT_ROOT / "static"
STATIC_URL = "app/static"
STATIC_MAX_BYTES = 190 * 1024 * 1024


def exports_root() -> Path:
    """`exports/` beside the warehouse: one folder per data version, written at load time."""
    return config.warehouse_path().parent / "exports"


def versions_root() -> Path:
    """`versions/` beside the warehouse: earlier warehouses kept for old links."""
    return config.warehouse_path().parent / "versions"


def manifest(version: str | None = None) -> dict:
    """The manifest of one version's prepared files (empty when there are none)."""
    version = version or db.data_version()
    if not _safe_version(version):
        return {}
    path = exports_root() / version / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _safe_version(version: str) -> bool:
    # versions come from URLs: only the loader's own shape may touch the file system
    return bool(re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,80}", version or ""))


def retained_versions() -> list[str]:
    """Data versions whose warehouse is kept under `<data dir>/versions`, newest first."""
    root = versions_root()
    if not root.is_dir():
        return []
    return sorted((p.stem for p in root.glob("*.duckdb")), reverse=True)


def has_exports(version: str) -> bool:
    return bool(manifest(version))


def ensure_static_link(version: str | None = None) -> Path | None:
    """Publish `<data dir>/exports/<version>` under `static/exports/<version>` (idempotent).

    Streamlit 1.67 resolves symlinks and refuses any file whose real path leaves `static/`
    (HTTP 400), so a `static/exports` symlink cannot work: each file is hard-linked instead
    (copied when the data dir is on another file system). Returns the published folder.
    """
    version = version or db.data_version()
    if not _safe_version(version):
        return None
    src = exports_root() / version
    if not (src / MANIFEST).exists():
        return None
    dest = STATIC_ROOT / "exports" / version
    dest.mkdir(parents=True, exist_ok=True)
    for item in src.iterdir():
        if not item.is_file():
            continue
        target = dest / item.name
        if target.exists():
            if os.path.samefile(item, target) or target.stat().st_size == item.stat().st_size:
                continue
            target.unlink()
        tmp = dest / f".{item.name}.part"
        tmp.unlink(missing_ok=True)
        try:
            os.link(item, tmp)
        except OSError:
            shutil.copyfile(item, tmp)
        os.replace(tmp, target)
    return dest


def unpublish_static(version: str) -> None:
    """Remove a version's files from `static/exports` (after it stops being retained)."""
    if _safe_version(version):
        shutil.rmtree(STATIC_ROOT / "exports" / version, ignore_errors=True)


def download_url(version: str, file: str) -> str:
    """Relative URL of a published file (works under any base path)."""
    return f"{STATIC_URL}/exports/{version}/{file}"


def size_text(n: int) -> str:
    """A file size as `4,4 MB` / `12 kB` in the current language."""
    from lentera.core import fmt
    return f"{fmt.number(n / 1_000_000, 1)} MB" if n >= 100_000 else f"{fmt.number(n / 1000)} kB"


FORMATS = ("csv", "csv_excel", "xlsx", "parquet", "geojson")


def downloads(name: str, version: str | None = None) -> pl.DataFrame:
    """The prepared files of one dataset: format, file, url, bytes, rows, note."""
    version = version or db.data_version()
    entry = manifest(version).get("datasets", {}).get(name, {})
    rows = []
    for fmt_name in FORMATS:
        f = entry.get("files", {}).get(fmt_name)
        if f:
            rows.append((fmt_name, f["file"], download_url(version, f["file"]), f["bytes"],
                         f.get("rows"), ""))
        elif fmt_name in entry.get("notes", {}):
            rows.append((fmt_name, "", "", 0, None, entry["notes"][fmt_name]))
    return pl.DataFrame(rows, orient="row", schema={
        "format": pl.String, "file": pl.String, "url": pl.String, "bytes": pl.Int64,
        "rows": pl.Int64, "note": pl.String})


def package_download(version: str | None = None) -> dict | None:
    """The zipped open-data package of a version: {file, url, bytes}, or None."""
    version = version or db.data_version()
    pkg = manifest(version).get("package")
    if not pkg:
        return None
    return {**pkg, "url": download_url(version, pkg["file"])}


# --- the Tentang page and `make bench` -----------------------------------------------------

METHODS: list[tuple[str, str]] = [
    ("data.method_fiscal_title", "data.method_fiscal_body"),
    ("data.method_changes_title", "data.method_changes_body"),
    ("data.method_versions_title", "data.method_versions_body"),
    ("data.method_downloads_title", "data.method_downloads_body"),
    ("data.method_door_title", "data.method_door_body"),
]


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """The Data page's queries with typical parameters."""
    return [
        ("summary_realisasi", lambda: summary("realisasi")),
        ("summary_pengaduan", lambda: summary("pengaduan")),
        ("provenance_realisasi", lambda: provenance("realisasi")),
        ("load_totals", load_totals),
        ("changes", changes),
    ]
