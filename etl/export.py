"""Exports prepared at load time: every dataset as files, the open-data package, versions, changes.

`write_exports(db, dest)` writes, for each dataset of `lentera.warehouse.catalog.DATASETS`, a UTF-8 CSV, a
CSV for Excel (BOM, semicolons, decimal commas), Parquet, XLSX with a `kamus` sheet (only up to
Excel's 1,048,576 rows: bigger datasets get a note pointing to CSV/Parquet instead, since Excel
could not open them anyway) and GeoJSON where there is geometry, plus the zipped Frictionless
package and a `manifest.json`. Every file is streamed by DuckDB `COPY … TO` (XLSX in batches), so
millions of rows are never held in Python; the app serves them as they are, any size
(lentera.web.downloads). `export_package`, `retain_versions` and `diff_datasets` serve the CLI and the loader;
`export_partitioned` writes the same rows as Parquet partitioned by region code for a province.

When a submissions store exists, the audit chain's head (hash, count, time of the last
officials' action) is published with every export: `audit_head` in the manifest, `x-audit-head`
and `audit_head.json` in the package, so `python -m lentera audit verify --against` can later
prove no newest entry was deleted and no tail recomputed.

Exports read the warehouse through the semantic layer (`lentera.warehouse.semantic.connect`), so
the SLA columns of complaints and permits come from the same macros as the pages, at the data's
reporting date (`meta.as_of`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl

from lentera.core import config
from lentera.core.schema import PROVENANCE, SOURCES
from lentera.store import audit
from lentera.warehouse import catalog, prepared, semantic
from lentera.warehouse.catalog import DATASETS, Dataset
from lentera.warehouse.db import sql_text as db_sql_text

# Excel's hard limit is 1,048,575 data rows; far below it a workbook is already slow to write at
# load time and to open on an office PC, and CSV (Excel variant) or Parquet serve better.
XLSX_MAX_ROWS = 250_000
XLSX_BATCH = 20_000
PACKAGE_DIR = "paket-data"
AUDIT_HEAD_FILE = "audit_head.json"  # the officials' audit chain head, beside datapackage.json
_PROVENANCE = {c.name for c in PROVENANCE}


class ExportError(Exception):
    """The warehouse could not be exported (missing, or not a Lentera warehouse)."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "data"


def file_stem(dataset: str, version: str) -> str:
    """`lentera_<dataset>_<version>`: the same naming as the chart downloads (lentera.web.chart)."""
    return f"lentera_{_slug(dataset)}_{_slug(version)}"


def _connect(db: Path) -> duckdb.DuckDBPyConnection:
    if not Path(db).exists():
        raise ExportError(f"gudang data tidak ada: {db}")
    try:
        return semantic.connect(str(db))
    except duckdb.Error as exc:
        raise ExportError(f"bukan gudang data Lentera: {exc}") from None


def _version(con: duckdb.DuckDBPyConnection) -> str:
    try:
        rows = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
    except duckdb.Error as exc:
        raise ExportError(f"bukan gudang data Lentera (tabel meta tidak ada): {exc}") from None
    if not rows:
        raise ExportError("gudang data tanpa data_version")
    return rows[0][0]


def _meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def _as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The data's reporting date (`meta.as_of`, as the pages use it); today when unknown."""
    try:
        return dt.date.fromisoformat(_meta(con).get("as_of", "")[:10])
    except ValueError:
        return dt.date.today()


def _count(con: duckdb.DuckDBPyConnection, ds: Dataset, params: dict) -> int:
    return con.execute(f"SELECT count(*) FROM {ds.from_sql()}", params).fetchall()[0][0]


# --- one file per format --------------------------------------------------------------------


# A CSV cell that a spreadsheet would run as a formula (OWASP: = + - @ tab CR first) gets a
# leading apostrophe; Parquet, JSON and XLSX keep the raw value. Only text columns are touched.
FORMULA_START = "^[=+\\-@\t\r]"


def csv_safe_sql(con, sql: str, params: dict, text_from: str | None = None) -> str:
    """`sql` with every text cell that starts like a formula prefixed by an apostrophe (text
    columns as `text_from` describes them, default `sql` itself)."""
    described = con.execute(f"SELECT * FROM ({text_from or sql}) LIMIT 0", params).description
    text = [name for name, kind, *_ in described if str(kind) == "VARCHAR"]
    if not text:
        return sql
    q = catalog.quote_ident
    swaps = ", ".join(
        f"CASE WHEN regexp_matches({q(c)}, $formula_start) THEN chr(39) || {q(c)} "
        f"ELSE {q(c)} END AS {q(c)}" for c in text)
    return f"SELECT * REPLACE ({swaps}) FROM ({sql})"


