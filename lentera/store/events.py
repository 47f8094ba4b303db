"""THE only writer of the `event` table: creation, status changes, officials' actions, duplicates.

Events are appended, never changed (triggers refuse UPDATE and DELETE); the submission's `status`
follows the latest event in the same transaction. An official's action writes its event and its
`audit_log` entry in one transaction, so both commit or neither does; contact reveals (no public
event) are audited the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from lentera.core import forms
from lentera.core.schema import STATUS_PENGADUAN, STATUS_USULAN
from lentera.core.tickets import normalize_ticket
from lentera.store import audit, engine, outbox
from lentera.store import tables as T
from lentera.store.errors import SubmissionError, SubmissionNotFoundError, TransitionError
from lentera.store.redaction import redact

STATUSES = {"pengaduan": STATUS_PENGADUAN, "usulan": STATUS_USULAN}
_PUBLIC = ("from_status", "to_status", "reason_code", "public_note", "role")


def _append(conn: Connection, values: dict, kode_skpd: str | None = None) -> None:
    """Insert the event and move the submission's status (and office) with it."""
    conn.execute(insert(T.event).values(**values))
    changes = {"status": values["to_status"]} | ({"kode_skpd": kode_skpd} if kode_skpd else {})
    conn.execute(update(T.submission).where(T.submission.c.ticket == values["ticket"])
                 .values(**changes))
    # the citizen's message about this change commits with it (lentera.store.outbox)
    outbox.enqueue(conn, values["ticket"], values["to_status"], values["at"])


def record_created(conn: Connection, ticket: str, at: dt.datetime, status: str, *, actor: str,
                   role: str, audit_action: str | None = None,
                   reason_code: str | None = None) -> None:
    """The first event of a new submission, inside its insert transaction (audited if asked)."""
    conn.execute(insert(T.event).values(ticket=ticket, at=at, actor=actor, role=role,
                                        from_status=None, to_status=status))
    if audit_action is not None:
        audit.record(conn, actor=actor, role=role, action=audit_action, ticket=ticket,
                     reason_code=reason_code)


def append_event(ticket: str, to_status: str, actor: str, role: str,
                 reason_code: str | None = None, public_note: str | None = None, *,
                 kode_skpd: str | None = None) -> dict:
    """Append a status change (the submission's status follows in the same transaction).

    `kode_skpd` sets the office a complaint is disposed to. Returns the event's public fields.
    """
    canonical = normalize_ticket(ticket)
    if canonical is None:
        raise SubmissionNotFoundError(str(ticket))
    if not (isinstance(actor, str) and actor.strip() and isinstance(role, str) and role.strip()):
        raise SubmissionError("actor and role are required")
    if kode_skpd is not None and kode_skpd not in forms.skpd_codes():
        raise SubmissionError(f"unknown kode_skpd {kode_skpd!r}")
    s = T.submission
    note, now = redact(public_note), T.utc_now()
    with engine.write_transaction() as conn:
        current = conn.execute(select(s.c.kind, s.c.status).where(s.c.ticket == canonical)
                               .with_for_update()).first()
        if current is None:
            raise SubmissionNotFoundError(canonical)
        if to_status not in STATUSES[current.kind]:
            raise SubmissionError(f"status {to_status!r} is not a {current.kind} status")
        values = {"ticket": canonical, "at": now, "actor": actor.strip()[:64],
                  "role": role.strip()[:32], "from_status": current.status,
                  "to_status": to_status, "reason_code": reason_code, "public_note": note}
        _append(conn, values, kode_skpd)
    return {k: values[k] for k in _PUBLIC} | {"at": T.aware(now)}


def official_action(ticket: str, *, actor: str, role: str, action: str,
                    to_status: Mapping[str, str], from_status: Mapping[str, Collection[str]],
                    reason_code: str, note: str | None = None, kode_skpd: str | None = None,
                    office: str | None = None, duplicate_of: str | None = None) -> dict:
    """An official's status change and its audit entry in ONE transaction; returns the event.

    `to_status`/`from_status` are per kind; `office` limits the action to tickets disposed to
    that kode_skpd (SubmissionNotFoundError otherwise, like an unknown ticket); `duplicate_of`
    must be a stored ticket and leads the public note. The note is redacted before it is stored.
    """
    s = T.submission
    text = redact(note)
    if duplicate_of is not None:
        text = f"{duplicate_of}" + (f" — {text}" if text else "")
    now = T.utc_now()
    with engine.write_transaction() as conn:
        row = conn.execute(select(s.c.kind, s.c.status, s.c.kode_skpd)
                           .where(s.c.ticket == ticket)).first()
        if row is None or (office is not None and row.kode_skpd != office):
            raise SubmissionNotFoundError("not found")
        if duplicate_of is not None and conn.execute(
                select(s.c.ticket).where(s.c.ticket == duplicate_of)).first() is None:
            raise SubmissionNotFoundError("duplicate_of is unknown")
        target = to_status.get(row.kind)
        if target is None or row.status not in from_status.get(row.kind, ()):
            raise TransitionError(f"{action} is not possible from {row.status!r}")
        values = {"ticket": ticket, "at": now, "actor": actor, "role": role,
                  "from_status": row.status, "to_status": target,
                  "reason_code": reason_code, "public_note": text}
        _append(conn, values, kode_skpd)
        audit.record(conn, actor=actor, role=role, action=action, ticket=ticket,
                     reason_code=reason_code,
                     note=(f"{kode_skpd}: " if kode_skpd else "") + (text or ""))
    return values


def append_in(conn: Connection, ticket: str, *, from_status: str, to_status: str, actor: str,
              role: str, reason_code: str | None = None, public_note: str | None = None,
              at: dt.datetime | None = None) -> dict:
    """Append an event inside the caller's write transaction (the citizen's "not fixed")."""
    values = {"ticket": ticket, "at": at or T.utc_now(), "actor": actor[:64], "role": role[:32],
              "from_status": from_status, "to_status": to_status, "reason_code": reason_code,
              "public_note": redact(public_note)}
    _append(conn, values)
    return values


def reveal_contact(ticket: str, *, actor: str, role: str, reason_code: str) -> list[dict]:
    """A ticket's contacts for an official, the reveal audited in the same transaction."""
    c = T.contact
    with engine.write_transaction() as conn:
        rows = conn.execute(select(c.c.kind, c.c.value, c.c.consent_text_version)
                            .where(c.c.ticket == ticket).order_by(c.c.id)).all()
        audit.record(conn, actor=actor, role=role, action="contact_reveal", ticket=ticket,
                     reason_code=reason_code)
    return [{"kind": r.kind, "value": r.value, "consent": r.consent_text_version} for r in rows]
