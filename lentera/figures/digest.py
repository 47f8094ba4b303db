"""The public digest chart ("Anda melapor, kami bertindak"): a frame in, a Plotly figure out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from lentera.figures.export import PALETTE


def per_kategori(frame: pl.DataFrame, *, x_title: str | None = None,
                 y_title: str | None = None) -> go.Figure:
    """Complaints resolved in the week per category, largest first, axes named in words."""
    fig = go.Figure(go.Bar(x=frame["jumlah"].to_list(), y=frame["kategori"].to_list(),
                           orientation="h", marker_color=PALETTE[0],
                           hovertemplate="%{y}: %{x}<extra></extra>"))
    fig.update_layout(height=max(220, 28 * frame.height + 60),
                      yaxis=dict(autorange="reversed", title=y_title),
                      xaxis=dict(title=x_title, rangemode="tozero"))
    return fig
