"""The semantic layer: installs `semantic.sql` (every measure, defined once) on a connection."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import duckdb

# Unqualified names resolve first in the in-memory catalog (the layer's macros, live rows),
# then in the attached warehouse.
SEARCH_PATH = "memory.main,w.main"


@lru_cache(maxsize=1)
def sql() -> str:
    """The text of `lentera/warehouse/semantic.sql`."""
    return resources.files("lentera.warehouse").joinpath("semantic.sql").read_text("utf-8")


def use(con: duckdb.DuckDBPyConnection) -> None:
    """Point a connection or cursor at the layer: macros in memory, tables in the warehouse."""
    con.execute(f"USE memory; SET search_path = '{SEARCH_PATH}'")


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create every macro of the layer on `con` (an in-memory connection with the warehouse
    attached as `w`); macros bind when created, so the warehouse must be attached first."""
    use(con)
    con.execute(sql())


def connect(path: str) -> duckdb.DuckDBPyConnection:
    """A fresh connection set up exactly like the app's: in-memory, `path` attached read-only
    as `w`, the layer installed. For the ETL's checks, tests and `make bench`."""
    con = duckdb.connect(":memory:")
    con.execute("ATTACH $path AS w (READ_ONLY)", {"path": str(path)})
    install(con)
    return con
