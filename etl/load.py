"""Load: build a new warehouse file beside the old one and swap it in only when all went well.

`load(raw, db)` runs extract → validate → transform for each source, writes the source tables,
the reference tables, `etl_runs`, `etl_rejects`, `etl_warnings` and `meta` into
`<db>.building-<pid>`, and `os.replace`s it over `<db>`. `check(path, source)` does the same
reading and validation and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from etl import export
from etl import extract as ex
from etl.progress import Progress
from etl.reference import Reference, ReferenceError, reference_of, reference_tables
from etl.validate import REJECT_SCHEMA, split_duplicates, validate
from lentera.core import config, kalender, privacy
from lentera.core.schema import ETL_TABLES_SQL, REFERENCE_TABLES_SQL, SOURCES, Source

# Same columns as etl_rejects: rows that were fixed (swapped lat/lng) or noted (unknown service).
WARNINGS_TABLE = "etl_warnings"
# Physical order of the big tables, so DuckDB's zone maps prune by year, office and date.
SORT_ORDER = {
    "anggaran": ("tahun", "kode_skpd", "kode_rekening"),
    "realisasi": ("tahun", "kode_skpd", "bulan"),
    "pengaduan": ("tanggal_masuk",),
    "perizinan": ("tanggal_permohonan",),
    "usulan": ("tahun_rkpd", "kode_kecamatan"),
}
SORT_MAX_ROWS = 1_000_000
# Point look-ups (ticket tracking, permalinks to one row).
INDEXES = {"pengaduan": ("nomor_tiket",), "perizinan": ("nomor_permohonan",),
           "usulan": ("id_usulan",)}

OK, PARTIAL, FAILED, DUPLICATE_FILE = "ok", "sebagian_ditolak", "gagal", "berkas_duplikat"


class LoadError(Exception):
    """The load could not produce a warehouse (the previous one, if any, keeps serving)."""


@dataclass
class FileStats:
    """What happened to one input file."""

    source: str
    file: str
    sha256: str = ""
    rows_read: int = 0
    rows_skipped: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    status: str = OK
    message: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    duplicate_columns: list[str] = field(default_factory=list)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


@dataclass
class SourceResult:
    """One source after validation and de-duplication across its files."""

    source: str
    files: list[FileStats]
    good: pl.DataFrame
    rejects: pl.DataFrame
    warnings: pl.DataFrame


@dataclass
class LoadResult:
    """Outcome of `load` or `check`: per-file stats, rejects, warnings and the exit code."""

    files: list[FileStats] = field(default_factory=list)
    rejects: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REJECT_SCHEMA))
    warnings: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REJECT_SCHEMA))
    errors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    db: Path | None = None
    written: bool = False
    data_version: str = ""

    @property
    def exit_code(self) -> int:
        """0 all rows valid, 1 some rows rejected, 2 nothing loaded (bad file, unknown source)."""
        if self.errors or any(f.status == FAILED for f in self.files):
            return 2
        return 1 if self.rejects.height else 0

    def reject_reasons(self, top: int = 10) -> list[tuple[str, str, int]]:
        """(source, reason, count), the most frequent first."""
        if not self.rejects.height:
            return []
        counts = (self.rejects.group_by("source", "reason").len()
                  .sort(["len", "source", "reason"], descending=[True, False, False]))
        return [(s, r, n) for s, r, n in counts.head(top).iter_rows()]

    def warnings_about(self, prefix: str) -> Counter:
        """Warning values whose reason starts with `prefix`, with counts."""
        w = self.warnings.filter(pl.col("reason").str.starts_with(prefix))
        return Counter(w.get_column("value").to_list())


CheckResult = LoadResult


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def process_source(source: Source, paths: list[tuple[Path, str]], ref: Reference,
                   progress: Progress) -> SourceResult:
    """Extract and validate every file of one source, then drop duplicates across files."""
    stats: list[FileStats] = []
    goods: list[pl.DataFrame] = []
    rejects: list[pl.DataFrame] = []
    warnings: list[pl.DataFrame] = []
    seen: dict[str, str] = {}
    for path, rel in paths:
        fs = FileStats(source=source.name, file=rel, started_at=_now())
        stats.append(fs)
        with progress.step(f"{source.name}: {rel}"):
            try:
                fs.sha256, utf8, nul = ex.file_facts(path)
            except OSError as exc:
                fs.status, fs.message = FAILED, f"berkas tidak terbaca: {exc.strerror or exc}"
                fs.finished_at = _now()
                continue
            if fs.sha256 in seen:
                fs.status = DUPLICATE_FILE
                fs.message = f"isi sama persis dengan {seen[fs.sha256]}; dilewati"
                fs.finished_at = _now()
                continue
            seen[fs.sha256] = rel
            try:
                got = ex.extract(path, source, rel, utf8=utf8, nul=nul)
                fs.rows_read, fs.rows_skipped = got.rows_read, got.rows_skipped
                fs.ignored_columns, fs.dropped_columns = got.ignored_columns, got.dropped_columns
                fs.duplicate_columns = got.duplicate_columns
                checked = validate(source, got, ref)
                del got
            except ex.ExtractError as exc:
                fs.status, fs.message = FAILED, str(exc)
                fs.finished_at = _now()
                continue
            except (Exception, pl.exceptions.PanicException) as exc:  # noqa: BLE001
                # Never a traceback for a bad input file: an unforeseen reader failure is
                # that file's failure, named with its first line.
                fs.status = FAILED
                fs.message = f"berkas tidak bisa diproses: {ex.reader_message(exc)}"
                fs.finished_at = _now()
                continue
            rejects.append(checked.rejects)
            warnings.append(checked.warnings)
            fs.finished_at = _now()
            if checked.good.height == 0:
                # Not one row usable: the wrong file or a changed format; it must not empty
                # the table (the rejects still go to the report).
                fs.status, fs.rows_rejected = FAILED, checked.rejects.height
                fs.message = (f"semua {checked.rejects.height:,} baris ditolak; berkas tidak "
                              "dimuat (lihat alasan penolakan)")
                continue
            goods.append(checked.good)
    empty = pl.DataFrame(schema=REJECT_SCHEMA)
    good = pl.concat(goods, how="vertical_relaxed") if goods else _empty_table(source)
    good, dups = split_duplicates(source, good)
    all_rejects = pl.concat([*rejects, dups], how="vertical_relaxed") if rejects else empty
    all_warnings = pl.concat(warnings) if warnings else empty
    if dups.height:
        all_warnings = all_warnings.join(dups.select("source_file", "source_row"),
                                         on=["source_file", "source_row"], how="anti")
    loaded = dict(good.group_by("source_file").len().iter_rows())
    rejected = dict(all_rejects.group_by("source_file").len().iter_rows())
    for fs in stats:
        if fs.status in (FAILED, DUPLICATE_FILE):
            continue
        fs.rows_loaded = loaded.get(fs.file, 0)
        fs.rows_rejected = rejected.get(fs.file, 0)
        fs.status = PARTIAL if fs.rows_rejected else OK
        fs.message = f"{fs.rows_skipped} baris dilewati (kosong, judul ulang, JUMLAH)" \
            if fs.rows_skipped else ""
        if fs.dropped_columns:
            fs.message = "; ".join(filter(None, [fs.message, "kolom data pribadi dibuang: "
                                                 + ", ".join(fs.dropped_columns)]))
        if fs.duplicate_columns:
            fs.message = "; ".join(filter(None, [fs.message, "kolom ganda: "
                                                 + "; ".join(fs.duplicate_columns)]))
    for fs in stats:
        fs.message = privacy.redact_text(fs.message)  # a reason may quote a cell or a file name
    return SourceResult(source.name, stats, good, all_rejects, all_warnings)


def _empty_table(source: Source) -> pl.DataFrame:
    from etl.transform import polars_type

    return pl.DataFrame(schema={c.name: polars_type(c.sql_type) for c in source.columns})


def _source_files(folder: Path, root: Path) -> list[tuple[Path, str]]:
    # The name a file is known by everywhere (tables, rejects, report) is redacted too.
    return [(p, privacy.redact_text(p.relative_to(root).as_posix())) for p in ex.files_in(folder)]


def _table_ddl(source: Source) -> str:
    cols = ", ".join(f'"{c.name}" {c.sql_type}' for c in source.columns)
    return f"CREATE TABLE {source.table} ({cols})"


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame,
            order: tuple[str, ...] = ()) -> None:
    con.register("__incoming", frame)
    try:
        # Sorting costs as much as the insert itself on millions of rows; exports already
        # come grouped by year and office, so only smaller tables are put in order.
        order_sql = (" ORDER BY " + ", ".join(f'"{c}"' for c in order)) \
            if order and frame.height <= SORT_MAX_ROWS else ""
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM __incoming{order_sql}")
    finally:
        con.unregister("__incoming")


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    for source in SOURCES.values():
        con.execute(_table_ddl(source))
    for name, cols in REFERENCE_TABLES_SQL.items():
        con.execute(f"CREATE TABLE {name} ({cols})")
    for name, cols in ETL_TABLES_SQL.items():
        con.execute(f"CREATE TABLE {name} ({cols})")


def _copy_previous(con: duckdb.DuckDBPyConnection, old: Path, keep: list[str]) -> None:
    """Copy the tables of sources not being rebuilt (and their bookkeeping) from `old`."""
    con.execute("ATTACH $path AS previous (READ_ONLY)", {"path": str(old)})
    try:
        have = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'previous'").fetchall()}
        for name in keep:
            table = SOURCES[name].table
            if table in have:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM previous.{table}")
        for table in ("etl_runs", "etl_rejects", WARNINGS_TABLE):
            if table in have:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM previous.{table} "
                            "WHERE source IN (SELECT unnest($keep::VARCHAR[]))", {"keep": keep})
    finally:
        con.execute("DETACH previous")


def _sample_marker(raw: Path) -> dict | None:
    marker = raw / "SAMPLE.json"
    if not marker.exists():
        return None
    try:
        doc = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def _as_of_from_data(con: duckdb.DuckDBPyConnection) -> str:
    """The latest date in the data (complaints, permits, else the last realised month)."""
    row = con.execute("""
        SELECT greatest(
            (SELECT max(tanggal_masuk)::DATE FROM pengaduan),
            (SELECT max(tanggal_permohonan) FROM perizinan),
            (SELECT max(tanggal_selesai) FROM perizinan)),
          (SELECT max(last_day(make_date(tahun, bulan, 1))) FROM realisasi)
    """).fetchone()
    value = row[0] or row[1]
    return value.isoformat() if value else ""


def _write_meta(con: duckdb.DuckDBPyConnection, raw: Path, region: config.Region,
                run_id: str, built_at: dt.datetime) -> str:
    shas = sorted(r[0] for r in con.execute(
        "SELECT DISTINCT sha256 FROM etl_runs WHERE sha256 <> ''").fetchall())
    digest = hashlib.sha256("\n".join(shas).encode()).hexdigest()[:10]
    version = f"{built_at:%Y%m%dT%H%M%SZ}-{digest}"
    con.execute("UPDATE etl_runs SET data_version = $v WHERE run_id = $r",
                {"v": version, "r": run_id})
    marker = _sample_marker(raw)
    meta = {
        "data_version": version,
        "built_at": built_at.isoformat(timespec="seconds") + "Z",
        "is_sample": "true" if marker is not None else "false",
        "region": region.kode,
        "region_nama": region.nama,
    }
    as_of = ""
    if marker:
        for key in ("seed", "scale", "years", "as_of"):
            if marker.get(key) is not None:
                value = marker[key]
                meta[f"sample_{key}"] = value if isinstance(value, str) else json.dumps(value)
        as_of = str(marker.get("as_of") or "")
    meta["as_of"] = as_of or _as_of_from_data(con)
    con.executemany("INSERT INTO meta VALUES ($1, $2)", [[k, v] for k, v in meta.items()])
    return version


def _runs_frame(stats: list[FileStats], run_id: str) -> pl.DataFrame:
    return pl.DataFrame(
        [(run_id, "", f.source, f.file, f.sha256, f.rows_read, f.rows_loaded, f.rows_rejected,
          f.status, f.message, f.started_at, f.finished_at) for f in stats],
        orient="row",
        schema={"run_id": pl.String, "data_version": pl.String, "source": pl.String,
                "source_file": pl.String, "sha256": pl.String, "rows_read": pl.Int32,
                "rows_loaded": pl.Int32, "rows_rejected": pl.Int32, "status": pl.String,
                "message": pl.String, "started_at": pl.Datetime("us"),
                "finished_at": pl.Datetime("us")},
    )


def _clean_stale(db: Path) -> None:
    """Remove temp files of earlier loads that died (their process is gone)."""
    for tmp in db.parent.glob(db.name + ".building-*"):
        pid = tmp.name.rsplit("-", 1)[-1].split(".")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except PermissionError:
            pass


def _selected(only: list[str] | None, result: LoadResult) -> list[str]:
    if not only:
        return list(SOURCES)
    names = [n.strip() for n in only if n.strip()]
    for n in names:
        if n not in SOURCES:
            result.errors.append(f"sumber tidak dikenal: '{n}' (pilihan: {', '.join(SOURCES)})")
    return [n for n in names if n in SOURCES]


def load(raw: Path, db: Path, only: list[str] | None = None, progress: bool = True,
         exports: bool = True) -> LoadResult:
    """Build the warehouse at `db` from `raw/<source>/*` atomically; see the module docstring."""
    raw, db = Path(raw), Path(db)
    result = LoadResult(db=db)
    names = _selected(only, result)
    result.sources = names
    if result.errors:
        return result
    if not raw.is_dir():
        result.errors.append(f"folder data mentah tidak ada: {raw}")
        return result
    region = config.region()
    try:
        tables = reference_tables(region)
    except ReferenceError as exc:
        result.errors.append(f"data referensi rusak: {exc}")
        return result
    ref = reference_of(region, tables)
    show = Progress(progress)
    run_id = uuid.uuid4().hex[:12]
    built_at = _now()
    db.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale(db)
    tmp = db.with_name(f"{db.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        _create_schema(con)
        for name, frame in tables.items():
            cols = [c for c in frame.columns if c in _columns_of(con, name)]
            _insert(con, name, frame.select(cols))
        if only and db.exists():
            _copy_previous(con, db, [n for n in SOURCES if n not in names])
        for name in names:
            source = SOURCES[name]
            part = process_source(source, _source_files(raw / name, raw), ref, show)
            result.files += part.files
            result.rejects = pl.concat([result.rejects, part.rejects], how="vertical_relaxed")
            result.warnings = pl.concat([result.warnings, part.warnings],
                                        how="vertical_relaxed")
            if any(f.status == FAILED for f in part.files):
                continue
            with show.step(f"{name}: menulis {part.good.height:,} baris"):
                _insert(con, source.table, part.good, SORT_ORDER.get(name, ()))
                for col in INDEXES.get(name, ()):
                    con.execute(f'CREATE INDEX idx_{source.table}_{col} ON {source.table} ("{col}")')
            del part
        if result.exit_code == 2:
            raise LoadError("ada berkas yang gagal dibaca; gudang data lama tetap dipakai")
        tag = {"run_id": pl.lit(run_id)}
        _insert(con, "etl_runs", _runs_frame(result.files, run_id))
        _insert(con, "etl_rejects", result.rejects.with_columns(**tag))
        _insert(con, WARNINGS_TABLE, result.warnings.with_columns(**tag))
        result.data_version = _write_meta(con, raw, region, run_id, built_at)
        # what changed per dataset since the warehouse being replaced (Data page)
        changes = export.diff_datasets(db if db.exists() else None, con)
        con.register("changes_frame", changes)
        con.execute("CREATE TABLE etl_changes AS SELECT $v AS data_version, * FROM changes_frame",
                    {"v": result.data_version})
        con.unregister("changes_frame")
        # working-day calendar for the SLA queries (national holidays + configured cuti bersama)
        kalender.Calendar.from_reference(_calendar_years(con)).write_table(con)
        con.execute("CHECKPOINT")
        con.close()
        con = None
        if db.exists():
            # keep the previous warehouse (and its exports) so old links can say what they showed
            export.retain_versions(db, root=db.parent)
        os.replace(tmp, db)
        result.written = True
        if exports:
            with show.step("menyiapkan unduhan"):
                export.write_exports(db, db.parent / "exports" / result.data_version)
    except LoadError:
        pass
    finally:
        if con is not None:
            con.close()
        if not result.written:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return result


def _calendar_years(con: duckdb.DuckDBPyConnection) -> range:
    """From 2015 (or the earliest data year) to two years past the latest, so targets fit."""
    years = [dt.date.today().year]
    for table, col in (("pengaduan", "tanggal_masuk"), ("perizinan", "tanggal_permohonan"),
                       ("anggaran", "make_date(tahun, 1, 1)")):
        row = con.sql(f"SELECT min({col}), max({col}) FROM {table}").fetchall()[0]
        years += [d.year for d in row if d is not None]
    return range(min(2015, min(years)), max(years) + 3)


def _columns_of(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = $t AND database_name = "
        "current_database()", {"t": table}).fetchall()}


def check(path: Path, source: str) -> CheckResult:
    """Extract and validate `path` (a file or a folder of files) as `source`; write nothing."""
    path = Path(path)
    result = LoadResult()
    if source not in SOURCES:
        result.errors.append(f"sumber tidak dikenal: '{source}' (pilihan: {', '.join(SOURCES)})")
        return result
    result.sources = [source]
    if path.is_dir():
        folder = path / source if not ex.files_in(path) and (path / source).is_dir() else path
        paths = _source_files(folder, folder)
    elif path.is_file():
        paths = [(path, privacy.redact_text(path.name))]
    else:
        result.errors.append(f"berkas atau folder tidak ada: {path}")
        return result
    if not paths:
        result.errors.append(f"tidak ada berkas .csv/.xlsx di {path}")
        return result
    try:
        ref = reference_of(config.region())
    except ReferenceError as exc:
        result.errors.append(f"data referensi rusak: {exc}")
        return result
    part = process_source(SOURCES[source], paths, ref, Progress(False))
    result.files, result.rejects, result.warnings = part.files, part.rejects, part.warnings
    return result