def _copy_csv(con, sql: str, path: Path, params: dict) -> None:
    sql = csv_safe_sql(con, sql, params)
    con.execute(f"COPY ({sql}) TO $path (FORMAT csv, HEADER true)",
                {**params, "path": str(path), "formula_start": FORMULA_START})


def _excel_sql(ds: Dataset) -> str:
    """The export query with decimal commas (DuckDB's CSV writer has no decimal_separator)."""
    decimals = [c.name for c in ds.columns
                if c.sql_type.startswith("DECIMAL") or c.sql_type == "DOUBLE"]
    if not decimals:
        return ds.select_sql()
    q = catalog.quote_ident
    swaps = ", ".join(f"replace({q(c)}::VARCHAR, '.', ',') AS {q(c)}" for c in decimals)
    return f"SELECT * REPLACE ({swaps}) FROM ({ds.select_sql()})"


def _copy_csv_excel(con, sql: str, path: Path, params: dict, text_from: str) -> None:
    """Semicolons and decimal commas (Excel with Indonesian settings), with a UTF-8 BOM."""
    sql = csv_safe_sql(con, sql, params, text_from=text_from)
    tmp = path.with_name(path.name + ".nobom")
    con.execute(f"COPY ({sql}) TO $path (FORMAT csv, HEADER true, DELIMITER ';')",
                {**params, "path": str(tmp), "formula_start": FORMULA_START})
    with open(path, "wb") as out, open(tmp, "rb") as src:
        out.write("\ufeff".encode())
        shutil.copyfileobj(src, out, 1024 * 1024)
    tmp.unlink()


def _copy_parquet(con, sql: str, path: Path, params: dict) -> None:
    con.execute(f"COPY ({sql}) TO $path (FORMAT parquet, COMPRESSION zstd)",
                {**params, "path": str(path)})


def _dictionary_rows(ds: Dataset) -> list[list[str]]:
    rows = [["kolom / column", "tipe / type", "arti", "meaning", "satuan / unit",
             "contoh / example"]]
    for c in ds.columns:
        values = f" ({', '.join(c.values)})" if c.values else ""
        rows.append([c.name, c.sql_type, c.description_id + values, c.description_en + values,
                     c.unit, c.example])
    return rows


def _write_xlsx(con, ds: Dataset, path: Path, version: str, params: dict) -> None:
    """Data sheet (typed cells: numbers, dates, booleans) plus the `kamus` sheet.

    Written by rust_xlsxwriter (rustpy-xlsxwriter) from a Polars frame: xlsxwriter's pure-Python
    cell loop took 49 s for the 139,018 complaints of the scale-10 sample, this takes 4 s. Text
    is always written as text (a value starting with "=" is never a formula)."""
    cur = con.cursor()
    try:
        semantic.use(cur)
        data = cur.sql(ds.select_sql(), params=params).pl()
    finally:
        cur.close()
    _write_xlsx_frame(ds, data, path, version, params)


def _write_xlsx_frame(ds: Dataset, data: pl.DataFrame, path: Path, version: str,
                      params: dict) -> None:
    """`_write_xlsx` for rows already at hand (the dataset's Parquet file read back)."""
    import rustpy_xlsxwriter

    # Excel keeps every number as a double (as xlsxwriter wrote Decimals); the writer has no
    # Decimal type of its own and would leave those cells empty
    data = data.with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    head, *rows = _dictionary_rows(ds)
    stamp = f"{ds.title_id} · versi data {version}"
    if "as_of" in params:
        stamp += f" · kolom SLA dihitung per {params['as_of']:%Y-%m-%d}"
    blank = [None] * len(head)
    kamus = pl.DataFrame([*rows, blank, [stamp, *blank[1:]]], schema=head, orient="row")
    rustpy_xlsxwriter.write_worksheets([("data", data), ("kamus", kamus)], str(path),
                                       datetime_format="yyyy-mm-dd hh:mm:ss")


def _properties_sql(ds: Dataset, skip: set[str]) -> str:
    parts = [f"'{c.name}': {ds.exprs.get(c.name, catalog.quote_ident(c.name))}"
             for c in ds.columns if c.name not in skip]
    return "{" + ", ".join(parts) + "}"


