"""Where a citizen's report is: the desa under a point (tapped, typed or from a photo's GPS), the
check of a chosen desa against it, and the open complaints already filed there (to support).

Only the point the citizen accepts is stored, as the report's point; a photo's metadata never is.
"""

from __future__ import annotations

import polars as pl

from lentera.core import forms, serupa
from lentera.core.tickets import normalize_ticket
from lentera.services import warga
from lentera.store import photos, ratelimit, terbuka
from lentera.warehouse import geo

# A complaint within this distance of the point counts as "near" (a street, a bridge).
RADIUS_PENGADUAN_M = 300.0
SIMILAR_LIMIT = 5

METHODS: list[tuple[str, str]] = [
    ("lapor.method_place_title", "lapor.method_place_body"),
    ("lapor.method_similar_title", "lapor.method_similar_body"),
    ("usulkan.method_similar_status_title", "usulkan.method_similar_status_body"),
]


def point_of(data: dict) -> tuple[float, float] | None:
    """The form's (lat, lng) when both are numbers, else None."""
    lat, lng = forms.number_or_none(data.get("lat")), forms.number_or_none(data.get("lng"))
    return (lat, lng) if lat is not None and lng is not None else None


def desa_of_point(lat: float | None, lng: float | None) -> dict[str, str] | None:
    """Codes and names of the desa whose boundary holds the point, or None (outside all)."""
    return forms.desa_info(geo.desa_at(lat, lng))


def placed(data: dict) -> tuple[dict, dict[str, str]]:
    """The form's data with the desa taken from its point when none was chosen, and the error
    of a chosen desa the point is not in (`{"kode_desa": "forms.err_desa_point"}`)."""
    point = point_of(data)
    if point is None:
        return data, {}
    desa = desa_of_point(*point)
    if desa is None:
        return data, {}
    chosen = data.get("kode_desa")
    if not chosen:
        return {**data, "kode_desa": desa["kode_desa"],
                "kode_kecamatan": desa["kode_kecamatan"]}, {}
    if chosen != desa["kode_desa"]:
        return data, {"kode_desa": "forms.err_desa_point"}
    return data, {}


def photo_point(files: list[tuple[str, bytes]]) -> tuple[float, float] | None:
    """The first GPS position recorded in the photos' EXIF (read before it is stripped)."""
    for _, data in files:
        point = photos.gps_of(data)
        if point is not None:
            return point
    return None


def submit_pengaduan(data: dict, files: list[tuple[str, bytes]], contact: dict | None,
                     session: str | None, address: str | None) -> warga.SubmitResult:
    """`warga.submit_pengaduan` after the desa is placed from the point (or refused for it)."""
    data, place_errors = placed(data)
    if place_errors:
        errors = forms.validate_pengaduan(data, len(files), contact)
        return warga.SubmitResult(errors={**errors, **place_errors})
    return warga.submit_pengaduan(data, files, contact, session, address)


def submit_usulan(data: dict, session: str | None, address: str | None,
                  files: list[tuple[str, bytes]] | None = None) -> warga.SubmitResult:
    """`warga.submit_usulan` (with photos) after the desa is placed from the point."""
    data, place_errors = placed(data)
    if place_errors:
        errors = forms.validate_usulan(data, len(files or []))
        return warga.SubmitResult(errors={**errors, **place_errors})
    return warga.submit_usulan(data, session, address, files or [])


SIMILAR_SCHEMA = {"ticket": pl.String, "judul": pl.String, "nama_desa": pl.String,
                  "status": pl.String, "jarak_m": pl.Float64, "kemiripan": pl.Float64,
                  "support_count": pl.Int32}


def similar_pengaduan(kategori: str | None, text: str | None, kode_desa: str | None,
                      lat: float | None = None, lng: float | None = None,
                      limit: int = SIMILAR_LIMIT) -> pl.DataFrame:
    """Open complaints of the same category in the same desa or near the point, most alike
    first (text similarity, then distance); the point itself is never returned."""
    if not kategori or (not kode_desa and (lat is None or lng is None)):
        return pl.DataFrame(schema=SIMILAR_SCHEMA)
    box = None
    if lat is not None and lng is not None:
        d = RADIUS_PENGADUAN_M / 111_320.0  # near the equator a degree is as long both ways
        box = (lat - d, lng - d, lat + d, lng + d)
    found = terbuka.open_pengaduan(kategori, kode_desa, box)
    if found.is_empty():
        return pl.DataFrame(schema=SIMILAR_SCHEMA)
    if box is not None:
        dist = geo.haversine_m(lat, lng, found["lat"].fill_null(float("nan")).to_numpy(),
                               found["lng"].fill_null(float("nan")).to_numpy())
        found = found.with_columns(pl.Series("jarak_m", dist, dtype=pl.Float64)
                                   .fill_nan(None))
        found = found.filter((pl.col("kode_desa") == (kode_desa or ""))
                             | (pl.col("jarak_m") <= RADIUS_PENGADUAN_M))
    else:
        found = found.with_columns(pl.lit(None, dtype=pl.Float64).alias("jarak_m"))
    names = {r["kode_desa"]: r["nama_desa"] for r in forms.desa_options()}
    out = found.with_columns(
        serupa.similarities(found["judul"], text).alias("kemiripan"),
        pl.col("kode_desa").replace_strict(names, default=None).alias("nama_desa"))
    return (out.sort(["kemiripan", "jarak_m"], descending=[True, False], nulls_last=True)
            .head(limit).select([pl.col(c).cast(tp) for c, tp in SIMILAR_SCHEMA.items()]))


def support_pengaduan(ticket: str, session: str | None,
                      address: str | None) -> tuple[int | None, int]:
    """Add a supporter to an open complaint: (new count, 0), or (None, minutes to wait).

    One support per complaint per device and per address: a second one leaves the count as it is.
    """
    decision = ratelimit.check_and_record(session, address)
    if not decision.allowed:
        return None, decision.retry_after_minutes
    canonical = normalize_ticket(ticket)
    if canonical is None:
        return terbuka.support_pengaduan(ticket), 0  # raises SubmissionNotFoundError
    if not ratelimit.claim_support(canonical, session, address):
        return terbuka.support_count(canonical), 0
    try:
        return terbuka.support_pengaduan(canonical), 0
    except Exception:
        ratelimit.release_support(canonical, session, address)
        raise


def proposal_note(status: str | None, tahun_rkpd: int | None, this_year: int) -> str:
    """What a similar proposal's status tells the citizen: `recorded` (in the plan: no need to
    propose again), `pending` (this year's or later, still discussed), `stalled` (a past year's
    that stopped before the plan) or `closed` (rejected or returned)."""
    if status in ("ditolak", "dikembalikan"):
        return "closed"
    if status in ("diterima_opd", "masuk_rkpd"):
        return "recorded"
    if tahun_rkpd is None or tahun_rkpd >= this_year:
        return "pending"
    return "stalled"
