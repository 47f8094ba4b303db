"""Perizinan (PTO) queries: per service, office and kecamatan against the legal standard; NIB; ETA.

Every figure is computed by DuckDB over the SLA of each application (`sql/sla_perizinan.sql`:
the clock starts when the file is complete) joined to the processing office and the service
standard (`standar_layanan`: target and legal basis).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import polars as pl

from lentera.core import config
from lentera.warehouse import db

FILTERS = ("tahun", "layanan", "kantor", "kecamatan")
PER_KELOMPOK = ("layanan", "kantor")

METHODS: list[tuple[str, str]] = [
    ("perizinan.method_hari_kerja_title", "perizinan.method_hari_kerja_body"),
    ("perizinan.method_mulai_title", "perizinan.method_mulai_body"),
    ("perizinan.method_target_title", "perizinan.method_target_body"),
    ("perizinan.method_tepat_title", "perizinan.method_tepat_body"),
    ("perizinan.method_sebaran_title", "perizinan.method_sebaran_body"),
    ("perizinan.method_tunggakan_title", "perizinan.method_tunggakan_body"),
    ("perizinan.method_peringkat_title", "perizinan.method_peringkat_body"),
    ("perizinan.method_penduduk_title", "perizinan.method_penduduk_body"),
    ("perizinan.method_nib_title", "perizinan.method_nib_body"),
]

_PARAM = re.compile(r"\$([a-z_]+)")

# The office: the application's kode_skpd when the source has it, else the standard's kantor.
_NAMES = """
    SELECT {cols}, w.nama_kecamatan,
        coalesce(s.singkatan, sl.kantor, s.nama_skpd) AS kantor, sl.dasar
    FROM {src}
    LEFT JOIN wilayah_kecamatan AS w USING (kode_kecamatan)
    LEFT JOIN skpd AS s USING (kode_skpd)
    LEFT JOIN standar_layanan AS sl USING (jenis_layanan)
"""


def _prefix() -> str:
    """CTEs: `k` every application with its SLA and names, `f` the filtered ones."""
    names = _NAMES.format(cols="kasus.*", src="kasus")
    return f"""WITH kasus AS (
{db.sql_text("sla_perizinan")}
),
k AS ({names}),
f AS (
    SELECT * FROM k
    WHERE (CAST($tahun AS INTEGER) IS NULL OR year(tanggal_permohonan) = CAST($tahun AS INTEGER))
      AND ($layanan IS NULL OR jenis_layanan = $layanan)
      AND ($kantor IS NULL OR kantor = $kantor)
      AND ($kecamatan IS NULL OR kode_kecamatan = $kecamatan)
)
"""


def _run(sql: str, params: dict) -> pl.DataFrame:
    used = set(_PARAM.findall(sql))
    return db.query(sql, {k: v for k, v in params.items() if k in used})


def as_of() -> dt.date:
    """The reporting date: the data's `as_of` (meta), else the latest application date."""
    return db.as_of("SELECT max(tanggal_permohonan) FROM perizinan")


def _params(tahun: int | None = None, layanan: str | None = None, kantor: str | None = None,
            kecamatan: str | None = None, **extra) -> dict:
    return {"tahun": tahun, "layanan": layanan, "kantor": kantor, "kecamatan": kecamatan,
            "as_of": extra.pop("as_of", None) or as_of(),
            "min_kasus": config.MIN_CASES_FOR_RANKING, **extra}


def _named(name: str, **kw) -> pl.DataFrame:
    return _run(_prefix() + db.sql_text(name), _params(**kw))


def filter_options() -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers, as (value, label) pairs per filter name."""
    cols = "p.jenis_layanan, p.tanggal_permohonan, p.kode_kecamatan"
    sql = ("WITH k AS (" + _NAMES.format(cols=cols, src="perizinan AS p")
           .replace("USING (kode_kecamatan)", "ON w.kode_kecamatan = p.kode_kecamatan")
           .replace("USING (kode_skpd)", "ON s.kode_skpd = p.kode_skpd")
           .replace("USING (jenis_layanan)", "ON sl.jenis_layanan = p.jenis_layanan")
           + ")\n" + db.sql_text("perizinan_pilihan"))
    out: dict[str, list[tuple[str, str]]] = {name: [] for name in FILTERS}
    for name, value, label in _run(sql, {}).iter_rows():
        out[name].append((value, label or value))
    out["tahun"].sort(reverse=True)
    return out


def ringkasan(**filters) -> dict:
    """Headline figures: applications, finished, share within standard, open and late, NIB."""
    return _named("perizinan_ringkasan", **filters).row(0, named=True)


def per_kelompok(per: str = "layanan", **filters) -> pl.DataFrame:
    """Per service or office: volume, median/p90 working days, target, share on time, backlog."""
    return _named("perizinan_kelompok", per=per if per in PER_KELOMPOK else "layanan", **filters)


def per_kecamatan(**filters) -> pl.DataFrame:
    """Applications per kecamatan and per 1,000 residents, with the share within standard."""
    return _named("perizinan_kecamatan", **filters)


def nib(**filters) -> pl.DataFrame:
    """NIB issued by KBLI 2020 section and business scale (the UMKM picture)."""
    return _named("perizinan_nib", **filters)


def perkiraan(frame: pl.DataFrame, layanan: str) -> dict | None:
    """For one service of a `per_kelompok("layanan")` frame: typical and 9-in-10 days, target."""
    rows = frame.filter(pl.col("kelompok") == layanan)
    if rows.is_empty():
        return None
    r = rows.row(0, named=True)
    return {"layanan": layanan, "median": r["median_hari_kerja"], "p90": r["p90_hari_kerja"],
            "target": r["target_hari_kerja"], "selesai": r["selesai"],
            "cukup": r["selesai"] >= config.MIN_CASES_FOR_RANKING}


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
