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

from lentera.core import config
from lentera.core.errors import WarehouseUnavailableError
from lentera.warehouse import semantic


class WarehouseMissingError(WarehouseUnavailableError):
    """There is no warehouse file yet (run `make run` or `python -m etl load`)."""


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
                con = duckdb.connect(":memory:")
                con.execute("ATTACH $path AS w (READ_ONLY)", {"path": str(path)})
                semantic.install(con)
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
