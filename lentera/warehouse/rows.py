"""Rows of a published dataset filtered by a query string, Datasette-style (the API's /rows).

The rows are the dataset's export query (`catalog.Dataset.select_sql`: the same columns and
privacy rules as the downloads). Filters: `column=value` (exact), `column__gte`, `column__lte`,
`column__contains` (case-insensitive, on the text form); `_sort` / `_sort_desc` one column;
`_limit` rows per page; `_next` a keyset token. Column names come from the dataset's dictionary
(an allow-list), values are always `$parameters` cast to the column's type, and every mistake is
a `RowsQueryError` naming the parameter, never a DuckDB traceback.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from lentera.warehouse import catalog, db

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000  # rows per JSON page; the CSV streams every matching row
OPS = ("exact", "gte", "lte", "contains")
RESERVED = ("_sort", "_sort_desc", "_limit", "_next")
MAX_VALUE_CHARS = 500
# A type name as DuckDB describes a column: only these shapes are ever written into SQL.
_TYPE = re.compile(r"^[A-Z][A-Z0-9_ ]*(\(\d+(,\s?\d+)?\))?(\[\])?$")


class RowsQueryError(ValueError):
    """A query string the rows endpoint cannot answer: unknown column, bad value, bad token."""

    def __init__(self, message: str, param: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.param, self.status = message, param, status


@dataclass(frozen=True)
class RowsQuery:
    """One parsed request: SQL over the dataset's export query, its parameters and its order."""

    dataset: str
    sql_where: str  # the filters
    sql_after: str  # the keyset condition of `_next` ("true" on the first page)
    params: dict
    order: tuple[tuple[str, bool], ...]  # (column, descending)
    limit: int
    sort_spec: str  # what the `_next` token must have been made under

    def order_sql(self) -> str:
        q = catalog.quote_ident
        return ", ".join(f"{q(c)} DESC NULLS FIRST" if desc else f"{q(c)} ASC NULLS LAST"
                         for c, desc in self.order)


def as_of() -> dt.date:
    """The reporting date the export queries compute SLA columns at (meta as_of, else today)."""
    return db.as_of("SELECT CAST(NULL AS DATE)")


def base_sql(name: str) -> str:
    """The dataset's export query without its ORDER BY (the caller orders)."""
    return catalog.dataset(name).select_sql(ordered=False)


def base_params(name: str) -> dict:
    return catalog.dataset(name).query_params(as_of())


def column_types(name: str) -> dict[str, str]:
    """Column → DuckDB type of the dataset's export query, in dictionary order."""
    cur = db.cursor()
    try:
        described = cur.execute(f"SELECT * FROM ({base_sql(name)}) LIMIT 0",
                                base_params(name)).description
    finally:
        cur.close()
    return {col: str(kind) for col, kind, *_ in described}


def _split(key: str) -> tuple[str, str]:
    column, sep, op = key.rpartition("__")
    return (column, op) if sep and op in OPS else (key, "exact")


