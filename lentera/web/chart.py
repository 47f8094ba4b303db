"""The one helper every chart uses: the figure, its rows one click away, and downloads of exactly them.

`chart(fig, rows, name=..., key=...)` draws a Plotly figure (or a pydeck deck) and, under it,
a "Lihat data" toggle with the table and CSV/XLSX downloads of the same rows, named with the
dataset version so a journalist can cite what they downloaded.
"""

from __future__ import annotations

import re

import polars as pl
import streamlit as st

from lentera.core.i18n import t
from lentera.figures.export import PALETTE, csv_bytes, xlsx_bytes
from lentera.warehouse import db

# The palette and the download bytes are pure (lentera.figures.export); re-exported for pages.
__all__ = ["PALETTE", "chart", "csv_bytes", "deck", "file_name", "rows_controls", "xlsx_bytes"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "data"


def file_name(name: str, ext: str) -> str:
    """`lentera_<name>_<data version>.<ext>`: downloads carry the version they came from."""
    try:
        version = db.data_version()
    except Exception:  # no warehouse: still a usable name
        version = "tanpa-versi"
    return f"lentera_{_slug(name)}_{_slug(version)}.{ext}"


def rows_controls(rows: pl.DataFrame, name: str, key: str) -> None:
    """The table toggle and the downloads of exactly `rows`."""
    if st.toggle(t("chart.show_rows"), key=f"{key}__rows"):
        st.dataframe(rows, width="stretch", hide_index=True)
    c1, c2 = st.columns(2)
    c1.download_button(t("chart.download_csv"), csv_bytes(rows), file_name=file_name(name, "csv"),
                       mime="text/csv", key=f"{key}__csv", on_click="ignore", width="stretch")
    c2.download_button(t("chart.download_xlsx"), xlsx_bytes(rows), file_name=file_name(name, "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}__xlsx", on_click="ignore", width="stretch")


def chart(fig, rows: pl.DataFrame, *, name: str, key: str, caption: str | None = None,
          on_select: str = "ignore"):
    """Draw a Plotly figure with its rows one click away; returns the selection event if asked."""
    fig.update_layout(colorway=PALETTE, margin=dict(l=8, r=8, t=40, b=8),
                      legend=dict(orientation="h", yanchor="top", y=-0.15))
    event = st.plotly_chart(fig, width="stretch", key=key, on_select=on_select, alt=caption,
                            config={"displaylogo": False, "responsive": True})
    if caption:
        st.caption(caption)
    rows_controls(rows, name, key)
    return event


def deck(deck_obj, rows: pl.DataFrame, *, name: str, key: str, caption: str | None = None):
    """Draw a pydeck map with its rows one click away."""
    st.pydeck_chart(deck_obj, width="stretch", key=key)
    if caption:
        st.caption(caption)
    rows_controls(rows, name, key)
