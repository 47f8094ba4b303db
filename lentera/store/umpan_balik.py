"""The citizen's answers after a case is done: "Sudah selesai?" (confirm, reopen, no answer) and ratings.

Each move of a complaint to `selesai` gets at most one answer in `konfirmasi`: `sudah` (the
citizen confirms), `belum` (the citizen says it is not fixed: the case goes back to
`ditindaklanjuti` with the reason as the event's public note, in the same transaction) or
`otomatis` (no answer within the working days the service layer allows). A ticket is rated once
(`penilaian`, unique ticket), only after its case is closed; desk ratings of a service carry no
ticket (the clerk who records one is in the audit log). Free text is redacted before it is stored.

A proposal that reached `masuk_rkpd` is asked "Sudah dibangun?" once per ticket: `sudah` or
`belum` with a reason, optionally a photo (re-encoded by lentera.store.photos, its file named in
`konfirmasi.foto`); the answer changes no status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from lentera.store import audit, engine, events, photos
from lentera.store import tables as T
from lentera.store.errors import SubmissionError, SubmissionNotFoundError, TransitionError
from lentera.store.redaction import redact

UNSUR = T.UNSUR_IKM
REOPEN_STATUS = "ditindaklanjuti"
REOPEN_REASON = "warga_belum_selesai"
MAX_TEXT = 1000
# The store's furthest stage of a proposal: the store keeps no link to the APBD's sub kegiatan.
BUILT_STATUS = "masuk_rkpd"
DESK_AUDIT_ACTION = "loket_nilai"


class AlreadyAnsweredError(TransitionError):
    """This completion was answered already, or the ticket was rated already."""


@dataclass(frozen=True)
class Completion:
    """The latest move to `selesai` of a ticket and its answer (None while unanswered)."""

    ticket: str
    event_id: int
    at: dt.datetime  # naive UTC, as stored
    status: str
    jawaban: str | None


def completion(ticket: str) -> Completion | None:
    """The ticket's latest move to `selesai` with its answer; None if it was never done."""
    e, k, s = T.event, T.konfirmasi, T.submission
    with engine.read_connection() as conn:
        row = conn.execute(
            select(e.c.id, e.c.at, s.c.status, k.c.jawaban)
            .join(s, s.c.ticket == e.c.ticket)
            .outerjoin(k, k.c.event_id == e.c.id)
            .where(e.c.ticket == ticket, e.c.to_status == "selesai")
            .order_by(e.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return Completion(ticket, row.id, row.at, row.status, row.jawaban)


def unanswered(kind: str = "pengaduan") -> list[Completion]:
    """Done cases still waiting for their answer (the latest move to `selesai`, status selesai)."""
    e, k, s = T.event, T.konfirmasi, T.submission
    with engine.read_connection() as conn:
        rows = conn.execute(
            select(e.c.ticket, e.c.id, e.c.at)
            .join(s, s.c.ticket == e.c.ticket)
            .outerjoin(k, k.c.event_id == e.c.id)
            .where(s.c.kind == kind, s.c.status == "selesai", e.c.to_status == "selesai",
                   k.c.event_id.is_(None))
            .order_by(e.c.ticket, e.c.id)).all()
    latest: dict[str, tuple[int, dt.datetime]] = {}
    for r in rows:
        latest[r.ticket] = (r.id, r.at)
    return [Completion(t, i, at, "selesai", None) for t, (i, at) in latest.items()]


def _check_open(conn, ticket: str, event_id: int) -> str:
    s, k, e = T.submission, T.konfirmasi, T.event
    status = conn.execute(select(s.c.status).where(s.c.ticket == ticket)
                          .with_for_update()).scalar()
    if status is None:
        raise SubmissionNotFoundError(ticket)
    last = conn.execute(select(e.c.id).where(e.c.ticket == ticket, e.c.to_status == "selesai")
                        .order_by(e.c.id.desc()).limit(1)).scalar()
    if status != "selesai" or last != event_id:
        raise TransitionError("the case is not waiting for an answer")
    if conn.execute(select(k.c.event_id).where(k.c.event_id == event_id)).first() is not None:
        raise AlreadyAnsweredError("answered already")
    return status


def answer(ticket: str, event_id: int, jawaban: str, alasan: str | None = None) -> None:
    """Record the answer to one completion; `belum` (with a reason) reopens the case."""
    if jawaban not in ("sudah", "belum", "otomatis"):
        raise SubmissionError(f"unknown answer {jawaban!r}")
    note = redact((alasan or "")[:MAX_TEXT])
    if jawaban == "belum" and not note:
        raise SubmissionError("a reason is required")
    now = T.utc_now()
    with engine.write_transaction() as conn:
        status = _check_open(conn, ticket, event_id)
        conn.execute(insert(T.konfirmasi).values(event_id=event_id, ticket=ticket,
                                                 jawaban=jawaban, at=now))
        if jawaban == "belum":
            events.append_in(conn, ticket, from_status=status, to_status=REOPEN_STATUS,
                             actor="warga", role="warga", reason_code=REOPEN_REASON,
                             public_note=note, at=now)


def answers(ticket: str) -> list[dict]:
    """Every answer of a ticket, oldest first: event_id, jawaban, at (aware UTC)."""
    k = T.konfirmasi
    with engine.read_connection() as conn:
        rows = conn.execute(select(k.c.event_id, k.c.jawaban, k.c.at)
                            .where(k.c.ticket == ticket).order_by(k.c.at, k.c.event_id)).all()
    return [{"event_id": r.event_id, "jawaban": r.jawaban, "at": T.aware(r.at)} for r in rows]


def _scores(nilai: int, unsur: dict[str, int | None] | None) -> dict:
    if not isinstance(nilai, int) or not 1 <= nilai <= 4:
        raise SubmissionError("nilai must be 1..4")
    out = {"nilai": nilai}
    for u, v in (unsur or {}).items():
        if u not in UNSUR:
            raise SubmissionError(f"unknown unsur {u!r}")
        if v is not None and (not isinstance(v, int) or not 1 <= v <= 4):
            raise SubmissionError(f"{u} must be 1..4")
        out[u] = v
    return out


def rate(ticket: str, nilai: int, unsur: dict[str, int | None] | None = None,
         komentar: str | None = None) -> None:
    """The one rating of a closed complaint (its office and category are kept with it)."""
    scores = _scores(nilai, unsur)
    s, k, e = T.submission, T.konfirmasi, T.event
    with engine.write_transaction() as conn:
        row = conn.execute(select(s.c.kind, s.c.status, s.c.kode_skpd, s.c.kategori)
                           .where(s.c.ticket == ticket)).first()
        if row is None:
            raise SubmissionNotFoundError(ticket)
        closed = conn.execute(
            select(k.c.jawaban).join(e, e.c.id == k.c.event_id)
            .where(k.c.ticket == ticket, k.c.jawaban.in_(("sudah", "otomatis")))
            .order_by(e.c.id.desc()).limit(1)).first()
        if row.status != "selesai" or closed is None:
            raise TransitionError("only a closed case is rated")
        # writers take turns (engine.write_transaction): the check and the insert are one step
        if conn.execute(select(T.penilaian.c.id)
                        .where(T.penilaian.c.ticket == ticket)).first() is not None:
            raise AlreadyAnsweredError("rated already")
        conn.execute(insert(T.penilaian).values(
            ticket=ticket, jenis=row.kind, kode_skpd=row.kode_skpd, layanan=row.kategori,
            at=T.utc_now(), komentar=redact((komentar or "")[:MAX_TEXT]) or None, **scores))


def rate_service(jenis: str, layanan: str, kode_skpd: str | None, nilai: int,
                 unsur: dict[str, int | None] | None = None, *, actor: str | None = None,
                 role: str | None = None) -> None:
    """A rating given at the desk for a service (no ticket): permits, walk-in cases.

    With `actor` and `role` (the clerk) the rating and its audit entry commit together.
    """
    scores = _scores(nilai, unsur)
    with engine.write_transaction() as conn:
        conn.execute(insert(T.penilaian).values(jenis=jenis, layanan=layanan,
                                                kode_skpd=kode_skpd, at=T.utc_now(), **scores))
        if actor is not None:
            audit.record(conn, actor=actor, role=role or "loket", action=DESK_AUDIT_ACTION,
                         reason_code=jenis, note=f"{layanan} · {kode_skpd or '-'} · {nilai}")


def rating_of(ticket: str) -> dict | None:
    """The stored rating of a ticket (its scores; no comment), or None."""
    p = T.penilaian
    with engine.read_connection() as conn:
        row = conn.execute(select(p.c.nilai, *[p.c[u] for u in UNSUR])
                           .where(p.c.ticket == ticket)).first()
    return dict(row._mapping) if row else None


def ratings() -> list[dict]:
    """Every rating without its comment (the IKM's input): jenis, kode_skpd, layanan, scores."""
    p = T.penilaian
    with engine.read_connection() as conn:
        rows = conn.execute(select(p.c.jenis, p.c.kode_skpd, p.c.layanan, p.c.at, p.c.nilai,
                                   *[p.c[u] for u in UNSUR]).order_by(p.c.id)).all()
    return [dict(r._mapping) for r in rows]


def ratings_version() -> str:
    """A token that changes when a rating is added or removed (a cache-key part for pages)."""
    p = T.penilaian
    with engine.read_connection() as conn:
        n, last = conn.execute(select(func.count(), func.max(p.c.id))).one()
    return f"{engine.current().url.render_as_string(hide_password=True)}#{n}-{last}"


# ---- "Sudah dibangun?" for proposals in the plan


@dataclass(frozen=True)
class Built:
    """A proposal's latest move to `masuk_rkpd` and the ticket's one answer (None while open)."""

    ticket: str
    event_id: int
    at: dt.datetime  # naive UTC, as stored
    status: str
    jawaban: str | None
    alasan: str | None
    foto: str | None
    answered_at: dt.datetime | None  # aware UTC


def built_question(ticket: str) -> Built | None:
    """The proposal's question and its answer; None if it never reached `masuk_rkpd`."""
    e, k, s = T.event, T.konfirmasi, T.submission
    with engine.read_connection() as conn:
        row = conn.execute(
            select(e.c.id, e.c.at, s.c.status)
            .join(s, s.c.ticket == e.c.ticket)
            .where(e.c.ticket == ticket, s.c.kind == "usulan", e.c.to_status == BUILT_STATUS)
            .order_by(e.c.id.desc()).limit(1)).first()
        if row is None:
            return None
        ans = conn.execute(select(k.c.jawaban, k.c.alasan, k.c.foto, k.c.at)
                           .where(k.c.ticket == ticket).order_by(k.c.at).limit(1)).first()
    return Built(ticket, row.id, row.at, row.status, ans.jawaban if ans else None,
                 ans.alasan if ans else None, ans.foto if ans else None,
                 T.aware(ans.at) if ans else None)


def answer_built(ticket: str, event_id: int, built: bool, alasan: str | None = None,
                 photo: photos.ProcessedPhoto | None = None) -> None:
    """The one answer of a proposal's ticket to "Sudah dibangun?"; `belum` needs a reason."""
    note = redact((alasan or "")[:MAX_TEXT]) or None
    if not built and not note:
        raise SubmissionError("a reason is required")
    s, k, e = T.submission, T.konfirmasi, T.event
    staged = photos.stage_photo(photo) if photo is not None else None
    try:
        now = T.utc_now()
        with engine.write_transaction() as conn:
            row = conn.execute(select(s.c.kind, s.c.status).where(s.c.ticket == ticket)
                               .with_for_update()).first()
            if row is None or row.kind != "usulan":
                raise SubmissionNotFoundError(ticket)
            last = conn.execute(select(e.c.id).where(e.c.ticket == ticket,
                                                     e.c.to_status == BUILT_STATUS)
                                .order_by(e.c.id.desc()).limit(1)).scalar()
            if row.status != BUILT_STATUS or last != event_id:
                raise TransitionError("the proposal is not waiting for this answer")
            # one answer per ticket (writers take turns: the check and the insert are one step)
            if conn.execute(select(k.c.event_id).where(k.c.ticket == ticket)).first() is not None:
                raise AlreadyAnsweredError("answered already")
            if staged is not None:
                p = staged.photo
                conn.execute(insert(T.photo).values(
                    ticket=ticket, file_name=staged.file_name, sha256=p.sha256, width=p.width,
                    height=p.height, bytes=p.size, created_at=now))
            conn.execute(insert(k).values(
                event_id=event_id, ticket=ticket, jawaban="sudah" if built else "belum", at=now,
                alasan=note, foto=staged.file_name if staged is not None else None))
    except BaseException:
        if staged is not None:
            photos.discard_staged(staged)
        raise
    if staged is not None:
        try:
            photos.commit_staged(staged)
        except OSError:  # the row is committed: the photo sweep finishes the rename
            pass
