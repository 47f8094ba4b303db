"""The one module that owns the warehouse connection: read-only, reopened when the file changes.

Query functions elsewhere in `lentera/` call `query(sql, params)` (or `named(name, params)` for
`lentera/sql/<name>.sql`) and get Polars frames back; values are always parameters.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from lentera.core import config, kalender, schema
from lentera.core.errors import WarehouseUnavailableError
from lentera.warehouse import semantic

# DuckDB's file starts with three 4 KiB headers, then `total_blocks` blocks of `block_size`.
_DUCKDB_HEADER_BYTES = 3 * 4096


class WarehouseMissingError(WarehouseUnavailableError):
    """There is no warehouse file yet (run `make run` or `python -m etl load`)."""


class WarehouseDamagedError(WarehouseUnavailableError):
    """The warehouse file exists but is not a whole DuckDB database (truncated or overwritten)."""


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection with `path` attached read-only as `w`, checked to be whole."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH $path AS w (READ_ONLY)", {"path": str(path)})
        # A file cut short still attaches (its header is intact) and fails later, mid-page: the
        # blocks the header promises must all be there.
        block_size, blocks = con.sql(
            "SELECT block_size, total_blocks FROM pragma_database_size() "
            "WHERE database_name = 'w'").fetchall()[0]
        if os.stat(path).st_size < _DUCKDB_HEADER_BYTES + block_size * blocks:
            raise WarehouseDamagedError(f"{path}: truncated")
    except duckdb.Error as exc:
        con.close()
        raise WarehouseDamagedError(f"{path}: {exc}") from exc
    except BaseException:
        con.close()
        raise
    return con


class _Warehouse:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: tuple | None = None
        self._path: Path | None = None
        self._version: str = ""

    @staticmethod
    def _stat(path: Path) -> tuple | None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def parent(self) -> duckdb.DuckDBPyConnection:
        """The process's parent connection, reopened when the file was swapped."""
        path = config.warehouse_path()
        stamp = self._stat(path)
        if stamp is None:
            raise WarehouseMissingError(str(path))
        with self._lock:
            if self._con is None or stamp != self._stamp or path != self._path:
                # A fresh in-memory instance that ATTACHes the file: `duckdb.connect(path)` would
                # hand back the cached instance of the replaced file and keep serving old data.
                con = _attach(path)
                try:
                    semantic.install(con)
                except duckdb.Error as exc:  # tables the layer needs are missing or unreadable
                    con.close()
                    raise WarehouseDamagedError(f"{path}: {exc}") from exc
                try:
                    rows = con.sql("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
                    row = rows[0] if rows else None
                    version = row[0] if row else ""
                except duckdb.Error:
                    version = ""
                self._con, self._stamp, self._path = con, stamp, path
                self._version = version or f"{stamp[0]}-{stamp[1]}"
            return self._con

    def version(self) -> str:
        self.parent()
        return self._version


_WAREHOUSE = _Warehouse()


class _Reference:
    """The semantic layer over the reference files alone, for when the warehouse is unavailable.

    Empty fact tables, the working-day calendar (national holidays and cuti bersama) and the
    complaint categories' targets: enough for the SLA clock of live citizen complaints (Lacak,
    Lapor), computed by the same macros as always. Built once per process, region and year.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._con: duckdb.DuckDBPyConnection | None = None

    def parent(self) -> duckdb.DuckDBPyConnection:
        region = config.region()
        key = (region.kode, str(region.path("kategori_pengaduan")), dt.date.today().year)
        with self._lock:
            if self._con is None or key != self._key:
                self._con, self._key = _reference_connection(region), key
            return self._con


def _reference_connection(region: config.Region) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ':memory:' AS w")
    con.execute("USE w")
    for source in schema.SOURCES.values():
        con.execute(f"CREATE TABLE {source.table} ("
                    + ", ".join(f'"{c.name}" {c.sql_type}' for c in source.columns) + ")")
    for name, cols in {**schema.REFERENCE_TABLES_SQL, **schema.ETL_TABLES_SQL}.items():
        con.execute(f"CREATE TABLE {name} ({cols})")
    kalender.Calendar.from_reference().write_table(con)
    con.execute("INSERT INTO kategori_pengaduan BY NAME SELECT kategori, "
                "TRY_CAST(target_hari_kerja AS INTEGER) AS target_hari_kerja "
                "FROM read_csv($path, all_varchar = true)",
                {"path": str(region.path("kategori_pengaduan"))})
    con.execute("USE memory")
    semantic.install(con)
    return con


_REFERENCE = _Reference()


def reference_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the semantic layer over the reference files only (no warehouse needed)."""
    cur = _REFERENCE.parent().cursor()
    semantic.use(cur)
    return cur


def exists() -> bool:
    return config.warehouse_path().exists()


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor for this thread/rerun on the shared read-only connection."""
    cur = _WAREHOUSE.parent().cursor()
    semantic.use(cur)
    return cur


def data_version() -> str:
    """The data version id of the warehouse being served (changes on every load)."""
    return _WAREHOUSE.version()


def query(sql: str, params: dict | None = None) -> pl.DataFrame:
    """Run one parameterised query and return a Polars frame."""
    cur = cursor()
    try:
        return cur.sql(sql, params=params or {}).pl()
    finally:
        cur.close()


def scalar(sql: str, params: dict | None = None):
    cur = cursor()
    try:
        rows = cur.sql(sql, params=params or {}).fetchall()
        return rows[0][0] if rows else None
    finally:
        cur.close()


@lru_cache(maxsize=256)
def sql_text(name: str) -> str:
    """The text of `lentera/sql/<name>.sql`."""
    return resources.files("lentera").joinpath("warehouse", "sql", f"{name}.sql").read_text(encoding="utf-8")


def named(name: str, params: dict | None = None) -> pl.DataFrame:
    """Run the named query `lentera/sql/<name>.sql` with parameters."""
    return query(sql_text(name), params)


def table_exists(name: str) -> bool:
    return bool(
        scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = $n", {"n": name})
    )


def meta() -> dict[str, str]:
    """Facts about the build: data_version, built_at, is_sample, as_of, region."""
    if not table_exists("meta"):
        return {}
    return dict(query("SELECT key, value FROM meta").iter_rows())


def as_of(fallback_sql: str) -> dt.date:
    """The data's reporting date: `meta.as_of`, else the date `fallback_sql` returns, else today."""
    value = meta().get("as_of")
    if value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    latest = scalar(fallback_sql)
    return latest or dt.date.today()
