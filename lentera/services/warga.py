"""Support for the citizen pages Lapor, Usulkan and Lacak: choices, submit flow, similar proposals.

The back end (validation, the store, photos, rate limit) lives in `lentera.core.forms`,
`lentera.store.submissions`, `lentera.store.photos` and `lentera.store.ratelimit`; this module joins them into
the steps a page needs. Only `session_id` and `client_address` touch Streamlit.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from lentera.core import config, forms
from lentera.core.errors import WarehouseUnavailableError
from lentera.core.i18n import get_lang, t
from lentera.core.tickets import normalize_ticket
from lentera.services import sla
from lentera.store import photos, ratelimit, submissions
from lentera.warehouse import geo, musrenbang

LOCAL_TZ = ZoneInfo(submissions.LOCAL_TZ)
PHOTO_TYPES = ("jpg", "jpeg", "png", "webp")
# A typed point is searched within 250 m; the desa centre is only a rough stand-in, so wider.
RADIUS_POINT_M = 250.0
RADIUS_DESA_M = 1500.0

METHODS: list[tuple[str, str]] = [
    ("lacak.method_ticket_title", "lacak.method_ticket_body"),
    ("lacak.method_target_title", "lacak.method_target_body"),
    ("usulkan.method_similar_title", "usulkan.method_similar_body"),
    ("lapor.method_privacy_title", "lapor.method_privacy_body"),
    ("lacak.method_limits_title", "lacak.method_limits_body"),
]


# ---------------------------------------------------------------- choices

def kecamatan_labels() -> dict[str, str]:
    """`{kode_kecamatan: nama_kecamatan}` of the region, in file order."""
    return {r["kode_kecamatan"]: r["nama_kecamatan"] for r in forms.kecamatan_options()}


def desa_labels(kode_kecamatan: str | None = None) -> dict[str, str]:
    """`{kode_desa: label}` of one kecamatan (name only) or of all ("Desa, Kecamatan")."""
    rows = forms.desa_options(kode_kecamatan)
    if kode_kecamatan:
        return {r["kode_desa"]: r["nama_desa"] for r in rows}
    return {r["kode_desa"]: f"{r['nama_desa']}, {r['nama_kecamatan']}" for r in rows}


@lru_cache(maxsize=4)
def _centres(path: str) -> dict[str, tuple[float, float]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        out = {}
        for r in csv.DictReader(fh):
            try:
                out[r["kode_desa"]] = (float(r["lat"]), float(r["lng"]))
            except (KeyError, TypeError, ValueError):
                continue
        return out


def desa_centre(kode_desa: str | None) -> tuple[float, float] | None:
    """The (lat, lng) centre of a desa from the reference file, or None when unknown."""
    if not kode_desa:
        return None
    return _centres(str(config.region().path("desa"))).get(kode_desa)


def satuan_labels() -> dict[str, str]:
    """`{satuan: label}` in the current language."""
    return {s: t(f"forms.satuan_{s}") for s in forms.SATUAN}


# ---------------------------------------------------------------- form state

# Widget keys are "<page>_<field>"; `lapor_situs_web` is the honeypot (forms.HONEYPOT_FIELD).
PENGADUAN_FIELDS = ("kategori", "judul", "isi", "kode_kecamatan", "kode_desa", "lat", "lng",
                    "anonim", "rahasia", forms.HONEYPOT_FIELD)
USULAN_FIELDS = ("usulan", "permasalahan", "kode_kecamatan", "kode_desa", "lat", "lng", "volume",
                 "satuan", "perkiraan_biaya", "bidang_urusan", forms.HONEYPOT_FIELD)


def form_data(state: Mapping, page: str, fields: tuple[str, ...]) -> dict:
    """The form's values from the page's widget keys (`<page>_<field>`) as `lentera.core.forms` wants."""
    return {f: state.get(f"{page}_{f}") for f in fields}


def kiosk_data(data: dict, kode_desa: str | None) -> dict:
    """A form filed at a kiosk: channel `kiosk`, and the kiosk's desa when none was chosen."""
    out = {**data, "kanal": "kiosk"}
    info = forms.desa_info(kode_desa)
    if info and not out.get("kode_desa"):
        out["kode_desa"], out["kode_kecamatan"] = info["kode_desa"], info["kode_kecamatan"]
    return out


# ---------------------------------------------------------------- who is submitting

def address_from(ip: str | None, headers: Mapping[str, str] | None, trust_proxy: bool) -> str | None:
    """The client address: the socket's, or behind a trusted proxy the last X-Forwarded-For hop."""
    # One rule for the pages and the sign-in route: lentera.store.ratelimit.client_address.
    return ratelimit.client_address(ip, headers, trust_proxy)


# ---------------------------------------------------------------- submitting

