"""Finished figures are kept per memo, language and data version, and drawn the same way again."""

from __future__ import annotations

import plotly.graph_objects as go

from lentera.core.i18n import set_lang
from lentera.web import chart


def _builder(calls: list, title: str = "Judul"):
    def build():
        calls.append(1)
        return go.Figure(go.Bar(x=[1, 2], y=[3, 4]), layout={"title": {"text": title}})
    return build


def test_the_same_memo_builds_once_and_keeps_the_title():
    calls: list = []
    set_lang("id")
    key = ("k", "n", "id", "v1", ("tahun", 2026))
    title1, fig1 = chart._memoized(_builder(calls), key)
    title2, fig2 = chart._memoized(_builder(calls), key)
    assert calls == [1]
    assert title1 == title2 == "Judul"  # the page still draws the title on the second view
    assert fig1 is fig2 and fig1.layout.title.text is None


def test_another_memo_language_or_version_builds_again():
    calls: list = []
    base = ("k2", "n", "id", "v1", ("tahun", 2026))
    chart._memoized(_builder(calls), base)
    for other in (("k2", "n", "en", "v1", ("tahun", 2026)),
                  ("k2", "n", "id", "v2", ("tahun", 2026)),
                  ("k2", "n", "id", "v1", ("tahun", 2025))):
        chart._memoized(_builder(calls), other)
    assert len(calls) == 4


def test_the_kept_figures_are_bounded():
    calls: list = []
    for i in range(chart._FIGURES_MAX + 10):
        chart._memoized(_builder(calls), ("bound", i))
    assert len(chart._FIGURES) <= chart._FIGURES_MAX