def _copy_geojson(con, ds: Dataset, path: Path, params: dict) -> None:
    """A FeatureCollection: DuckDB writes the features as a JSON array, wrapped here by streaming."""
    if ds.geometry == "point":
        geometry = ("CASE WHEN lat IS NULL OR lng IS NULL THEN NULL ELSE "
                    "json_object('type', 'Point', 'coordinates', json_array(lng, lat)) END")
    else:
        geometry = "geojson::JSON"
    order = (" ORDER BY " + ", ".join(catalog.quote_ident(c) for c in ds.order_by)) if ds.order_by else ""
    sql = (f"SELECT 'Feature' AS type, {geometry} AS geometry, {_properties_sql(ds, set())} "
           f"AS properties FROM {ds.from_sql()}{order}")
    tmp = path.with_name(path.name + ".features")
    con.execute(f"COPY ({sql}) TO $path (FORMAT json, ARRAY true)", {**params, "path": str(tmp)})
    with open(path, "wb") as out, open(tmp, "rb") as src:
        out.write(b'{"type":"FeatureCollection","features":')
        shutil.copyfileobj(src, out, 1024 * 1024)
        out.write(b"}\n")
    tmp.unlink()


def _entry(path: Path, rows: int) -> dict:
    return {"file": path.name, "bytes": path.stat().st_size, "rows": rows}


# Datasets are prepared by this many threads at once (DuckDB and Polars release the GIL while
# they work; most single writes use one core, so two keep a two-core machine busy).
EXPORT_WORKERS = max(2, min(4, os.cpu_count() or 2))


def _typed_rows(con, ds: Dataset, path: Path, params: dict) -> int:
    """Write the dataset's rows, in their order, as Parquet; return the row count.

    The Parquet file is a download itself and the one place the export query runs (its ORDER
    BY and SLA macros): every other format is written from it, in the same order."""
    _copy_parquet(con, ds.select_sql(), path, params)
    return pl.scan_parquet(path).select(pl.len()).collect().item()


