"""The phone-and-language finish every Plotly figure gets: Indonesian separators, legend below,
long category labels wrapped or cut (the full text stays in the hover and the table)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from lentera.core import fmt, frames
from lentera.core.i18n import get_lang, t

# Room above the plot for Plotly's toolbar (25 px high), so it never sits on the bars.
TOP_MARGIN = 40
# Pixels under the plot taken by tick labels, and by an axis title when there is one.
TICKS_PX = 30
AXIS_TITLE_PX = 26
LABEL_WIDTH = 22


def _axis_name(trace, letter: str) -> str:
    ref = getattr(trace, f"{letter}axis", None) or letter
    return ref[0] + "axis" + ref[1:]


def _categories(fig: go.Figure) -> dict[str, list[str]]:
    """The text categories on each axis (in first-seen order): y of horizontal bars, x otherwise."""
    found: dict[str, list[str]] = {}
    for trace in fig.data:
        if trace.type in ("treemap", "pie", "sunburst", "scattermapbox"):
            continue
        for letter in ("x", "y"):
            values = getattr(trace, letter, None)
            if values is None or not len(values) or not all(isinstance(v, str) for v in values):
                continue
            seen = found.setdefault(_axis_name(trace, letter), [])
            seen.extend(v for v in values if v not in seen)
    return found


def _wrap_labels(fig: go.Figure, width: int) -> None:
    for axis, cats in _categories(fig).items():
        if not any(len(c) > width for c in cats):
            continue
        layout_axis = fig.layout[axis]
        if layout_axis.ticktext is not None:  # the builder chose its own labels
            continue
        fig.update_layout({axis: dict(tickmode="array", tickvals=cats,
                                      ticktext=[fmt.short_label(c, width) for c in cats],
                                      automargin=True)})
        if axis.startswith("yaxis"):  # two-line labels need two lines of room per bar
            fig.update_layout(height=max(fig.layout.height or 0, 40 * len(cats) + 160))


def _legend_below(fig: go.Figure) -> None:
    """Legend under the x axis's ticks and title (never on "Rp miliar"), items side by side."""
    height = fig.layout.height or 400
    titled = fig.layout.xaxis.title.text if fig.layout.xaxis.title else None
    below = TICKS_PX + (AXIS_TITLE_PX if titled else 0)
    # the legend's y is a fraction of the plot area; estimate that area from the figure's height
    plot = max(height - TOP_MARGIN - below - 60, 120)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-below / plot,
                                  xanchor="left", x=0, title=None))


def finish(fig: go.Figure, lang: str | None = None, label_width: int = LABEL_WIDTH) -> go.Figure:
    """`fig` ready for a phone in the reader's language (idempotent; returns the same figure)."""
    lang = lang or get_lang()
    fig.update_layout(separators=fmt.separators(lang), hoverlabel=dict(namelength=-1))
    _wrap_labels(fig, label_width)
    if any(getattr(tr, "showlegend", None) is not False for tr in fig.data) and len(fig.data) > 1:
        _legend_below(fig)
    return fig


# Columns holding a share (0–1): shown as percentages in the on-screen table.
SHARE_PREFIXES = ("persen", "serapan", "porsi", "bagian", "harapan", "rasio")


def display_rows(rows: pl.DataFrame, lang: str | None = None) -> pl.DataFrame:
    """The rows as the on-screen table shows them: numbers, shares and dates written in the
    reader's language (`87,8%`, `3 Desember 2026`); the downloads keep the exact values."""
    lang = lang or get_lang()
    fns: dict[str, Any] = {}
    for name, dtype in rows.schema.items():
        if dtype.is_float() or isinstance(dtype, pl.Decimal):
            fns[name] = ((lambda v: fmt.percent(v, lang=lang)) if name.startswith(SHARE_PREFIXES)
                         else (lambda v: fmt.number(v, 2 if abs(v) < 1000 else 0, lang=lang)))
        elif dtype == pl.Date:
            fns[name] = lambda v: fmt.date(v, lang=lang)
        elif dtype == pl.Datetime:
            fns[name] = lambda v: fmt.datetime(v, lang=lang)
    return frames.formatted(rows, fns)


# Plotly's own English words (its toolbar) and our key for each, for plotly.js `config.locales`
PLOTLY_WORDS = {"Download plot as a PNG": "chart.plotly_png", "Reset axes": "chart.plotly_reset",
                "Box Select": "chart.plotly_box", "Lasso Select": "chart.plotly_lasso",
                "Zoom": "chart.plotly_zoom", "Pan": "chart.plotly_pan",
                "Autoscale": "chart.plotly_autoscale",
                "Double-click to zoom back out": "chart.plotly_dblclick"}


def plotly_locale(lang: str | None = None) -> dict:
    """plotly.js config for the language: toolbar words, month and day names, separators (so
    even a date axis we did not label ourselves says "Mei 2026", never "May 2026")."""
    lang = lang or get_lang()
    months = fmt.BULAN if lang == "id" else fmt.MONTHS
    short = fmt.BULAN_PENDEK if lang == "id" else fmt.MONTHS_SHORT
    days = (["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"] if lang == "id" else
            ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"])
    sep = fmt.separators(lang)
    return {"locale": f"lentera-{lang}", "locales": {f"lentera-{lang}": {
        "dictionary": {en: t(key, lang=lang) for en, key in PLOTLY_WORDS.items()},
        "format": {"days": days, "shortDays": [d[:3] for d in days], "months": list(months),
                   "shortMonths": list(short), "decimal": sep[0], "thousands": sep[1],
                   "date": "%d/%m/%Y"}}}}