@dataclass
class SubmitResult:
    """The outcome of one submit: a ticket, field errors (`{field: message key}`), or a wait.

    Keys, not texts: the page translates them when it draws, in the language of that run.
    """

    ticket: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    retry_minutes: int = 0
    refused_file: str | None = None

    @property
    def ok(self) -> bool:
        return self.ticket is not None


def _photo_error(files: list[tuple[str, bytes]]) -> SubmitResult:
    """The refusal of the first refused file (looked for again only on this error path)."""
    for name, data in files:
        try:
            photos.process_photo(data)
        except photos.PhotoError as e:
            return SubmitResult(errors={"photos": e.reason}, refused_file=name)
    return SubmitResult(errors={"photos": "forms.photo_broken"})


def error_text(key: str, refused_file: str | None = None) -> str:
    """The text of an error key in the current language (a refused photo names its file)."""
    text = forms.message(key)
    return f"{refused_file}: {text}" if refused_file else text


def contact_of(value: str | None, consent: bool) -> dict | None:
    """The contact argument for the store, or None when no contact was typed."""
    if value is None or not str(value).strip():
        return None
    return {"value": str(value).strip(), "consent": bool(consent),
            "consent_text_version": forms.CONSENT_TEXT_VERSION,
            "lang": get_lang()}  # status e-mails go out in the language the citizen used


def _submit(kind: str, data: dict, files: list[tuple[str, bytes]], contact: dict | None,
            session: str | None, address: str | None) -> SubmitResult:
    validate = forms.validate_pengaduan if kind == "pengaduan" else forms.validate_usulan
    create = submissions.create_pengaduan if kind == "pengaduan" else submissions.create_usulan
    errors = validate(data, len(files), contact)
    if errors:
        return SubmitResult(errors=errors)
    if kind == "usulan":  # stored as the amount it was read as ("150 juta" → 150000000)
        data = {**data, "perkiraan_biaya": forms.rupiah_or_none(data.get("perkiraan_biaya"))}
    # Only a submission that would be stored uses up the allowance.
    decision = ratelimit.check_and_record(session, address)
    if not decision.allowed:
        return SubmitResult(retry_minutes=decision.retry_after_minutes)
    try:
        ticket = create(data, [b for _, b in files], contact)
    except submissions.SubmissionValidationError as e:
        return SubmitResult(errors=e.errors)
    except photos.PhotoError:
        return _photo_error(files)
    return SubmitResult(ticket=ticket)


def submit_pengaduan(data: dict, files: list[tuple[str, bytes]], contact: dict | None,
                     session: str | None, address: str | None) -> SubmitResult:
    """Validate, rate-limit and store a complaint; the result says what to show."""
    return _submit("pengaduan", data, files, contact, session, address)


def submit_usulan(data: dict, session: str | None, address: str | None,
                  files: list[tuple[str, bytes]] | None = None) -> SubmitResult:
    """Validate, rate-limit and store a proposal (with photos); the result says what to show."""
    return _submit("usulan", data, list(files or []), None, session, address)


def support_usulan(ticket: str, session: str | None, address: str | None) -> tuple[int | None, int]:
    """Add a supporter to a citizen proposal: (new count, 0), or (None, minutes to wait).

    One support per proposal per device and per address: a second one leaves the count as it is.
    """
    decision = ratelimit.check_and_record(session, address)
    if not decision.allowed:
        return None, decision.retry_after_minutes
    canonical = normalize_ticket(ticket)
    view = submissions.public_view(canonical) if canonical else None
    if view is None or view["kind"] != "usulan":
        return submissions.support(ticket), 0  # raises SubmissionNotFoundError as before
    if not ratelimit.claim_support(canonical, session, address):
        return int(view.get("support_count") or 0), 0
    try:
        return submissions.support(canonical), 0
    except Exception:
        ratelimit.release_support(canonical, session, address)
        raise


# ---------------------------------------------------------------- similar proposals

SIMILAR_SCHEMA = {"id_usulan": pl.String, "usulan": pl.String, "nama_desa": pl.String,
                  "nama_kecamatan": pl.String, "status": pl.String, "tahun_rkpd": pl.Int32,
                  "jarak_m": pl.Float64, "kemiripan": pl.Float64, "warga": pl.Boolean,
                  "support_count": pl.Int32}


def _warehouse_similar(lat: float, lng: float, text: str, radius_m: float) -> pl.DataFrame:
    """Warehouse proposals from `musrenbang.similar_nearby`; empty without it or a warehouse."""
    try:
        found = musrenbang.similar_nearby(lat, lng, text, radius_m=radius_m)
    except (WarehouseUnavailableError, duckdb.Error):  # no warehouse: only the store's proposals
        return pl.DataFrame(schema=SIMILAR_SCHEMA)
    return found.with_columns(pl.lit(False).alias("warga"),
                              pl.lit(None, dtype=pl.Int32).alias("support_count")
                              ).select([pl.col(c).cast(tp) for c, tp in SIMILAR_SCHEMA.items()])


