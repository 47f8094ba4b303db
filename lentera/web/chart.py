"""The one helper every chart uses: the figure, its rows one click away, and downloads of exactly them.

`chart(fig, rows, name=..., key=...)` draws a Plotly figure (or a pydeck deck) and, under it,
a "Lihat data" toggle with the table and CSV/XLSX downloads of the same rows, named with the
dataset version so a journalist can cite what they downloaded. A `Base` (period, cohort, as-of
date) is written in the caption, in the file name and in the XLSX's "keterangan" sheet.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io
import polars as pl
import streamlit as st

from lentera.core.i18n import get_lang, t
from lentera.figures import style
from lentera.figures.export import PALETTE, csv_bytes, xlsx_bytes
from lentera.warehouse import db
from lentera.web import tables
from lentera.web.text import literal

# The palette and the download bytes are pure (lentera.figures.export); re-exported for pages.
__all__ = ["PALETTE", "Base", "chart", "csv_bytes", "deck", "file_name", "rows_controls",
           "xlsx_bytes"]


@dataclass(frozen=True)
class Base:
    """What a figure counts: a sentence for the caption and a short slug for the file name."""

    text: str
    slug: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "data"


def _version() -> str:
    try:
        return db.data_version()
    except Exception:  # no warehouse: still a usable name
        return "tanpa-versi"


def file_name(name: str, ext: str, base: Base | None = None) -> str:
    """`lentera_<name>[_<base>]_<data version>.<ext>`: downloads carry their base and version."""
    part = f"_{_slug(base.slug)}" if base is not None else ""
    return f"lentera_{_slug(name)}{part}_{_slug(_version())}.{ext}"


def _caption(caption: str | None, base: Base | None) -> str | None:
    return " ".join(x for x in (caption, base.text if base else None) if x) or None


def rows_controls(rows: pl.DataFrame, name: str, key: str, base: Base | None = None) -> None:
    """The table toggle and the downloads of exactly `rows` (named and described by `base`).

    The file bytes are made only when a visitor clicks (Streamlit calls the callable then):
    building every chart's CSV and XLSX on every rerun was most of a page view's cost.
    """
    if st.toggle(t("chart.show_rows"), key=f"{key}__rows"):
        # numbers, shares and dates as the reader writes them; the files keep exact values
        tables.show(style.display_rows(rows), width="stretch", hide_index=True)
    meta = {"nama": name, "versi_data": _version()}
    if base is not None:
        meta |= {"dasar": base.text, "dasar_kode": base.slug}
    c1, c2 = st.columns(2)
    c1.download_button(t("chart.download_csv"), lambda: csv_bytes(rows),
                       file_name=file_name(name, "csv", base),
                       mime="text/csv", key=f"{key}__csv", on_click="ignore", width="stretch")
    c2.download_button(t("chart.download_xlsx"), lambda: xlsx_bytes(rows, meta=meta),
                       file_name=file_name(name, "xlsx", base),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}__xlsx", on_click="ignore", width="stretch")


def _finished(fig) -> tuple[str | None, object]:
    """(title, figure) as drawn: the title taken out, the house style applied."""
    # A Plotly title never wraps and is cut on a phone: the title goes above as page text instead.
    title = fig.layout.title.text if fig.layout.title is not None else None
    if title:
        fig.update_layout(title=None)
    # Indonesian readers write 4.950 and 72,2; legends below, long labels wrapped (style.finish).
    fig.update_layout(colorway=PALETTE, margin=dict(l=8, r=8, t=style.TOP_MARGIN, b=8))
    style.finish(fig, get_lang())
    return title, fig


# Finished figures by (key, name, language, data version, memo): building and styling a Plotly
# figure was most of a dashboard view's CPU, and the same filters give the same figure.
_FIGURES: OrderedDict[tuple, tuple[str | None, object]] = OrderedDict()
_FIGURES_MAX = 512
_FIGURES_LOCK = threading.Lock()


class _Spec(dict):
    """A finished figure's dict with its JSON text, written once when the figure is kept."""

    json: str


class _Kept(go.Figure):
    """A kept figure: Streamlit asks it for its dict and then for that dict's JSON on every
    rerun — a deep copy and a walk over every value, a fifth of a dashboard view's CPU. A kept
    figure is never changed, so both are made once (`_keep`) and handed out as they are."""

    _lentera_spec: _Spec

    def to_dict(self) -> dict:
        return self._lentera_spec


