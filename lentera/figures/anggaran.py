"""Anggaran charts: frames from lentera.warehouse.anggaran in, Plotly figures out (no Streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from lentera.core import fmt
from lentera.core.i18n import t
from lentera.figures import style
from lentera.figures.export import PALETTE


def nama_tahap(tahap: str) -> str:
    """The stage as a caption names it: "APBD murni", "APBD perubahan"."""
    return t(f"anggaran.nama_tahap_{tahap}")


def dasar(tahun: int, tahap: str, bulan: int) -> str:
    """The base of a budget figure for its caption: stage, year and the months of realisasi."""
    return t("anggaran.dasar", tahap=nama_tahap(tahap), tahun=tahun,
             periode=fmt.month_year(int(tahun), int(bulan)))


def dasar_kode(tahun: int | str, tahap: str, bulan: int, tahun_bulan: int | None = None) -> str:
    """The base as a download's name carries it: <tahun>_<tahap>_per-<YYYY>-<MM>."""
    return f"{tahun}_{tahap}_per-{tahun_bulan or tahun}-{int(bulan):02d}"


def _rupiah(frame: pl.DataFrame, col: str) -> list[str]:
    return [fmt.rupiah(v) for v in frame[col].to_list()]


def _miliar(frame: pl.DataFrame, col: str) -> list[float]:
    return [float(v or 0) / 1e9 for v in frame[col].to_list()]


def perubahan(part: pl.DataFrame, title: str) -> go.Figure:
    """What the perubahan changed, one horizontal bar per name (green up, vermillion down)."""
    selisih = _miliar(part, "selisih")
    fig = go.Figure(go.Bar(
        y=part["nama"].to_list(), x=selisih, orientation="h",
        marker_color=[PALETTE[2] if v >= 0 else PALETTE[3] for v in selisih],
        hovertext=_rupiah(part, "selisih"), hoverinfo="y+text"))
    fig.update_layout(title=title, height=120 + 26 * part.height,
                      xaxis_title=t("anggaran.sumbu_miliar"))
    return style.finish(fig)


def serapan_bulanan(serapan: pl.DataFrame, merata: pl.DataFrame, tahun: int) -> go.Figure:
    """Cumulative absorption per month, one line per year (the chosen one thick), and the even line."""
    fig = go.Figure()
    for i, (th, part) in enumerate(serapan.group_by("tahun", maintain_order=True)):
        th = th[0]
        fig.add_trace(go.Scatter(
            x=[fmt.month_name(m, short=True) for m in part["bulan"]],
            y=(part["serapan"] * 100).to_list(), name=str(th), mode="lines+markers",
            hovertext=[fmt.percent(v) for v in part["serapan"].to_list()], hoverinfo="x+name+text",
            line=dict(width=4 if th == tahun else 2, color=PALETTE[i % len(PALETTE)]),
            opacity=1.0 if th == tahun else 0.6))
    fig.add_trace(go.Scatter(x=[fmt.month_name(m, short=True) for m in merata["bulan"]],
                             y=(merata["serapan"] * 100).to_list(), name=t("anggaran.garis_merata"),
                             hovertext=[fmt.percent(v) for v in merata["serapan"].to_list()],
                             hoverinfo="x+name+text",
                             mode="lines", line=dict(dash="dash", color="#000000", width=1)))
    fig.update_layout(height=380, xaxis_title=t("anggaran.sumbu_bulan"),
                      yaxis=dict(title=t("anggaran.sumbu_serapan"), ticksuffix="%"))
    return style.finish(fig)


def tertinggal(top: pl.DataFrame) -> go.Figure:
    """The offices furthest behind their expected absorption, in rupiah not yet spent."""
    fig = go.Figure(go.Bar(
        y=top["singkatan"].to_list(), x=[v / 1e9 for v in top["tertinggal"].to_list()],
        orientation="h", marker_color=PALETTE[3],
        hovertext=[f"{fmt.rupiah(b)} · {fmt.percent(s)} / {fmt.percent(h)}" for b, s, h in
                   zip(top["tertinggal"], top["serapan"], top["harapan"], strict=True)],
        hoverinfo="y+text"))
    fig.update_layout(height=120 + 28 * top.height, xaxis_title=t("anggaran.tertinggal_sumbu"))
    return style.finish(fig)


