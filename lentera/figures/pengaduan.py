"""Pengaduan charts: frames from lentera.warehouse.pengaduan in, Plotly figures out (no Streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from lentera.core import fmt
from lentera.core.i18n import t
from lentera.figures import style
from lentera.figures.export import PALETTE

# The backlog's three axes, top to bottom.
SUMBU_TUNGGAKAN = ("umur", "lewat", "lewat_kotor")


def per_bulan(vol: pl.DataFrame) -> go.Figure:
    """Complaints received per month, stacked by group (`kelompok`)."""
    fig = go.Figure()
    for i, (grp, rows) in enumerate(vol.group_by("kelompok", maintain_order=True)):
        # Plotly names months in English: the axis and the hover take our own month labels
        fig.add_bar(x=rows["bulan"].to_list(), y=rows["jumlah"].to_list(), name=str(grp[0]),
                    marker_color=PALETTE[i % len(PALETTE)],
                    customdata=[fmt.month_label(d) for d in rows["bulan"].to_list()],
                    hovertemplate="%{customdata}<br>%{fullData.name}: %{y:,d}<extra></extra>")
    vals, text = fmt.month_ticks(vol["bulan"].to_list())
    # a phone shows one long legend item per row under the plot: room for each of them
    height = 300 + 22 * vol["kelompok"].n_unique()
    fig.update_layout(barmode="stack", height=height, xaxis_title=t("pengaduan.bulan"),
                      yaxis_title=t("pengaduan.jumlah"),
                      xaxis=dict(type="date", tickmode="array", tickvals=vals, ticktext=text))
    return style.finish(fig)


def alur(funnel: pl.DataFrame) -> go.Figure:
    """The status funnel: how many complaints reached each stage."""
    fig = go.Figure(go.Funnel(y=[t(f"pengaduan.tahap_{s}") for s in funnel["tahap"]],
                              x=funnel["jumlah"].to_list(), marker_color=PALETTE[0],
                              textinfo="value+percent initial"))
    fig.update_layout(height=300)
    return style.finish(fig)


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
    return style.finish(fig)


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
    return style.finish(fig)


def tepat_kecamatan(kec: pl.DataFrame, *, pilih: str | None = None,
                    rata: float | None = None) -> go.Figure:
    """On-time rate per kecamatan (rankable ones only), net as bars and gross as a tick, the
    chosen kecamatan in a darker colour, the kabupaten's rate as a dashed line."""
    names = kec["nama_kecamatan"].to_list()
    net = kec["persen_tepat_waktu"].to_list()
    gross = kec["persen_tepat_waktu_kotor"].to_list()
    colours = [PALETTE[0] if k == pilih else PALETTE[4] for k in kec["kode_kecamatan"].to_list()]
    fig = go.Figure()
    fig.add_bar(y=names, x=[(v or 0) * 100 for v in net], orientation="h", marker_color=colours,
                name=t("pengaduan.kec_bersih"), text=[fmt.percent(v) for v in net],
                textposition="inside", insidetextanchor="start",
                hovertext=[t("pengaduan.kec_hover", persen=fmt.percent(v), dinilai=fmt.number(d))
                           for v, d in zip(net, kec["dinilai"].to_list(), strict=True)],
                hoverinfo="y+text")
    fig.add_scatter(y=names, x=[(v or 0) * 100 for v in gross], mode="markers",
                    name=t("pengaduan.kec_kotor"), hovertext=[fmt.percent(v) for v in gross],
                    hoverinfo="y+name+text",
                    marker=dict(symbol="line-ns-open", size=18, color="#000000"))
    if rata is not None:
        fig.add_vline(x=rata * 100, line_dash="dash", line_color=PALETTE[3])
        fig.add_scatter(x=[None], y=[None], mode="lines", name=t("pengaduan.kec_rata",
                                                                  persen=fmt.percent(rata)),
                        line=dict(dash="dash", color=PALETTE[3]))
    fig.update_layout(height=max(300, 40 * len(names) + 140), yaxis=dict(autorange="reversed"),
                      xaxis=dict(title=t("pengaduan.kec_sumbu"), range=[0, 100], ticksuffix="%"),
                      bargap=0.25)
    return style.finish(fig)