def _live_similar(lat: float, lng: float, text: str, kode_desa: str | None,
                  radius_m: float, min_similarity: float) -> pl.DataFrame:
    """Citizen proposals in the store: near the point (or same desa without a point), similar."""
    live = submissions.usulan_frame(with_support=True)
    if live.is_empty():
        return pl.DataFrame(schema=SIMILAR_SCHEMA)
    dlat = radius_m / 111_320.0
    dlng = radius_m / 111_320.0  # near the equator a degree is about as long both ways
    near = live.filter(
        (pl.col("lat").is_between(lat - dlat, lat + dlat)
         & pl.col("lng").is_between(lng - dlng, lng + dlng))
        | (pl.col("lat").is_null() & (pl.col("kode_desa") == (kode_desa or "")))
        # a proposal that supports another is a vote, not a proposal to show again
    ).filter(pl.col("support_of").is_null())
    if near.is_empty():
        return pl.DataFrame(schema=SIMILAR_SCHEMA)
    c_lat, c_lng = near["lat"].fill_null(lat).to_numpy(), near["lng"].fill_null(lng).to_numpy()
    dist = geo.haversine_m(lat, lng, c_lat, c_lng)
    # The box keeps a handful of rows, so a per-row similarity here is cheap.
    sim = [musrenbang.similarity(text, u or "") for u in near["usulan"].to_list()]
    out = near.with_columns(pl.Series("jarak_m", dist, dtype=pl.Float64),
                            pl.Series("kemiripan", sim, dtype=pl.Float64),
                            pl.lit(True).alias("warga"))
    out = out.filter((pl.col("jarak_m") <= radius_m) & (pl.col("kemiripan") >= min_similarity))
    return out.select([pl.col(c).cast(tp) for c, tp in SIMILAR_SCHEMA.items()])


def similar_proposals(text: str, kode_desa: str | None, lat: float | None = None,
                      lng: float | None = None, limit: int = 10) -> pl.DataFrame:
    """Proposals like `text` near the point (or the desa centre): warehouse and citizens', nearest first."""
    radius = RADIUS_POINT_M
    if lat is None or lng is None:
        centre = desa_centre(kode_desa)
        if centre is None:
            return pl.DataFrame(schema=SIMILAR_SCHEMA)
        lat, lng = centre
        radius = RADIUS_DESA_M
    min_sim = musrenbang.DEFAULT_MIN_SIMILARITY
    frames = [_warehouse_similar(lat, lng, text, radius),
              _live_similar(lat, lng, text, kode_desa, radius, min_sim)]
    return (pl.concat(frames, how="vertical")
            .sort(["kemiripan", "jarak_m"], descending=[True, False]).head(limit))


# ---------------------------------------------------------------- tracking

def tracking_url(page_url: str | None, ticket: str) -> str:
    """The absolute Lacak link for a ticket, built from the current page's URL (relative if none)."""
    query = urlencode({"tiket": ticket})
    if not page_url:
        return f"/lacak?{query}"
    parts = urlsplit(page_url)
    base = parts.path.rsplit("/", 1)[0] if "/" in parts.path else ""
    return f"{parts.scheme}://{parts.netloc}{base}/lacak?{query}"


def local_time(value: dt.datetime | None) -> dt.datetime | None:
    """An aware datetime in the region's local time (WIB), or None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(LOCAL_TZ)


def lookup(raw: str | None, device: str | None = None,
           address: str | None = None) -> tuple[str, dict | None, list[dict]]:
    """`("empty"|"throttled"|"malformed"|"unknown"|"found", view, timeline)` for a typed ticket.

    Lookups that find nothing are counted per device and per address; past LENTERA_LACAK_LIMIT
    in the window every lookup from them waits ("throttled", view `{"retry_minutes": n}`).
    """
    if raw is None or not str(raw).strip():
        return "empty", None, []
    if device or address:
        decision = ratelimit.lacak_allowed(device, address)
        if not decision.allowed:
            return "throttled", {"retry_minutes": decision.retry_after_minutes}, []
    canonical = normalize_ticket(str(raw)[:64])
    view = sla.public_view(canonical) if canonical is not None else None
    if view is None:
        ratelimit.lacak_missed(device, address)
        return ("malformed" if canonical is None else "unknown"), None, []
    return "found", view, submissions.timeline(canonical)


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """The citizen pages' reads with typical parameters, for `make bench`."""
    kode = next(iter(desa_labels()), None)
    return [
        ("warga.similar_proposals", lambda: similar_proposals("perbaikan jalan desa rusak", kode)),
        ("warga.lookup_unknown", lambda: lookup("LTR-0000-0000")),
    ]
