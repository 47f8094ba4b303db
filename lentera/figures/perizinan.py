"""Perizinan charts: frames from lentera.warehouse.perizinan in, Plotly figures out (no Streamlit)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from lentera.core import fmt
from lentera.core.i18n import t
from lentera.figures import style
from lentera.figures.export import PALETTE


def dasar(tahun: int | None, as_of: dt.date, kohort: str) -> tuple[str, str]:
    """A figure's base as (caption sentence, file-name slug): received in, cohort, as of."""
    periode = t("perizinan.dasar_tahun", tahun=tahun) if tahun else t("perizinan.dasar_semua")
    text = t("perizinan.dasar", periode=periode, kohort=t(f"perizinan.kohort_{kohort}"),
             date=fmt.date(as_of))
    slug = f"masuk-{tahun or 'semua'}_{kohort}_per-{as_of.isoformat()}"
    return text, slug


def waktu_proses(ok: pl.DataFrame, *, with_target: bool) -> go.Figure:
    """Issued applications per group: median and 9-in-10 working days, net and gross, and target."""
    names = ok["kelompok"].to_list()
    fig = go.Figure()
    bars = (("median_hari_kerja", "perizinan.median_bersih", PALETTE[0]),
            ("median_hari_kotor", "perizinan.median_kotor", PALETTE[4]),
            ("p90_hari_kerja", "perizinan.p90_bersih", PALETTE[1]),
            ("p90_hari_kotor", "perizinan.p90_kotor", PALETTE[6]))
    for col, label, colour in bars:
        fig.add_bar(y=names, x=ok[col].to_list(), name=t(label), orientation="h",
                    marker_color=colour)
    if with_target:
        fig.add_scatter(y=names, x=ok["target_hari_kerja"].to_list(), mode="markers",
                        name=t("perizinan.target"),
                        marker=dict(symbol="line-ns-open", size=18, color="#000000"))
    fig.update_layout(barmode="group", height=max(300, 60 * len(names)),
                      yaxis=dict(autorange="reversed"), xaxis_title=t("perizinan.hari_kerja"),
                      title=t("perizinan.layanan_chart"))
    return style.finish(fig)


def per_1000(kec: pl.DataFrame) -> go.Figure:
    """Applications per 1,000 residents, one bar per kecamatan."""
    fig = go.Figure(go.Bar(y=kec["nama_kecamatan"].to_list(), x=kec["per_1000"].to_list(),
                           orientation="h", marker_color=PALETTE[2],
                           name=t("perizinan.per_1000")))
    fig.update_layout(height=max(280, 34 * kec.height), yaxis=dict(autorange="reversed"),
                      title=t("perizinan.kecamatan_chart"))
    return style.finish(fig)


def _sektor(code: str) -> str:
    return t(f"perizinan.kbli_{code}") if code != "?" else t("perizinan.kbli_lainnya")


def _skala(code: str) -> str:
    return t(f"perizinan.skala_{code}") if code != "?" else t("perizinan.skala_tidak_diketahui")


def nib(frame: pl.DataFrame) -> go.Figure:
    """NIB issued per KBLI section, stacked by business scale."""
    fig = go.Figure()
    for i, (grp, rows) in enumerate(frame.group_by("skala_usaha", maintain_order=True)):
        fig.add_bar(y=[_sektor(c) for c in rows["kbli_kategori"]], x=rows["jumlah"].to_list(),
                    name=_skala(grp[0]), orientation="h", marker_color=PALETTE[i % len(PALETTE)])
    fig.update_layout(barmode="stack", height=max(280, 30 * frame["kbli_kategori"].n_unique()),
                      yaxis=dict(autorange="reversed"), xaxis_title=t("perizinan.jumlah"))
    return style.finish(fig)
