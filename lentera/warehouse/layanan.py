"""Layanan: the public service catalogue (what to bring, cost, where, how long) with real figures.

The facts come from the region's reference files (`layanan.csv`, `standar_layanan.csv`,
`skpd.csv`, committed beside region.toml); each fact carries its mark (`regulasi` = a cited
regulation, `standar_daerah` = this region's published standard, `asumsi_contoh` = assumed for
the sample). The actual times are the Perizinan page's own figures (`perizinan.per_kelompok`,
the median and 90th percentile of issued applications over `sla_perizinan`): no second formula.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import polars as pl

from lentera.core import config
from lentera.core.i18n import get_lang
from lentera.warehouse import perizinan

# The marks a fact may carry, in the order of certainty.
SUMBER = ("regulasi", "standar_daerah", "asumsi_contoh")
# Life events a visitor can browse by (labels in lentera/locales/layanan.toml, "peristiwa_<x>").
PERISTIWA = ("punya_bayi", "usia_17", "pindah_rumah", "kematian", "buka_usaha", "membangun",
             "tenaga_kesehatan")
# Fields a visitor reads in their language: the CSV has `<field>_id` and `<field>_en`.
BAHASA = ("nama", "persyaratan", "biaya", "jam", "daring")

METHODS: list[tuple[str, str]] = [
    ("layanan.method_sumber_title", "layanan.method_sumber_body"),
    ("layanan.method_waktu_title", "layanan.method_waktu_body"),
    ("layanan.method_cari_title", "layanan.method_cari_body"),
    ("kiosk.method_title", "kiosk.method_body"),
]


class LayananDataError(ValueError):
    """The reference file is missing a column or carries an unknown mark."""


def _path(region: config.Region, key: str, default: str) -> Path:
    return region.root / region.files.get(key, default)


def _fold(text: str | None) -> str:
    """Lower case without accents, for matching what people type ("Akte" finds "Akta")."""
    norm = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in norm if not unicodedata.combining(c)).lower().strip()


@lru_cache(maxsize=4)
def _read(root: str) -> pl.DataFrame:
    region = config.region()
    lay = pl.read_csv(_path(region, "layanan", "layanan.csv"), infer_schema=False)
    std = pl.read_csv(region.path("standar_layanan"), infer_schema=False)
    skpd = pl.read_csv(region.path("skpd"), infer_schema=False)
    for col in ("persyaratan_sumber", "biaya_sumber", "jam_sumber", "daring_sumber"):
        bad = set(lay[col].drop_nulls()) - set(SUMBER)
        if bad:
            raise LayananDataError(f"layanan.csv {col}: unknown mark {sorted(bad)}")
    bad = set(std["kepastian"].drop_nulls()) - set(SUMBER)
    if bad:
        raise LayananDataError(f"standar_layanan.csv kepastian: unknown mark {sorted(bad)}")
    std = std.select(
        "jenis_layanan",
        pl.col("target_hari_kerja").cast(pl.Int32, strict=False),
        pl.col("dasar").alias("waktu_dasar_id"),
        pl.col("dasar_en").alias("waktu_dasar_en") if "dasar_en" in std.columns
        else pl.col("dasar").alias("waktu_dasar_en"),
        pl.col("kepastian").alias("waktu_sumber"))
    kantor = skpd.select(pl.col("singkatan").alias("kantor"), pl.col("nama_skpd").alias("nama_kantor"))
    return (lay.join(std, on="jenis_layanan", how="left")
            .join(kantor, on="kantor", how="left")
            .with_columns(pl.col("nama_kantor").fill_null(pl.col("kantor"))))


def standar() -> pl.DataFrame:
    """Each service's time standard with its legal basis in id and en and its mark."""
    return _standar(str(config.region().path("standar_layanan")))


@lru_cache(maxsize=4)
def _standar(path: str) -> pl.DataFrame:
    # reference data: read once per file (it was read again for every row of Perizinan's table)
    std = pl.read_csv(path, infer_schema=False)
    return std.select(
        "jenis_layanan", pl.col("target_hari_kerja").cast(pl.Int32, strict=False),
        pl.col("dasar").alias("dasar_id"),
        (pl.col("dasar_en") if "dasar_en" in std.columns else pl.col("dasar")).alias("dasar_en"),
        pl.col("kepastian").alias("sumber"))