def _keep(fig):
    """Turn a finished Plotly figure into a `_Kept` one (other objects are returned as they are)."""
    if not isinstance(fig, go.Figure):
        return fig
    spec = _Spec(fig.to_dict())
    spec.json = _plotly_to_json(spec, validate=False)
    fig.__class__ = _Kept
    fig._lentera_spec = spec
    return fig


def _to_json(fig, *args, **kwargs):
    """plotly.io.to_json that hands out a kept figure's JSON instead of writing it again."""
    if isinstance(fig, _Spec) and not args and set(kwargs) <= {"validate"}:
        return fig.json
    return _plotly_to_json(fig, *args, **kwargs)


# Streamlit's st.plotly_chart calls plotly.io.to_json(figure.to_dict(), validate=False).
_plotly_to_json = getattr(plotly.io.to_json, "_lentera_original", plotly.io.to_json)
_to_json._lentera_original = _plotly_to_json  # type: ignore[attr-defined]
plotly.io.to_json = _to_json


def _freeze(obj):
    """A kept object made ready to be drawn again and again: a Plotly figure's dict and JSON, a
    deck's JSON, written once."""
    if hasattr(obj, "freeze"):
        return obj.freeze()
    return _keep(obj)


def kept(name: str, memo: tuple, build: Callable[[], object]):
    """`build()` kept per (name, language, data version, memo) — `memo` being every value the
    result depends on besides those (the page's filters). Figures and decks inside it (alone, or
    in a tuple) are frozen: drawn again without being serialised again. Never change what you
    get back."""
    memo_key = (name, get_lang(), _version(), memo)
    with _FIGURES_LOCK:
        hit = _FIGURES.get(memo_key, _FIGURES)
        if hit is not _FIGURES:
            _FIGURES.move_to_end(memo_key)
            return hit
    done = build()  # built outside the lock; two first views may both build it
    done = tuple(_freeze(x) for x in done) if isinstance(done, tuple) else _freeze(done)
    with _FIGURES_LOCK:
        _FIGURES[memo_key] = done
        while len(_FIGURES) > _FIGURES_MAX:
            _FIGURES.popitem(last=False)
    return done


def _memoized(build: Callable[[], object], memo_key: tuple) -> tuple[str | None, object]:
    return kept("figure", memo_key, lambda: _finished(build()))


def chart(fig, rows: pl.DataFrame, *, name: str, key: str, caption: str | None = None,
          on_select: str = "ignore", base: Base | None = None, memo: tuple | None = None):
    """Draw a Plotly figure with its rows one click away; returns the selection event if asked.

    `fig` is a figure, or a function building it. With `memo` — every value the figure depends
    on besides the data version and the language (the page's filters) — the finished figure is
    kept and drawn again for the same memo without being rebuilt; the figure is never changed
    after it is kept (Streamlit copies it to draw it)."""
    caption = _caption(caption, base)
    if memo is None:
        title, fig = _finished(fig() if callable(fig) else fig)
    else:
        title, fig = _memoized(fig if callable(fig) else (lambda: fig), (key, name, memo))
    if title:
        st.markdown(f"**{literal(title)}**")
    # the toolbar keeps only what a reader uses (a picture, zoom back); select tools only where
    # a click means something
    remove = ["lasso2d", "select2d", "autoScale2d", "zoomIn2d", "zoomOut2d", "pan2d", "zoom2d"]
    config = {"displaylogo": False, "responsive": True,
              "modeBarButtonsToRemove": remove if on_select == "ignore" else remove[2:],
              **style.plotly_locale(get_lang())}
    event = st.plotly_chart(fig, width="stretch", key=key, on_select=on_select, alt=caption,
                            config=config)
    if caption:
        st.caption(caption)
    rows_controls(rows, name, key, base)
    return event


def deck(deck_obj, rows: pl.DataFrame, *, name: str, key: str, caption: str | None = None,
         base: Base | None = None, memo: tuple | None = None):
    """Draw a pydeck map with its rows one click away.

    `deck_obj` is a deck or a function building it; with `memo` (as for `chart`) the built deck
    and its JSON are kept and drawn again for the same memo."""
    if memo is None:
        deck_obj = deck_obj() if callable(deck_obj) else deck_obj
    else:
        deck_obj = kept(f"deck-{key}-{name}", memo,
                        deck_obj if callable(deck_obj) else (lambda: deck_obj))
    st.pydeck_chart(deck_obj, width="stretch", key=key)
    caption = _caption(caption, base)
    if caption:
        st.caption(caption)
    rows_controls(rows, name, key, base)
