"""Python functions over a frame's values, run on the calling thread — never inside Polars.

Polars evaluates expressions on its own thread pool. A Python function inside an expression
(`map_elements`, `map_batches`, …) makes a pool thread take the GIL. Streamlit runs every
session's script in a thread of one process, so under a crowd one script holds the GIL while it
waits for the pool (`to_pandas`, a `collect`) and a pool thread waits for the GIL to run
another script's function: the whole process hangs for good, every visitor on it with it
(found under the set-up test's crowd; the same deadlock as pola-rs/polars#24448 and #26821).
Lentera therefore never puts Python inside a Polars expression (tests/test_layers.py checks every
module) and maps values here instead, where only the calling thread runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl


def values(series: pl.Series, fn: Callable[[Any], Any], dtype: Any = pl.String,
           name: str | None = None) -> pl.Series:
    """`fn` of every value of `series` (nulls stay null), as a new Series of `dtype`."""
    return pl.Series(name or series.name, [None if v is None else fn(v) for v in series.to_list()],
                     dtype=dtype)


def formatted(frame: pl.DataFrame, fns: dict[str, Callable[[Any], Any]],
              dtype: Any = pl.String) -> pl.DataFrame:
    """The frame with each named column replaced by `fn` of its values (e.g. `fmt.rupiah`)."""
    return frame.with_columns(values(frame[c], fn, dtype) for c, fn in fns.items())
