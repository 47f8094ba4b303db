"""Musrenbang charts: frames from lentera.warehouse.musrenbang in, Plotly figures out (no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import polars as pl

from lentera.core import fmt
from lentera.core.i18n import t
from lentera.figures import style
from lentera.figures.export import PALETTE


def alur(fun: pl.DataFrame, stage_label: Mapping[str, str]) -> go.Figure:
    """The proposals' funnel: count and estimated cost at each stage, stages in their order."""
    fig = go.Figure(go.Funnel(
        y=[stage_label[s] for s in fun["tahap"].to_list()], x=fun["jumlah"].to_list(),
        text=[f"{fmt.number(n)} · {fmt.rupiah(c)}" for n, c in
              zip(fun["jumlah"].to_list(), fun["perkiraan_biaya"].to_list(), strict=True)],
        textinfo="text", textposition="inside", marker={"color": PALETTE[0]}))
    fig.update_layout(height=360, yaxis_title=None)
    return style.finish(fig)


def tahap_per(mix: pl.DataFrame, by: str, stages: Sequence[str],
              stage_label: Mapping[str, str]) -> go.Figure:
    """Stacked horizontal bars: how many proposals of each `by` value stand at each stage."""
    fig = go.Figure()
    for i, stage in enumerate(stages):
        part = mix.filter(pl.col("tahap") == stage)
        fig.add_bar(y=part[by].to_list(), x=part["jumlah"].to_list(), name=stage_label[stage],
                    orientation="h", marker_color=PALETTE[i % len(PALETTE)])
    fig.update_layout(barmode="stack", height=max(300, 40 * mix[by].n_unique() + 120),
                      xaxis_title=t("musrenbang.axis_count"), yaxis={"autorange": "reversed"})
    return style.finish(fig)
