"""The public digest chart ("Anda melapor, kami bertindak"): a frame in, a Plotly figure out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from lentera.figures.export import PALETTE


def per_kategori(frame: pl.DataFrame) -> go.Figure:
    """Complaints resolved in the week per category, largest first."""
    fig = go.Figure(go.Bar(x=frame["jumlah"].to_list(), y=frame["kategori"].to_list(),
                           orientation="h", marker_color=PALETTE[0]))
    fig.update_layout(height=max(220, 28 * frame.height),
                      yaxis=dict(autorange="reversed", title=None), xaxis_title=None)
    return fig
