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


def test_a_kept_figure_gives_streamlit_the_json_plotly_would_write():
    """st.plotly_chart asks a figure for its dict and that dict's JSON on every rerun; a kept
    figure hands out the ones made when it was kept — the same text Plotly writes."""
    import plotly.io
    import plotly.tools

    calls: list = []
    _, fig = chart._memoized(_builder(calls), ("json", 1))
    as_streamlit = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
    # Plotly's own dict of the very same figure, written by Plotly's own writer
    assert plotly.io.to_json(as_streamlit, validate=False) == \
        chart._plotly_to_json(go.Figure.to_dict(fig), validate=False)
    assert plotly.io.to_json(as_streamlit, validate=False) is fig.to_dict().json  # not re-written
    # anything else still goes through Plotly's own writer
    assert plotly.io.to_json({"data": [], "layout": {}}, validate=False).startswith("{")


def test_a_kept_deck_writes_its_json_once():
    import polars as pl

    from lentera.figures import maps

    frame = pl.DataFrame({"geojson": ['{"type":"Point","coordinates":[109.3,-0.1]}'],
                          "nama_kecamatan": ["A"], "jumlah": [3], "per_1000": [1.5]})
    calls: list = []

    def build():
        calls.append(1)
        return maps.peta_kecamatan(frame, "{nama}")

    first = chart.kept("deck-test", ("x",), build)
    again = chart.kept("deck-test", ("x",), build)
    assert calls == [1] and first is again
    assert first.to_json() is again.to_json()  # the same text, not written again
    # what a fresh build writes, but for the layer's random id (kept: the map is not redrawn)
    import re
    assert re.sub(r'"id":"[^"]+"', "", first.to_json()) == \
        re.sub(r'"id":"[^"]+"', "", build().to_json())
