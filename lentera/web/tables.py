"""Tables that a phone can take: the first rows drawn, every row one click away.

A page never ships a whole table to the browser (at scale a list of proposals was 7.7 MB of one
view): `capped` draws the first `limit` rows — formatted only those, formatting per row in Python
was most of the page's cost — says how many there are, and offers CSV/XLSX of all of them.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st

from lentera.core import fmt
from lentera.core.i18n import t
from lentera.figures.export import csv_bytes, xlsx_bytes

LIMIT = 200  # rows drawn; enough to scan, small enough for a phone on a weak signal


def show(frame, **dataframe_args):
    """`st.dataframe` of a Polars frame handed over as Arrow.

    Streamlit turns a Polars frame into pandas and then into Arrow on every rerun; an Arrow table
    it sends as it is (a fifth of the CPU per table). Large strings, not string views: the
    browser's Arrow reader knows the former."""
    if isinstance(frame, pl.DataFrame):
        frame = frame.to_arrow(compat_level=pl.CompatLevel.oldest())
    return st.dataframe(frame, **dataframe_args)


def capped(rows: pl.DataFrame, *, name: str, key: str,
           display: Callable[[pl.DataFrame], pl.DataFrame] = lambda f: f,
           limit: int = LIMIT, file_name: Callable[[str, str], str], **dataframe_args) -> None:
    """`st.dataframe` of `display(rows.head(limit))`, a note when rows were left out, downloads
    of every row (made when clicked). `file_name(name, ext)` names the files."""
    show(display(rows.head(limit)), hide_index=True, width="stretch", key=key,
                 **dataframe_args)
    if rows.height > limit:
        st.caption(t("chart.table_cut", shown=fmt.number(limit), n=fmt.number(rows.height)))
        c1, c2 = st.columns(2)
        c1.download_button(t("chart.download_csv"), lambda: csv_bytes(rows),
                           file_name=file_name(name, "csv"), mime="text/csv",
                           key=f"{key}__csv", on_click="ignore", width="stretch")
        c2.download_button(t("chart.download_xlsx"), lambda: xlsx_bytes(rows),
                           file_name=file_name(name, "xlsx"),
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}__xlsx", on_click="ignore", width="stretch")