def rincian(nodes: pl.DataFrame) -> go.Figure:
    """The drill-down level: a treemap of parts of one whole; at the account root, bars.

    Pendapatan, belanja and pembiayaan are three separate accounts (money in, money out, and
    financing both ways), not shares of one total: boxes side by side would read as "belanja is
    half of the budget". The root shows them as pagu/realisasi bars; every level below, whose
    children do add up to their parent, is a treemap.
    """
    if not nodes.is_empty() and nodes["tingkat"][0] == "akun":
        fig = pagu_realisasi(nodes, nodes["label"].to_list(),
                             realisasi_hover=[f"{fmt.rupiah(r)} · {fmt.percent(p)}" for r, p in
                                              zip(nodes["realisasi"].to_list(),
                                                  nodes["persen"].to_list(), strict=True)])
        for trace in fig.data:  # a click on either bar opens that account
            trace.customdata = nodes["path"].to_list()
        return fig
    return rincian_treemap(nodes)


def rincian_treemap(nodes: pl.DataFrame) -> go.Figure:
    """The drill-down level as a treemap: size = pagu, colour = absorption (Cividis)."""
    fig = go.Figure(go.Treemap(
        ids=nodes["kode"].to_list(), labels=nodes["label"].to_list(),
        parents=[""] * nodes.height,
        values=[max(float(v or 0), 0.0) for v in nodes["pagu"].to_list()],
        customdata=nodes["path"].to_list(),
        text=[f"{fmt.rupiah(p)} · {fmt.percent(r)}" for p, r in
              zip(nodes["pagu"].to_list(), nodes["persen"].to_list(), strict=True)],
        textinfo="label+text", hoverinfo="label+text",
        marker=dict(colors=[min((r or 0) * 100, 120) for r in nodes["persen"].to_list()],
                    colorscale="Cividis", cmin=0, cmax=100, showscale=False),
    ))
    fig.update_layout(height=420, margin=dict(l=0, r=0, t=10, b=0))
    return style.finish(fig)


def pagu_realisasi(frame: pl.DataFrame, labels: list[str], *, title: str | None = None,
                   realisasi_hover: list[str] | None = None, base_height: int = 140) -> go.Figure:
    """Pagu and realisasi side by side per row (`labels`), in miliar rupiah."""
    fig = go.Figure([
        go.Bar(y=labels, x=_miliar(frame, "pagu"), name=t("anggaran.seri_pagu"), orientation="h",
               hovertext=_rupiah(frame, "pagu"), hoverinfo="y+text"),
        go.Bar(y=labels, x=_miliar(frame, "realisasi"), name=t("anggaran.seri_realisasi"),
               orientation="h", hovertext=realisasi_hover or _rupiah(frame, "realisasi"),
               hoverinfo="y+text"),
    ])
    fig.update_layout(barmode="group", height=base_height + 48 * frame.height,
                      yaxis=dict(autorange="reversed"), xaxis_title=t("anggaran.sumbu_miliar"))
    if title:
        fig.update_layout(title=title)
    return style.finish(fig)


def belanja_per_urusan(urusan: pl.DataFrame) -> go.Figure:
    """Pagu per government affair (urusan), with absorption in the hover."""
    fig = go.Figure(go.Bar(
        y=urusan["nama_bidang"].to_list(), x=_miliar(urusan, "pagu"), orientation="h",
        marker_color=PALETTE[0],
        hovertext=[f"{fmt.rupiah(p)} · {fmt.percent(r)}" for p, r in
                   zip(urusan["pagu"].to_list(), urusan["persen"].to_list(), strict=True)],
        hoverinfo="y+text"))
    fig.update_layout(height=120 + 26 * urusan.height, yaxis=dict(autorange="reversed"),
                      xaxis_title=t("anggaran.sumbu_miliar"))
    return style.finish(fig)
