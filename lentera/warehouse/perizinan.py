"""Perizinan (PTO) queries: per service, office and kecamatan against the legal standard; NIB; ETA.

Every figure is a named query over the semantic layer's permit SLA (`sla_perizinan`,
`perizinan_kasus`, `hasil_perizinan` in semantic.sql: the net clock starts when the file is
complete, the gross one at the application), joined to the processing office and the service
standard (`standar_layanan`: target and legal basis). Flows (received, issued) follow the year
filter; the open backlog is the stock on the as-of date, whatever year it was received.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from lentera.core import config
from lentera.warehouse import db

FILTERS = ("tahun", "layanan", "kantor", "kecamatan")
PER_KELOMPOK = ("layanan", "kantor")

# Methods that are not measures (the measures' own text stands beside them in semantic.sql).
METHODS: list[tuple[str, str]] = [
    ("perizinan.method_sebaran_title", "perizinan.method_sebaran_body"),
    ("perizinan.method_peringkat_title", "perizinan.method_peringkat_body"),
    ("perizinan.method_penduduk_title", "perizinan.method_penduduk_body"),
    ("perizinan.method_nib_title", "perizinan.method_nib_body"),
    ("perizinan.method_dasar_title", "perizinan.method_dasar_body"),
    ("perizinan.method_kata_title", "perizinan.method_kata_body"),
]


def as_of() -> dt.date:
    """The reporting date: the data's `as_of` (meta), else the latest application date."""
    return db.as_of("SELECT max(tanggal_permohonan) FROM perizinan")


def _filters(tahun: int | None = None, layanan: str | None = None, kantor: str | None = None,
             kecamatan: str | None = None) -> dict:
    return {"as_of": as_of(), "tahun": tahun, "layanan": layanan, "kantor": kantor,
            "kecamatan": kecamatan, "batas_jeda": config.PAUSE_FLAG_DAYS}


def filter_options() -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers, as (value, label) pairs per filter name."""
    out: dict[str, list[tuple[str, str]]] = {name: [] for name in FILTERS}
    for name, value, label in db.named("perizinan_pilihan").iter_rows():
        out[name].append((value, label or value))
    out["tahun"].sort(reverse=True)
    return out


def ringkasan(**filters) -> dict:
    """Headline figures: applications by outcome, within standard, tanpa standar, paused, open, NIB."""
    return db.named("perizinan_ringkasan", _filters(**filters)).row(0, named=True)


def per_kelompok(per: str = "layanan", **filters) -> pl.DataFrame:
    """Per service or office: volume, median/p90 working days, target, share on time, backlog."""
    return db.named("perizinan_kelompok", _filters(**filters) | {
        "per": per if per in PER_KELOMPOK else "layanan", "min_kasus": config.MIN_CASES_FOR_RANKING})


def per_kecamatan(**filters) -> pl.DataFrame:
    """Applications per kecamatan and per 1,000 residents, with the share within standard."""
    params = _filters(**filters)
    params.pop("batas_jeda")
    return db.named("perizinan_kecamatan", params | {"min_kasus": config.MIN_CASES_FOR_RANKING})


def nib(**filters) -> pl.DataFrame:
    """NIB issued by KBLI 2020 section and business scale (the UMKM picture)."""
    params = _filters(**filters)
    params.pop("batas_jeda")
    return db.named("perizinan_nib", params)


def perkiraan(frame: pl.DataFrame, layanan: str) -> dict | None:
    """For one service of a `per_kelompok("layanan")` frame: typical and 9-in-10 days of the
    issued applications (net and gross), the target, and how the not-issued ones fared."""
    rows = frame.filter(pl.col("kelompok") == layanan)
    if rows.is_empty():
        return None
    r = rows.row(0, named=True)
    return {"layanan": layanan, "median": r["median_hari_kerja"], "p90": r["p90_hari_kerja"],
            "median_kotor": r["median_hari_kotor"], "p90_kotor": r["p90_hari_kotor"],
            "target": r["target_hari_kerja"], "selesai": r["terbit"], "terbit": r["terbit"],
            "tidak_terbit": r["tidak_terbit"],
            "median_tidak_terbit": r["median_hari_kerja_tidak_terbit"],
            "cukup": r["terbit"] >= config.MIN_CASES_FOR_RANKING}


def paling_diminta(frame: pl.DataFrame) -> str | None:
    """The service with the most applications in a `per_kelompok("layanan")` frame (ties: name)."""
    if frame.is_empty():
        return None
    return frame.sort(["jumlah", "kelompok"], descending=[True, False])["kelompok"][0]


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """Each page query with typical parameters, for `make bench`."""
    tahun = as_of().year
    return [
        ("perizinan.filter_options", filter_options),
        ("perizinan.ringkasan", lambda: ringkasan(tahun=tahun)),
        ("perizinan.per_layanan", lambda: per_kelompok("layanan", tahun=tahun)),
        ("perizinan.per_kantor", lambda: per_kelompok("kantor", tahun=tahun)),
        ("perizinan.per_kecamatan", lambda: per_kecamatan(tahun=tahun)),
        ("perizinan.nib", lambda: nib(tahun=tahun)),
    ]
