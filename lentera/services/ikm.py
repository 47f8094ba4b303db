"""Indeks Kepuasan Masyarakat (Permenpan RB 14/2017) per office and per service, from the store's ratings.

Per group: when every one of the nine elements (unsur) was answered by at least the minimum
number of respondents (LENTERA_MIN_CASES), IKM = Σ (mean of the element × 1/9) × 25, the mean of
each element over the respondents who answered it. Otherwise, with at least that many ratings
in all, the value is indikatif: the mean of the overall question × 25. Fewer ratings: no value
("data terlalu sedikit"). Bands of the converted value: A ≥ 88,31; B ≥ 76,61; C ≥ 65,00; D below.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from lentera.core import config, forms, frames
from lentera.store import umpan_balik

UNSUR = umpan_balik.UNSUR
BOBOT = 1 / len(UNSUR)
KONVERSI = 25
# Lower bounds of the converted value, best band first (Permenpan RB 14/2017's appendix).
MUTU = (("A", 88.31), ("B", 76.61), ("C", 65.00), ("D", 25.00))
METHODS: list[tuple[str, str]] = [("ikm.method_title", "ikm.method_body")]
SCHEMA = {"jenis": pl.String, "kode_skpd": pl.String, "layanan": pl.String, "nilai": pl.Int32,
          **{u: pl.Int32 for u in UNSUR}}


def mutu(value: float | None) -> str | None:
    """The quality band (A–D) of a converted IKM value, rounded to two decimals first."""
    if value is None:
        return None
    v = round(value, 2)
    for band, lower in MUTU:
        if v >= lower:
            return band
    return "D"


def ratings_frame(jenis: str | None = None) -> pl.DataFrame:
    """The stored ratings (no comments), optionally of one kind."""
    rows = [{k: r[k] for k in SCHEMA} for r in umpan_balik.ratings()]
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    return frame.filter(pl.col("jenis") == jenis) if jenis else frame


def ikm(frame: pl.DataFrame, by: str, min_cases: int | None = None) -> pl.DataFrame:
    """Per `by`: responden, nilai_ikm (25–100 or null), mutu, indikatif, cukup; best first."""
    min_cases = config.MIN_CASES_FOR_RANKING if min_cases is None else min_cases
    out_schema = {by: pl.String, "responden": pl.Int64, "nilai_ikm": pl.Float64,
                  "mutu": pl.String, "indikatif": pl.Boolean, "cukup": pl.Boolean}
    if frame.is_empty():
        return pl.DataFrame(schema=out_schema)
    agg = frame.group_by(by).agg(
        pl.len().alias("responden"),
        pl.col("nilai").mean().alias("rata_keseluruhan"),
        *[pl.col(u).mean().alias(f"rata_{u}") for u in UNSUR],
        *[pl.col(u).count().alias(f"n_{u}") for u in UNSUR],
    )
    lengkap = pl.min_horizontal([pl.col(f"n_{u}") for u in UNSUR]) >= min_cases
    per_unsur = pl.sum_horizontal([pl.col(f"rata_{u}") * BOBOT for u in UNSUR]) * KONVERSI
    cukup = pl.col("responden") >= min_cases
    out = agg.with_columns(
        pl.when(lengkap).then(per_unsur)
        .when(cukup).then(pl.col("rata_keseluruhan") * KONVERSI)
        .otherwise(None).alias("nilai_ikm"),
        (~lengkap).alias("indikatif"), cukup.alias("cukup"))
    out = out.with_columns(frames.values(out["nilai_ikm"], mutu, name="mutu"))
    return (out.select(list(out_schema)).cast(out_schema)
            .sort(["cukup", "nilai_ikm", by], descending=[True, True, False], nulls_last=True))


def per_office() -> pl.DataFrame:
    """IKM of complaint handling per office (kode_skpd, nama_skpd …)."""
    frame = ratings_frame("pengaduan").filter(pl.col("kode_skpd").is_not_null())
    names = pl.DataFrame([{"kode_skpd": r["kode_skpd"], "nama_skpd": r["nama_skpd"]}
                          for r in forms.skpd_rows()],
                         schema={"kode_skpd": pl.String, "nama_skpd": pl.String})
    return (ikm(frame, "kode_skpd").join(names, on="kode_skpd", how="left")
            .select("kode_skpd", "nama_skpd", pl.exclude("kode_skpd", "nama_skpd")))


def office_until(kode_skpd: str, until: dt.date) -> dict | None:
    """The office's IKM over the ratings given up to the end of `until` (its row of `ikm`, or
    None without ratings): the office view shows it at the end of this week and of the last."""
    zone = config.local_zone()
    rows = [r for r in umpan_balik.ratings()
            if r["jenis"] == "pengaduan" and r["kode_skpd"] == kode_skpd and r["at"] is not None
            # the store keeps UTC; a week ends at midnight in the region's own time
            and r["at"].replace(tzinfo=dt.UTC).astimezone(zone).date() <= until]
    if not rows:
        return None
    frame = pl.DataFrame([{k: r[k] for k in SCHEMA} for r in rows], schema=SCHEMA, orient="row")
    return ikm(frame, "kode_skpd").row(0, named=True)


def per_service() -> pl.DataFrame:
    """IKM per permit or civil-registry service (ratings given at the desk)."""
    return ikm(ratings_frame("perizinan").filter(pl.col("layanan").is_not_null()), "layanan")
