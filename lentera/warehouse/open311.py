"""Complaints as Open311 GeoReport v2 (read-only): services are the categories, requests the cases.

Field names follow GeoReport v2 (services.json, requests.json). Decided here: a live citizen
report is known by its public id (`catalog.public_id`, never its ticket, which opens Lacak); a
warehouse (SP4N-LAPOR!) report by the tracking number the published download already carries.
Confidential reports never appear; no report carries a point (a complaint's exact place is never
published: `address` names the desa and kecamatan); a live report carries no text.
"""

from __future__ import annotations

import datetime as dt
import re

from lentera.core import config
from lentera.warehouse import catalog, db, pengaduan

MAX_REQUESTS = 1000  # GeoReport v2: a server may cap a response at 1000 requests
DEFAULT_DAYS = 90  # GeoReport v2: without dates, the most recent 90 days
STATUSES = ("open", "closed")


class Open311Error(ValueError):
    """A request parameter GeoReport v2 does not allow or this server cannot read."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.message, self.param = message, param


def service_code(kategori: str) -> str:
    """A category's stable code: lower case, runs of other characters as one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", kategori.strip().lower()).strip("-") or "lainnya"


def as_of() -> dt.date:
    """The date requests are read at: today (local) or the data's date, whichever is later."""
    today = dt.datetime.now(config.local_zone()).date()
    return max(today, pengaduan.as_of())


def services() -> list[dict]:
    """services.json: one service per complaint category."""
    pengaduan.refresh_live()
    out: dict[str, dict] = {}
    for kategori, target in db.named("open311_kategori", {"as_of": as_of()}).iter_rows():
        code = service_code(kategori)
        if code in out:
            continue
        description = (f"Pengaduan kategori {kategori}; target penyelesaian {target} hari kerja"
                       if target is not None else f"Pengaduan kategori {kategori}")
        out[code] = {"service_code": code, "service_name": kategori, "description": description,
                     "metadata": False, "type": "batch", "keywords": "pengaduan",
                     "group": "pengaduan"}
    return list(out.values())


def _categories(codes: str) -> list[str]:
    wanted = {c.strip() for c in codes.split(",") if c.strip()}
    pengaduan.refresh_live()
    names = [k for (k, _t) in db.named("open311_kategori", {"as_of": as_of()}).iter_rows()
             if service_code(k) in wanted]
    return names or ["\x00none"]  # an unknown code matches nothing (not everything)


def _when(text: str, param: str, end: bool = False) -> dt.datetime:
    """A W3C/ISO 8601 date-time as local naive time (the store's and warehouse's clock)."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(f"{param}: {text!r} is not a W3C date-time (2026-11-30T00:00:00+07:00)",
                           param) from None
    if value.tzinfo is not None:
        value = value.astimezone(config.local_zone()).replace(tzinfo=None)
    if end and len(text.strip()) == 10:  # a bare end date includes that whole day
        value += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return value


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=config.local_zone()).isoformat(timespec="seconds")
    return dt.datetime.combine(value, dt.time(), config.local_zone()).isoformat(timespec="seconds")


def _public_ids() -> dict[str, str]:
    """Ticket → public id of every live citizen complaint."""
    frame = pengaduan.live_frame()
    key = catalog.public_id_key()
    return {t: catalog.public_id(t, key) for t in frame["nomor_tiket"].to_list()}


KNOWN_PARAMS = ("service_request_id", "service_code", "start_date", "end_date", "status",
                "jurisdiction_id")


def requests(params: dict[str, str]) -> list[dict]:
    """requests.json: complaints matching GeoReport v2's filters, newest first, at most 1000."""
    for key in params:
        if key not in KNOWN_PARAMS:
            raise Open311Error(f"unknown parameter {key!r} (known: {', '.join(KNOWN_PARAMS)})",
                               key)
    jurisdiction = params.get("jurisdiction_id")
    if jurisdiction and jurisdiction != config.region().kode:
        raise Open311Error(f"jurisdiction_id: this server serves {config.region().kode}",
                           "jurisdiction_id")
    status = params.get("status")
    if status and status not in STATUSES:
        raise Open311Error("status must be open or closed", "status")
    date_as_of = as_of()
    ids = [i.strip() for i in (params.get("service_request_id") or "").split(",") if i.strip()]
    public = _public_ids()
    by_public = {p: t for t, p in public.items()}
    start = _when(params["start_date"], "start_date") if params.get("start_date") else None
    end = _when(params["end_date"], "end_date", end=True) if params.get("end_date") else None
    if not ids and start is None and end is None:
        start = dt.datetime.combine(date_as_of - dt.timedelta(days=DEFAULT_DAYS), dt.time())
    frame = db.named("open311_requests", {
        "as_of": date_as_of,
        "kategori": _categories(params["service_code"]) if params.get("service_code") else None,
        "terbuka": None if not status else status == "open",
        "mulai": start, "sampai": end,
        "nomor": ids or None, "tiket_langsung": [by_public[i] for i in ids if i in by_public],
        "batas": MAX_REQUESTS})
    out = []
    for r in frame.iter_rows(named=True):
        address = ", ".join(x for x in (r["nama_desa"], r["nama_kecamatan"]) if x) or None
        out.append({
            "service_request_id": public.get(r["nomor_tiket"]) if r["langsung"]
            else r["nomor_tiket"],
            "status": "open" if r["terbuka"] else "closed",
            "status_notes": r["status"],
            "service_name": r["kategori"],
            "service_code": service_code(r["kategori"] or ""),
            "description": r["judul"],
            "agency_responsible": r["nama_skpd"] or r["kode_skpd"],
            "service_notice": None,
            "requested_datetime": _iso(r["tanggal_masuk"]),
            "updated_datetime": _iso(r["diperbarui"]),
            "expected_datetime": _iso(r["tanggal_target"]),
            "address": address,
            "address_id": r["kode_desa"],
            "zipcode": None,
            "lat": None,  # never a complaint's point (see the module's docstring)
            "long": None,
            "media_url": None,
        })
    return out