def _duckdb_text(c: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """`c` as DuckDB's CSV writer formats it, where Polars' own text differs (timestamps)."""
    if isinstance(dtype, pl.Datetime):
        whole = c.dt.to_string("%Y-%m-%d %H:%M:%S")
        micro = c.dt.microsecond()
        frac = micro.cast(pl.String).str.zfill(6).str.strip_chars_end("0")
        return pl.when(micro != 0).then(pl.concat_str(whole, pl.lit("."), frac)).otherwise(whole)
    return c


def _csv_frame(path: Path, excel: bool) -> pl.LazyFrame:
    """The Parquet file's rows as CSV cells: formula-like text prefixed with an apostrophe
    (text columns only), timestamps as DuckDB writes them, decimal commas for Excel."""
    lf = pl.scan_parquet(path)
    exprs = []
    for name, dtype in lf.collect_schema().items():
        c = pl.col(name)
        if dtype == pl.String:
            c = pl.when(c.str.contains(FORMULA_START)).then(pl.lit("'") + c).otherwise(c)
        elif excel and (isinstance(dtype, pl.Decimal) or dtype == pl.Float64):
            c = c.cast(pl.String).str.replace(".", ",", literal=True)
        else:
            c = _duckdb_text(c, dtype)
        exprs.append(c.alias(name))
    return lf.select(exprs)


# Column types whose CSV text Polars writes exactly as DuckDB does (with `_duckdb_text`); a
# DOUBLE is not one of them (DuckDB writes 7.7e-05, Polars 0.000077).
_SAME_TEXT = (pl.String, pl.Boolean, pl.Date, pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8,
              pl.UInt16, pl.UInt32, pl.UInt64)


def _polars_writes_it(parquet: Path) -> bool:
    """Whether every column of the file is of a type `_csv_from_parquet` writes as DuckDB does."""
    for dtype in pl.scan_parquet(parquet).collect_schema().values():
        if isinstance(dtype, pl.Decimal) or dtype in _SAME_TEXT:
            continue
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
            continue
        return False
    return True


def _csv_from_parquet(parquet: Path, path: Path, excel: bool = False) -> None:
    """CSV (or Excel CSV: BOM, semicolons, decimal commas) streamed from the Parquet file by
    Polars, row order kept; the same bytes DuckDB's `COPY … (FORMAT csv)` writes (tests).
    Only for files `_polars_writes_it` accepts."""
    tmp = path.with_name(path.name + ".part")
    _csv_frame(parquet, excel).sink_csv(tmp, separator=";" if excel else ",",
                                        include_bom=excel, maintain_order=True)
    os.replace(tmp, path)


def _write_xlsx_from(ds: Dataset, parquet: Path, path: Path, version: str, params: dict) -> None:
    """`_write_xlsx` with the rows read back from the dataset's Parquet file."""
    _write_xlsx_frame(ds, pl.read_parquet(parquet), path, version, params)


def write_exports(db: Path, dest: Path, workers: int | None = None) -> dict:
    """Write every dataset's files and the package into `dest` (atomically); return the manifest.

    `exports/status.json` says preparing, then ready or failed (lentera.warehouse.prepared).

    `dest` is normally `<data dir>/exports/<data_version>/`. The manifest lists, per dataset and
    format, the file name, its size and row count, and notes for formats not offered.

    Each dataset's export query runs once, into its Parquet file; CSV, Excel CSV and XLSX are
    written from that file, and the package zips the same CSV files. Datasets are prepared by
    `workers` threads (default `EXPORT_WORKERS`), biggest first.
    """
    dest = Path(dest)
    # what a killed earlier run left (its `.part-<pid>` folder) goes first, on every load
    leftovers = [dest.parent, Path(db).parent / "versions"]
    prepared.sweep(leftovers)
    con = _connect(db)
    try:
        version = _version(con)
        as_of = _as_of(con)
        # the Data page says the files are being prepared (and, if this run dies, that they failed)
        prepared.write_status(dest.parent, "preparing", version)
        work = dest.with_name(dest.name + f".part-{os.getpid()}")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        sizes = _stored_rows(con)
    except BaseException:
        con.close()
        raise
    pool = ThreadPoolExecutor(max_workers=max(1, workers or EXPORT_WORKERS),
                              thread_name_prefix="lentera-export")
    cursors: list = []
    zipper = None

    def cursor():
        cur = con.cursor()
        cursors.append(cur)
        semantic.use(cur)
        return cur

    try:
        order = sorted(DATASETS.values(), key=lambda d: -sizes.get(d.table, 0) * len(d.columns))
        stems = {ds.name: file_stem(ds.name, version) for ds in order}
        params = {ds.name: ds.query_params(as_of) for ds in order}

        by_polars: dict[str, bool] = {}

        def typed(ds: Dataset) -> int:
            cur = cursor()
            stem, parquet = stems[ds.name], work / f"{stems[ds.name]}.parquet"
            rows = _typed_rows(cur, ds, parquet, params[ds.name])
            by_polars[ds.name] = _polars_writes_it(parquet)
            if by_polars[ds.name]:
                _csv_from_parquet(parquet, work / f"{stem}.csv")
            else:
                _copy_csv(cur, ds.select_sql(), work / f"{stem}.csv", params[ds.name])
            return rows

        def excel_csv(ds: Dataset) -> None:
            stem = stems[ds.name]
            if by_polars[ds.name]:
                _csv_from_parquet(work / f"{stem}.parquet", work / f"{stem}_excel.csv", excel=True)
            else:
                _copy_csv_excel(cursor(), _excel_sql(ds), work / f"{stem}_excel.csv",
                                params[ds.name], text_from=ds.select_sql())

        def then(first, fn, *args):
            first.result()  # submitted earlier: running or done, never queued behind us
            return fn(*args)

        base = {ds.name: pool.submit(typed, ds) for ds in order}
        head = _audit_head()

        def package() -> Path:
            for f in base.values():
                f.result()
            return _write_package_zip(con, work, version, head,
                                      {ds.name: work / f"{stems[ds.name]}.csv" for ds in order})

        # its own thread: it waits for every CSV, then zips them (one core) while the pool
        # writes the other formats
        zipper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lentera-package")
        zipped = zipper.submit(package)
        extra = []
        for ds in reversed(order):
            stem = stems[ds.name]
            extra.append(pool.submit(then, base[ds.name], excel_csv, ds))
            if ds.geometry:
                extra.append(pool.submit(then, base[ds.name], lambda d=ds, s=stem: _copy_geojson(
                    cursor(), d, work / f"{s}.geojson", params[d.name])))
        rows = {name: f.result() for name, f in base.items()}
        for ds in order:
            if rows[ds.name] <= XLSX_MAX_ROWS:
                stem = stems[ds.name]
                extra.append(pool.submit(_write_xlsx_from, ds, work / f"{stem}.parquet",
                                         work / f"{stem}.xlsx", version, params[ds.name]))
        for f in extra:
            f.result()
        package_path = zipped.result()
        datasets: dict[str, dict] = {}
        for ds in DATASETS.values():
            stem, n = stems[ds.name], rows[ds.name]
            files: dict[str, dict] = {}
            notes: dict[str, str] = {}
            files["csv"] = _entry(work / f"{stem}.csv", n)
            files["csv_excel"] = _entry(work / f"{stem}_excel.csv", n)
            files["parquet"] = _entry(work / f"{stem}.parquet", n)
            if n <= XLSX_MAX_ROWS:
                files["xlsx"] = _entry(work / f"{stem}.xlsx", n)
            else:
                notes["xlsx"] = "too_many_rows"
            if ds.geometry:
                files["geojson"] = _entry(work / f"{stem}.geojson", n)
            datasets[ds.name] = {"rows": n, "files": files, "notes": notes}
        doc = {"data_version": version, "as_of": as_of.isoformat(), "written_at": _now_iso(),
               "datasets": datasets,
               "package": _entry(package_path, sum(d["rows"] for d in datasets.values())),
               "audit_head": head}
        (work / catalog.MANIFEST).write_text(json.dumps(doc, indent=1), encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(work, dest)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        if zipper is not None:
            zipper.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(work, ignore_errors=True)
        prepared.write_status(dest.parent, "failed", version)
        raise
    finally:
        pool.shutdown(wait=True)
        if zipper is not None:
            zipper.shutdown(wait=True)
        for cur in cursors:
            cur.close()
        con.close()
    prepared.write_status(dest.parent, "ready", version)
    prepared.sweep(leftovers)
    return doc


def _stored_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per stored table (DuckDB's own count, no scan): which datasets to start first."""
    return dict(con.execute("SELECT table_name, estimated_size FROM duckdb_tables() "
                            "WHERE database_name = 'w'").fetchall())


def _audit_head() -> dict | None:
    """The submissions store's audit head to publish, or None when there is no store."""
    found = audit.head_if_present()
    return found.as_dict() | {"read_at": _now_iso()} if found else None


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


# --- the Frictionless data package ----------------------------------------------------------

_FRICTIONLESS_TYPES = {"VARCHAR": "string", "INTEGER": "integer", "BIGINT": "integer",
                       "DOUBLE": "number", "DATE": "date", "TIMESTAMP": "datetime",
                       "BOOLEAN": "boolean"}


def _field(c) -> dict:
    ftype = "number" if c.sql_type.startswith("DECIMAL") else _FRICTIONLESS_TYPES.get(
        c.sql_type, "string")
    out = {"name": c.name, "type": ftype, "description": c.description_id,
           "x-description-en": c.description_en}
    if ftype == "datetime":
        out["format"] = "%Y-%m-%d %H:%M:%S"  # what DuckDB's CSV writer produces
    if ftype == "boolean":
        out["trueValues"], out["falseValues"] = ["true"], ["false"]
    if c.unit:
        out["x-unit"] = c.unit
    if c.example:
        out["example"] = c.example
    if c.values:
        out["constraints"] = {"enum": list(c.values)}
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            h.update(chunk)
    return h.hexdigest()


def _package(con: duckdb.DuckDBPyConnection, out: Path, audit_head: dict | None = None,
             csvs: dict[str, Path] | None = None) -> dict:
    """Write the package's CSVs (and the audit head) into `out`; the datapackage.json document.

    `csvs`: each dataset's CSV already written (the prepared download, the same bytes), used
    where it lies instead of being written again."""
    facts = _meta(con)
    version = facts.get("data_version", "")
    as_of = _as_of(con)
    region = config.region()
    pub = region.publisher
    runs = con.execute("SELECT source, source_file, sha256, rows_loaded FROM etl_runs "
                       "ORDER BY source, source_file").fetchall()
    resources = []
    for ds in DATASETS.values():
        params = ds.query_params(as_of)
        if csvs is not None:
            path = csvs[ds.name]
        else:
            path = out / f"{ds.name}.csv"
            _copy_csv(con, ds.select_sql(), path, params)
        schema: dict = {"fields": [_field(c) for c in ds.columns]}
        source = SOURCES.get(ds.name)
        if source and all(source.column(k).required for k in ds.key):
            schema["primaryKey"] = list(ds.key)
        files = [{"title": f, "path": f, "x-sha256": sha, "x-rows-loaded": n}
                 for s, f, sha, n in runs if s == ds.name]
        resource = {
            "name": ds.name, "path": f"{ds.name}.csv", "profile": "tabular-data-resource",
            "title": ds.title_id, "description": ds.description_id,
            "x-title-en": ds.title_en, "x-description-en": ds.description_en,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": path.stat().st_size, "hash": "sha256:" + _sha256(path), "schema": schema,
            "x-producer": ds.producer, "x-frequency": ds.frequency_id,
        }
        if files:
            resource["sources"] = files
        if "as_of" in ds.params:
            resource["x-computed-as-of"] = as_of.isoformat()
        if ds.totals:
            resource["x-totals"] = _totals(con, ds)
        if ds.name in ("anggaran", "realisasi"):
            resource["x-fiscal-status"] = ("status: approved = APBD murni, adjusted = APBD "
                                           "perubahan, executed = realisasi")
        resources.append(resource)
    if audit_head:
        (out / AUDIT_HEAD_FILE).write_text(json.dumps(audit_head, indent=1), encoding="utf-8")
    return {
        "profile": "tabular-data-package",
        "name": f"lentera-{_slug(region.nama)}",
        "title": f"Lentera — data terbuka {region.nama}",
        "description": ("Data anggaran, realisasi, pengaduan (dengan SLA-nya), perizinan (dengan "
                        "SLA-nya), usulan musrenbang dan wilayah; tabel referensi yang dipakai "
                        "angka-angkanya (target kategori pengaduan, standar layanan, kalender hari "
                        "kerja, perangkat daerah); baris yang ditolak saat dimuat; dengan kamus "
                        "data." + (" DATA CONTOH (bukan data resmi)."
                                                         if facts.get("is_sample") == "true"
                                                         else "")),
        "version": version,
        "created": facts.get("built_at", _now_iso()),
        "licenses": [{"name": _licence_id(pub.get("lisensi", "CC BY 4.0")),
                      "title": pub.get("lisensi", "CC BY 4.0"),
                      "path": pub.get("lisensi_url",
                                      "https://creativecommons.org/licenses/by/4.0/")}],
        "contributors": [{"title": pub.get("nama", region.nama), "role": "publisher"},
                         {"title": pub.get("kontak", ""), "role": "contact"}],
        "sources": [{"title": pub.get("nama", region.nama)}],
        "keywords": ["APBD", "SP4N-LAPOR", "perizinan", "musrenbang", region.nama],
        "x-is-sample": facts.get("is_sample") == "true",
        "x-as-of": facts.get("as_of", ""),
        "x-audit-head": audit_head,
        "resources": resources,
    }


def _totals(con: duckdb.DuckDBPyConnection, ds: Dataset) -> list[dict]:
    """The amount per year/stage/group (the Data page's totals), exact, for a reader's check."""
    frame = con.sql(db_sql_text(ds.totals)).pl()
    return [{k: (str(v) if not isinstance(v, (int, bool, str)) and v is not None else v)
             for k, v in row.items()} for row in frame.iter_rows(named=True)]


def _licence_id(text: str) -> str:
    # "CC BY 4.0" -> "CC-BY-4.0" (the SPDX-style id Frictionless expects)
    return re.sub(r"\s+", "-", text.strip()).upper() or "CC-BY-4.0"


def export_package(db: Path, out: Path) -> Path:
    """Write a Frictionless data package (datapackage.json + one CSV per dataset) into `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    con = _connect(db)
    try:
        _version(con)
        doc = _package(con, out, _audit_head())
    finally:
        con.close()
    path = out / "datapackage.json"
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def _write_package_zip(con: duckdb.DuckDBPyConnection, work: Path, version: str,
                       audit_head: dict | None, csvs: dict[str, Path] | None = None) -> Path:
    """The zipped package in `work`; `csvs` are the datasets' prepared CSV files (see _package)."""
    target = work / f"{file_stem('paket-data', version)}.zip"
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        folder = Path(tmp)
        doc = _package(con, folder, audit_head, csvs)
        (folder / "datapackage.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False),
                                                 encoding="utf-8")
        members = {item.name: item for item in folder.iterdir()}
        members.update({f"{name}.csv": path for name, path in (csvs or {}).items()})
        # level 1: the package re-compresses every CSV (1.2 GB at scale 10); on the realisation
        # CSV level 6 took 3x as long for a file 15 % smaller (10.5 % vs 8.9 % of the CSV)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for name in sorted(members):
                zf.write(members[name], arcname=f"{PACKAGE_DIR}/{name}")
    return target


# --- versions and what changed ---------------------------------------------------------------


def retain_versions(db: Path, keep: int = 5, root: Path | None = None) -> list[str]:
    """Keep the warehouse at `db` as `<root>/versions/<data_version>.duckdb`; keep the last `keep`.

    Call it before a new warehouse is swapped in. The copy is a hard link where possible (the
    warehouse is rebuilt, never edited in place, so the old inode stays as it was). Versions
    beyond `keep` lose their file and their prepared exports. Returns the kept versions, newest
    first. `root` defaults to the data dir.
    """
    root = Path(root) if root is not None else config.data_dir()
    versions = root / "versions"
    db = Path(db)
    if db.exists():
        con = _connect(db)
        try:
            version = _version(con)
        finally:
            con.close()
        versions.mkdir(parents=True, exist_ok=True)
        target = versions / f"{version}.duckdb"
        if not target.exists():
            tmp = versions / f".{version}.duckdb.part"
            tmp.unlink(missing_ok=True)
            try:
                os.link(db, tmp)
            except OSError:
                shutil.copyfile(db, tmp)
            os.replace(tmp, target)
    if not versions.is_dir():
        return []
    kept = sorted((p.stem for p in versions.glob("*.duckdb")), reverse=True)
    for old in kept[max(keep, 0):]:
        (versions / f"{old}.duckdb").unlink(missing_ok=True)
        shutil.rmtree(root / "exports" / old, ignore_errors=True)
    return kept[:max(keep, 0)]


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = $d AND table_name = $t "
        "ORDER BY column_index", {"d": database, "t": table}).fetchall()]


def diff_datasets(old_db: Path | None, new_con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Rows added, removed and changed per source between `old_db` and the warehouse of `new_con`.

    Rows are matched on the source's `key` (schema) and compared by a hash of every column the
    two versions share, except the provenance columns (a re-exported file moves rows around
    without changing them). Without an old warehouse every row counts as added.
    """
    new_db = catalog.quote_ident(new_con.execute("SELECT current_database()").fetchall()[0][0])
    alias = "lentera_previous"
    attached = False
    if old_db is not None and Path(old_db).exists():
        new_con.execute(f"ATTACH $path AS {alias} (READ_ONLY)", {"path": str(old_db)})
        attached = True
    out = []
    try:
        for source in SOURCES.values():
            new_cols = _columns(new_con, new_db.strip('"').replace('""', '"'), source.table)
            old_cols = _columns(new_con, alias, source.table) if attached else []
            if not new_cols:
                continue
            if not old_cols:
                n = new_con.execute(f"SELECT count(*) FROM {new_db}.main.{source.table}") \
                    .fetchall()[0][0]
                out.append((source.name, n, 0, 0))
                continue
            shared = [c for c in new_cols if c in old_cols and c not in _PROVENANCE]
            key = ", ".join(catalog.quote_ident(k) for k in source.key)
            values = ", ".join(catalog.quote_ident(c) for c in shared)
            side = "SELECT hash({k}) AS k, hash({v}) AS h FROM {db}.main.{t}"
            added, removed, changed = new_con.execute(f"""
                WITH n AS ({side.format(k=key, v=values, db=new_db, t=source.table)}),
                     o AS ({side.format(k=key, v=values, db=alias, t=source.table)})
                SELECT count(*) FILTER (WHERE o.k IS NULL),
                       count(*) FILTER (WHERE n.k IS NULL),
                       count(*) FILTER (WHERE n.k IS NOT NULL AND o.k IS NOT NULL AND n.h <> o.h)
                FROM n FULL OUTER JOIN o ON n.k = o.k""").fetchall()[0]
            out.append((source.name, added, removed, changed))
    finally:
        if attached:
            new_con.execute(f"DETACH {alias}")
    return pl.DataFrame(out, orient="row", schema={"dataset": pl.String, "added": pl.Int64,
                                                   "removed": pl.Int64, "changed": pl.Int64})


# --- many kabupaten: the warehouse as Parquet partitioned by region -------------------------

# Hive-style partition key: DuckDB's read_parquet(..., hive_partitioning = true) turns the folder
# name `kode_wilayah=<kode>` into a column, so a province reads every kabupaten in one query.
PARTITION_KEY = "kode_wilayah"
PARTITION_FILE = "data.parquet"
# One row per partition naming the region and its data version (joined by a province's queries).
PROFILE_DATASET = "kabupaten"
# A Kemendagri code such as `61.12`: never a path separator, `=` or a leading dot in a folder name.
_REGION_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")


def partition_dir(root: Path, kode: str) -> Path:
    """The folder of one region's partition: `<root>/kode_wilayah=<kode>`."""
    if not _REGION_CODE.fullmatch(kode or ""):
        raise ExportError(f"kode wilayah tidak bisa dipakai sebagai nama folder: {kode!r}")
    return Path(root) / f"{PARTITION_KEY}={kode}"


def _region_of(facts: dict[str, str]) -> tuple[str, str, str]:
    """(code, name, province) of the warehouse: its meta, else the configured region file."""
    region = config.region()
    kode = facts.get("region") or region.kode
    nama = facts.get("region_nama") or (region.nama if kode == region.kode else "")
    provinsi = region.provinsi if kode == region.kode else ""
    return kode, nama, provinsi


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False if unavailable."""
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap_into_place(work: Path, final: Path) -> None:
    """Put the finished `work` folder at `final`, replacing an older partition there."""
    if final.exists() and _exchange(work, final):
        shutil.rmtree(work)  # after the exchange it holds the previous partition
        return
    # Fallback: two renames; readers may miss this region for the instant between them.
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
    try:
        os.replace(work, final)
    except BaseException:
        if old.exists():
            os.replace(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def export_partitioned(db: Path, root: Path) -> dict:
    """Write every published dataset as `<root>/kode_wilayah=<kode>/<dataset>/data.parquet`.

    The rows are those of the open-data downloads (`DATASETS`, the same queries and SLA columns
    at the data's date); the region comes from the warehouse's meta. Only this region's partition
    is replaced, and atomically: it is written beside the tree in a hidden folder and renamed into
    place when complete. Other regions' partitions are never touched. Returns the partition's
    manifest (also written as `manifest.json` in it).
    """
    root = Path(root)
    con = _connect(db)
    try:
        version = _version(con)
        as_of = _as_of(con)
        kode, nama, provinsi = _region_of(_meta(con))
        final = partition_dir(root, kode)
        is_sample = _meta(con).get("is_sample") == "true"
        work = root / f".{final.name}.part-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    except BaseException:
        con.close()
        raise
    try:
        datasets: dict[str, dict] = {}
        for ds in DATASETS.values():
            (work / ds.name).mkdir()
            path = work / ds.name / PARTITION_FILE
            _copy_parquet(con, ds.select_sql(), path, ds.query_params(as_of))
            rows = con.execute("SELECT count(*) FROM read_parquet($p)",
                               {"p": str(path)}).fetchall()[0][0]
            datasets[ds.name] = {"rows": rows, "file": f"{ds.name}/{PARTITION_FILE}"}
        written_at = _now_iso()
        (work / PROFILE_DATASET).mkdir()
        con.execute(
            "COPY (SELECT CAST($nama AS VARCHAR) AS nama_wilayah, "
            "CAST($provinsi AS VARCHAR) AS provinsi, CAST($version AS VARCHAR) AS data_version, "
            "CAST($as_of AS DATE) AS as_of, CAST($sample AS BOOLEAN) AS data_contoh, "
            "CAST($written AS TIMESTAMP) AS ditulis) TO $path (FORMAT parquet)",
            {"nama": nama, "provinsi": provinsi, "version": version, "as_of": as_of,
             "sample": is_sample, "written": written_at.rstrip("Z"),
             "path": str(work / PROFILE_DATASET / PARTITION_FILE)})
        doc = {PARTITION_KEY: kode, "nama_wilayah": nama, "provinsi": provinsi,
               "data_version": version, "as_of": as_of.isoformat(), "is_sample": is_sample,
               "written_at": written_at, "datasets": datasets}
        (work / "manifest.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False),
                                            encoding="utf-8")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        con.close()
    _swap_into_place(work, final)
    return doc
