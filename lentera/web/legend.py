"""A map's legend: colour swatches with their meaning, drawn under the map as plain HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence

import streamlit as st


def show(title: str, items: Sequence[tuple[str, Sequence[int]]], *, ring: str | None = None) -> None:
    """Swatches (RGB or RGBA) with labels; `ring` adds the dark ring that marks duplicates."""
    cells = []
    for label, rgb in items:
        r, g, b = (int(v) for v in rgb[:3])
        cells.append(
            '<span style="display:inline-flex;align-items:center;gap:.35rem;margin-right:.9rem">'
            f'<span aria-hidden="true" style="width:.9rem;height:.9rem;border-radius:2px;'
            f'border:1px solid #555;background:rgb({r},{g},{b})"></span>{html.escape(label)}</span>')
    if ring:
        cells.append(
            '<span style="display:inline-flex;align-items:center;gap:.35rem">'
            '<span aria-hidden="true" style="width:.9rem;height:.9rem;border-radius:50%;'
            f'border:3px solid #000"></span>{html.escape(ring)}</span>')
    st.markdown(
        f'<div class="lentera-legend" role="group" aria-label="{html.escape(title)}" '
        'style="display:flex;flex-wrap:wrap;row-gap:.3rem;font-size:.875rem;margin:.2rem 0 .4rem">'
        f'<strong style="margin-right:.6rem">{html.escape(title)}</strong>{"".join(cells)}</div>',
        unsafe_allow_html=True)
