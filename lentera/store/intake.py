"""New submissions: validate, redact and insert a complaint or proposal with its photos and contact.

One write transaction per submission: the row, its first event (lentera.store.events), its
contact and its photo rows, plus the audit entry when an official enters it; photo files are
staged before and renamed into place after the commit (lentera.store.photos). Nothing is half
written: a busy store (`engine.StoreBusyError`, after the writers' queue) or a full disk
(`engine.StoreFullError`, for the photo files or the row) leaves no row and no file behind.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from lentera.core import forms
from lentera.core.tickets import PREFIX_PENGADUAN, PREFIX_USULAN, new_ticket, normalize_ticket
from lentera.store import engine, events, outbox
from lentera.store import tables as T
from lentera.store.errors import (
    SubmissionError,
    SubmissionNotFoundError,
    SubmissionValidationError,
)
from lentera.store.photos import (
    ProcessedPhoto,
    StagedPhoto,
    commit_staged,
    discard_staged,
    process_photo,
    stage_photo,
)
from lentera.store.redaction import redact_fields

log = logging.getLogger(__name__)

TICKET_ATTEMPTS = 8
# The rules of this module and of photos/engine/audit, as the Tentang page states them.
METHODS: list[tuple[str, str]] = [
    ("lapor.method_photos_title", "lapor.method_photos_body"),
    ("lapor.method_nothing_lost_title", "lapor.method_nothing_lost_body"),
    ("data.method_audit_title", "data.method_audit_body"),
]
STATUS_AWAL = {"pengaduan": "diterima", "usulan": "diusulkan"}


def _flag(value, default: bool) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return forms.truthy(value)


def _insert_contact(conn: Connection, ticket: str, value: dict, at: dt.datetime) -> None:
    conn.execute(insert(T.contact).values(ticket=ticket, kind=value["kind"], value=value["value"],
                                          consent_text_version=value["consent_text_version"],
                                          consent_at=at))


def _insert_photo(conn: Connection, ticket: str, staged: StagedPhoto, at: dt.datetime) -> None:
    p = staged.photo
    conn.execute(insert(T.photo).values(ticket=ticket, file_name=staged.file_name,
                                        sha256=p.sha256, width=p.width, height=p.height,
                                        bytes=p.size, created_at=at))


def _increment_support(conn: Connection, ticket: str) -> int:
    s = T.submission
    result = conn.execute(update(s).where(s.c.ticket == ticket, s.c.kind == "usulan")
                          .values(support_count=s.c.support_count + 1))
    if result.rowcount != 1:
        raise SubmissionNotFoundError(ticket)
    return conn.execute(select(s.c.support_count).where(s.c.ticket == ticket)).scalar_one()


def _ticket_exists(ticket: str) -> bool:
    with engine.read_connection() as conn:
        return conn.execute(select(T.submission.c.ticket)
                            .where(T.submission.c.ticket == ticket)).first() is not None


def _store(row: dict, photos: list[ProcessedPhoto], contact_value: dict | None, prefix: str,
           actor: str, role: str, audit_action: str | None, audit_reason: str | None) -> str:
    """Insert one submission with its first event, contact and photos; files land after commit."""
    staged: list[StagedPhoto] = []
    try:
        try:
            for p in photos:
                staged.append(stage_photo(p))
        except OSError as exc:
            if engine.is_disk_full(exc):
                raise engine.StoreFullError("the uploads disk is full") from exc
            raise
        for _attempt in range(TICKET_ATTEMPTS):
            ticket = new_ticket(prefix)
            now = T.utc_now()
            try:
                with engine.write_transaction() as conn:
                    if row.get("support_of"):
                        # First, so an unknown proposal is a clear error, not a foreign-key one.
                        _increment_support(conn, row["support_of"])
                    conn.execute(insert(T.submission).values(**row, ticket=ticket,
                                                             created_at=now))
                    events.record_created(conn, ticket, now, row["status"], actor=actor,
                                          role=role, audit_action=audit_action,
                                          reason_code=audit_reason)
                    if contact_value:
                        _insert_contact(conn, ticket, contact_value, now)
                        # an e-mail contact hears of every status change (lentera.store.outbox)
                        outbox.subscribe(conn, ticket, contact_value, row["status"], now)
                    for s in staged:
                        _insert_photo(conn, ticket, s, now)
                break
            except IntegrityError:
                if _ticket_exists(ticket):
                    continue  # 40-bit collision: draw another number
                raise
        else:
            raise SubmissionError("no free ticket number")
    except BaseException:
        for s in staged:
            discard_staged(s)
        raise
    for s in staged:
        try:
            commit_staged(s)
        except OSError:
            # The row is committed: the photo sweep (engine.sweep_orphan_photos) finishes it.
            log.exception("photo rename failed after commit; the photo sweep will finish it")
    return ticket


def _contact_value(contact_in: dict | None) -> dict | None:
    value = forms.normalize_contact(contact_in)
    if value is None:
        return None
    value["consent_text_version"] = str(contact_in.get("consent_text_version")
                                        or forms.CONSENT_TEXT_VERSION)
    value["lang"] = contact_in.get("lang")  # the language of the citizen's messages
    return value


def _place(data: dict) -> dict:
    """The desa and kecamatan codes of a validated form, and its point if one was given."""
    desa = forms.desa_info(data["kode_desa"])
    return {"kode_desa": desa["kode_desa"], "kode_kecamatan": desa["kode_kecamatan"],
            "lat": forms.number_or_none(data.get("lat")),
            "lng": forms.number_or_none(data.get("lng"))}


def _checked(validate, data: dict, photos, contact: dict | None) -> list:
    """Validate a form (field errors raise before anything is written); the photos re-encoded."""
    photos = list(photos or [])
    errors = validate(data, len(photos), contact)
    if errors:
        raise SubmissionValidationError(errors)
    return [process_photo(p) for p in photos]


def create_pengaduan(data: dict, photos: list[bytes], contact: dict | None = None, *,
                     actor: str = "warga", role: str = "warga", audit_action: str | None = None,
                     audit_reason: str | None = None) -> str:
    """Validate and store a complaint with its photos and optional contact; returns the ticket.

    Raises `SubmissionValidationError` (field errors), `PhotoError` (a refused photo).
    `contact` is `{"value": phone or e-mail, "consent": True}`; anonymous by default. An
    official's entry names `audit_action` (and `audit_reason`): its audit entry is written in
    the same transaction as the complaint.
    """
    processed = _checked(forms.validate_pengaduan, data, photos, contact)
    row = {
        "kind": "pengaduan", "status": STATUS_AWAL["pengaduan"],
        "kategori": data["kategori"], "klasifikasi": data.get("klasifikasi") or "pengaduan",
        **redact_fields(judul=data["judul"], isi=data["isi"]), **_place(data),
        "rahasia": _flag(data.get("rahasia"), False), "anonim": _flag(data.get("anonim"), True),
        "kanal": data.get("kanal") or "web", "kode_skpd": data.get("kode_skpd") or None,
    }
    return _store(row, processed, _contact_value(contact), PREFIX_PENGADUAN, actor, role,
                  audit_action, audit_reason)


def create_usulan(data: dict, photos: list[bytes], contact: dict | None = None) -> str:
    """Validate and store a citizen's proposal (optionally supporting another: `support_of`)."""
    processed = _checked(forms.validate_usulan, data, photos, contact)
    biaya = forms.number_or_none(data.get("perkiraan_biaya"))
    created_year = dt.datetime.now(dt.UTC).year
    row = {
        "kind": "usulan", "status": STATUS_AWAL["usulan"],
        **redact_fields(usulan=data["usulan"], permasalahan=data.get("permasalahan")),
        **_place(data),
        "volume": forms.number_or_none(data["volume"]), "satuan": data["satuan"],
        "perkiraan_biaya": round(biaya, 2) if biaya is not None else None,
        "bidang_urusan": data["bidang_urusan"],
        # Musrenbang in year N plans the RKPD of year N+1.
        "tahun_rkpd": data.get("tahun_rkpd") or created_year + 1,
        "support_of": normalize_ticket(data.get("support_of")) if data.get("support_of") else None,
        "rahasia": False, "anonim": _flag(data.get("anonim"), True),
        "kanal": data.get("kanal") or "web", "kode_skpd": data.get("kode_skpd") or None,
    }
    return _store(row, processed, _contact_value(contact), PREFIX_USULAN, "warga", "warga",
                  None, None)


def support(ticket: str) -> int:
    """Add one supporter to a proposal; returns its new support count."""
    canonical = normalize_ticket(ticket)
    if canonical is None:
        raise SubmissionNotFoundError(str(ticket))
    with engine.write_transaction() as conn:
        return _increment_support(conn, canonical)
