"""Pengaduan charts: frames from lentera.warehouse.pengaduan in, Plotly figures out (no Streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from lentera.core.i18n import t
from lentera.figures.export import PALETTE

# The backlog's three axes, top to bottom.
SUMBU_TUNGGAKAN = ("umur", "lewat", "lewat_kotor")


def per_bulan(vol: pl.DataFrame) -> go.Figure:
    """Complaints received per month, stacked by group (`kelompok`)."""
    fig = go.Figure()
    for i, (grp, rows) in enumerate(vol.group_by("kelompok", maintain_order=True)):
        fig.add_bar(x=rows["bulan"].to_list(), y=rows["jumlah"].to_list(), name=str(grp[0]),
                    marker_color=PALETTE[i % len(PALETTE)])
    fig.update_layout(barmode="stack", height=380, xaxis_title=t("pengaduan.bulan"),
                      yaxis_title=t("pengaduan.jumlah"))
    return fig


def alur(funnel: pl.DataFrame) -> go.Figure:
    """The status funnel: how many complaints reached each stage."""
    fig = go.Figure(go.Funnel(y=[t(f"pengaduan.tahap_{s}") for s in funnel["tahap"]],
                              x=funnel["jumlah"].to_list(), marker_color=PALETTE[0],
                              textinfo="value+percent initial"))
    fig.update_layout(height=300)
    return fig


def waktu_selesai(groups: pl.DataFrame, *, with_target: bool) -> go.Figure:
    """Working days to finish per group, net of pauses and gross, median and 9 in 10, side by side."""
    fig = go.Figure()
    names = groups["kelompok"].to_list()
    series = (("median_selesai", "pengaduan.median_bersih", 0),
              ("median_selesai_kotor", "pengaduan.median_kotor", 4),
              ("p90_selesai", "pengaduan.p90_bersih", 1),
              ("p90_selesai_kotor", "pengaduan.p90_kotor", 5))
    for col, label, colour in series:
        fig.add_bar(y=names, x=groups[col].to_list(), name=t(label), orientation="h",
                    marker_color=PALETTE[colour])
    if with_target:
        fig.add_scatter(y=names, x=groups["target_hari_kerja"].to_list(), mode="markers",
                        name=t("pengaduan.target"),
                        marker=dict(symbol="line-ns-open", size=18, color="#000000"))
    fig.update_layout(barmode="group", height=max(320, 64 * len(names)),
                      yaxis=dict(autorange="reversed"), title=t("pengaduan.tahap_chart"))
    return fig


def tunggakan(tung: pl.DataFrame) -> go.Figure:
    """The open stock by age and by working days past target (net and gross), one panel each."""
    fig = go.Figure()
    for i, sumbu in enumerate(SUMBU_TUNGGAKAN):
        rows = tung.filter(pl.col("sumbu") == sumbu).sort("urutan")
        axis = "" if i == 0 else str(i + 1)
        fig.add_bar(x=rows["kelompok"].to_list(), y=rows["jumlah"].to_list(),
                    name=t(f"pengaduan.tunggakan_{sumbu}"), marker_color=PALETTE[i],
                    xaxis=f"x{axis}", yaxis=f"y{axis}")
    fig.update_layout(grid=dict(rows=len(SUMBU_TUNGGAKAN), columns=1, pattern="independent"),
                      height=620, xaxis=dict(type="category"), xaxis2=dict(type="category"),
                      xaxis3=dict(type="category"))
    return fig