def dasar(jenis_layanan: str, lang: str | None = None) -> tuple[str | None, str | None]:
    """(legal basis in the visitor's language, its mark) of one service's time standard."""
    rows = standar().filter(pl.col("jenis_layanan") == jenis_layanan)
    if rows.is_empty():
        return None, None
    r = rows.row(0, named=True)
    return r[f"dasar_{lang or get_lang()}"] or r["dasar_id"], r["sumber"]


def katalog() -> pl.DataFrame:
    """Every service of the catalogue with its facts in both languages and the marks."""
    return _read(str(config.reference_dir()))


def kode_of(jenis_layanan: str) -> str | None:
    """The catalogue's code (its address on the Layanan page) of a service in the permit data."""
    rows = katalog().filter(pl.col("jenis_layanan") == jenis_layanan)
    return rows["kode"][0] if rows.height else None


def cari(q: str | None = None, peristiwa: str | None = None) -> pl.DataFrame:
    """Services whose name, keywords or office match every word of `q`, in a life event."""
    frame = katalog()
    if peristiwa:
        frame = frame.filter(pl.col("peristiwa").str.split("|").list.contains(peristiwa))
    words = _fold(q).split()
    if not words:
        return frame
    hay = [_fold(" ".join(str(v or "") for v in (r["nama_id"], r["nama_en"], r["kata_kunci"],
                                                 r["kantor"], r["jenis_layanan"])))
           for r in frame.iter_rows(named=True)]
    keep = [all(w in h for w in words) for h in hay]
    return frame.filter(pl.Series(keep, dtype=pl.Boolean))


def waktu(tahun: int | None = None) -> pl.DataFrame:
    """Per service: applications, issued, median and p90 working days (the Perizinan figures)."""
    frame = perizinan.per_kelompok("layanan", tahun=tahun)
    return frame.select(
        pl.col("kelompok").alias("jenis_layanan"), "jumlah", "terbit", "median_hari_kerja",
        "p90_hari_kerja", "median_hari_kotor", "persen_tepat_waktu", "cukup")


def dengan_waktu(frame: pl.DataFrame, tahun: int | None = None,
                 times: pl.DataFrame | None = None) -> pl.DataFrame:
    """The catalogue rows of `frame` with the actual times of the chosen year beside them
    (`times`: `waktu(tahun)` already computed, e.g. from the page's cache)."""
    return frame.join(waktu(tahun) if times is None else times, on="jenis_layanan", how="left")


def tanpa_waktu(frame: pl.DataFrame) -> pl.DataFrame:
    """The catalogue rows with empty actual times (no warehouse to read them from)."""
    return frame.with_columns(
        pl.lit(None, pl.Int64).alias("jumlah"), pl.lit(None, pl.Int64).alias("terbit"),
        *(pl.lit(None, pl.Float64).alias(c) for c in (
            "median_hari_kerja", "p90_hari_kerja", "median_hari_kotor", "persen_tepat_waktu")),
        pl.lit(None, pl.Boolean).alias("cukup"))


def unduhan(tahun: int | None = None, lang: str | None = None) -> pl.DataFrame:
    """The catalogue as one flat table (the CSV download and the API's rows)."""
    lang = lang or get_lang()
    frame = dengan_waktu(katalog(), tahun)
    return frame.select(
        "kode", "jenis_layanan", pl.col(f"nama_{lang}").alias("nama"), "peristiwa",
        "kantor", "nama_kantor",
        pl.col(f"persyaratan_{lang}").str.replace_all(r"\|", "; ").alias("persyaratan"),
        "persyaratan_sumber", "persyaratan_dasar",
        pl.col(f"biaya_{lang}").alias("biaya"), "biaya_sumber", "biaya_dasar",
        pl.col(f"jam_{lang}").alias("jam"), "jam_sumber",
        "daring_url", "daring_sumber",
        "target_hari_kerja", pl.col(f"waktu_dasar_{lang}").alias("waktu_dasar"), "waktu_sumber",
        pl.lit(tahun, dtype=pl.Int32).alias("tahun_data"),
        "jumlah", "terbit", "median_hari_kerja", "p90_hari_kerja", "cukup")


def tahun_data() -> int:
    """The year the catalogue's figures cover: the year of the permits' as-of date."""
    return perizinan.as_of().year


def as_of() -> dt.date:
    return perizinan.as_of()


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """The page's query with typical parameters, for `make bench`."""
    return [("layanan.waktu", lambda: waktu(tahun_data()))]