def _token(values: list, sort_spec: str) -> str:
    raw = json.dumps({"s": sort_spec, "v": values}, default=_plain, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _untoken(token: str, sort_spec: str, width: int) -> list:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        doc = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise RowsQueryError("_next is not a token this API made", "_next") from None
    if not isinstance(doc, dict) or doc.get("s") != sort_spec or not isinstance(doc.get("v"), list) \
            or len(doc["v"]) != width:
        raise RowsQueryError("_next belongs to another sort order or dataset", "_next")
    return doc["v"]


def _plain(value):
    """A JSON-safe form of a cell (exact text for decimals, ISO 8601 for dates)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    raise TypeError(type(value).__name__)


def parse(name: str, items: list[tuple[str, str]], *, paged: bool = True) -> RowsQuery:
    """A RowsQuery from the request's (key, value) pairs; RowsQueryError for anything unusable."""
    if name not in catalog.DATASETS:
        raise RowsQueryError(f"unknown dataset {name!r}", "name", 404)
    ds = catalog.dataset(name)
    types = column_types(name)
    for kind in types.values():
        if not _TYPE.match(kind):  # never write an unexpected type name into SQL
            raise RowsQueryError(f"column type {kind!r} cannot be filtered", None)
    q = catalog.quote_ident
    where: list[str] = []
    params: dict = {}
    checks: list[tuple[str, str, str]] = []  # (param name, type, query key)
    sort: tuple[str, bool] | None = None
    limit = DEFAULT_LIMIT
    token = None
    seen_reserved: set[str] = set()
    for key, value in items:
        if len(value) > MAX_VALUE_CHARS:
            raise RowsQueryError(f"{key}: value longer than {MAX_VALUE_CHARS} characters", key)
        if key.startswith("_"):
            if key not in RESERVED:
                raise RowsQueryError(f"unknown parameter {key!r} (known: {', '.join(RESERVED)})",
                                     key)
            if key in seen_reserved:
                raise RowsQueryError(f"{key} given twice", key)
            seen_reserved.add(key)
            if key in ("_sort", "_sort_desc"):
                if sort is not None:
                    raise RowsQueryError("give one of _sort and _sort_desc", key)
                if value not in types:
                    raise RowsQueryError(f"{key}: unknown column {value!r}", key)
                sort = (value, key == "_sort_desc")
            elif key == "_limit":
                if not paged:
                    raise RowsQueryError("_limit applies to the JSON rows; the CSV has every row",
                                         key)
                if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
                    raise RowsQueryError(f"_limit must be a whole number from 1 to {MAX_LIMIT}",
                                         key)
                limit = int(value)
            else:
                if not paged:
                    raise RowsQueryError("_next applies to the JSON rows; the CSV has every row",
                                         key)
                token = value
            continue
        column, op = _split(key)
        if column not in types:
            raise RowsQueryError(f"unknown column {column!r} in {key!r} (see the dataset's "
                                 "dictionary)", key)
        p = f"f{len(params)}"
        params[p] = value
        kind = types[column]
        if op == "contains":
            where.append(f"contains(lower(CAST({q(column)} AS VARCHAR)), lower(${p}))")
            continue
        checks.append((p, kind, key))
        sign = {"exact": "=", "gte": ">=", "lte": "<="}[op]
        where.append(f"{q(column)} {sign} CAST(${p} AS {kind})")
    _check_values(checks, params)
    key_cols = [c for c in (ds.key or ds.order_by) if c in types]
    order: list[tuple[str, bool]] = [sort] if sort else []
    order += [(c, False) for c in (*ds.order_by, *key_cols)
              if c not in {o[0] for o in order}]
    order = list(dict.fromkeys(order))
    sort_spec = f"{name}:" + ",".join(("-" if d else "") + c for c, d in order)
    after = "true"
    if token is not None:
        after, extra = _after(order, _untoken(token, sort_spec, len(order)), types)
        params |= extra
    return RowsQuery(name, " AND ".join(where) or "true", after, params, tuple(order), limit,
                     sort_spec)


def _check_values(checks: list[tuple[str, str, str]], params: dict) -> None:
    if not checks:
        return
    probe = ", ".join(f"TRY_CAST(${p} AS {kind}) IS NULL" for p, kind, _ in checks)
    bad = db.query(f"SELECT {probe}", {p: params[p] for p, _, _ in checks}).row(0)
    for failed, (p, kind, key) in zip(bad, checks, strict=True):
        if failed:
            raise RowsQueryError(f"{key}: {params[p]!r} is not of type {kind}", key)


def _after(order: list[tuple[str, bool]], values: list, types: dict[str, str]) -> tuple[str, dict]:
    """The keyset condition 'strictly after the row with these order values' (NULLs sort last
    ascending, first descending, so each direction is the exact reverse of the other)."""
    q = catalog.quote_ident
    params = {f"k{i}": (None if v is None else str(v) if not isinstance(v, bool) else v)
              for i, v in enumerate(values)}
    sql = "false"
    for i in reversed(range(len(order))):
        column, desc = order[i]
        col, v = q(column), f"CAST($k{i} AS {types[column]})"
        if desc:
            beyond = f"(CASE WHEN $k{i} IS NULL THEN {col} IS NOT NULL ELSE {col} < {v} END)"
        else:
            beyond = f"(CASE WHEN $k{i} IS NULL THEN false ELSE {col} > {v} OR {col} IS NULL END)"
        sql = f"({beyond} OR ({col} IS NOT DISTINCT FROM {v} AND {sql}))"
    return sql, params


def _select(query: RowsQuery) -> str:
    return (f"SELECT * FROM ({base_sql(query.dataset)}) AS r "
            f"WHERE ({query.sql_where}) AND ({query.sql_after}) ORDER BY {query.order_sql()}")


def page(query: RowsQuery) -> tuple[pl.DataFrame, str | None]:
    """One page of rows and the next page's token (None on the last page)."""
    params = base_params(query.dataset) | query.params
    rows = db.query(f"{_select(query)} LIMIT {query.limit + 1}", params)
    token = None
    if rows.height > query.limit:
        rows = rows.head(query.limit)
        last = rows.row(rows.height - 1, named=True)
        token = _token([last[c] for c, _ in query.order], query.sort_spec)
    return rows, token


def count(query: RowsQuery) -> int:
    """How many rows match the filters (the whole result, whatever page the token points at)."""
    params = base_params(query.dataset) | {k: v for k, v in query.params.items()
                                           if not k.startswith("k")}
    return int(db.scalar(f"SELECT count(*) FROM ({base_sql(query.dataset)}) AS r "
                         f"WHERE {query.sql_where}", params))


def batches(query: RowsQuery, size: int = 50_000) -> Iterator[pl.DataFrame]:
    """Every matching row in order, `size` rows at a time (bounded memory for any size)."""
    params = base_params(query.dataset) | query.params
    cur = db.cursor()
    try:
        reader = cur.sql(_select(query), params=params).to_arrow_reader(size)
        for batch in reader:
            yield pl.from_arrow(batch)
    finally:
        cur.close()


def jsonable(frame: pl.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (numbers, ISO 8601 dates and times)."""
    return [{k: _json_cell(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def _json_cell(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, Decimal):
        # an exact number in JSON: float's shortest repr round-trips up to 15 significant digits
        return float(value) if len(value.as_tuple().digits) <= 15 else str(value)
    return _plain(value)
