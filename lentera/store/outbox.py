"""The citizens' mail queue: subscriptions, one queued message per public status change, claims.

A citizen who leaves an e-mail address (with consent) is subscribed in the same transaction as
the submission (`subscribe`); every event the store appends queues a message in the same
transaction as the event (`enqueue`, called by lentera.store.events), so a status change and its
message commit together and a mail server that is down loses nothing. The queue holds the ticket
and the status only: the address stays in `contact` and is read when the message is sent
(`claim`), never copied, logged or exported. The sender is lentera.services.notify.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from lentera.store import engine, keys
from lentera.store import tables as T

SECRET_NAME = "mail_unsubscribe"
LANGS = ("id", "en")
# A claimed message is someone's for this long; a sender that died leaves it to the next one.
LEASE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Pending:
    """A message to send now: the queue row, the ticket's status and the recipient (in memory only)."""

    id: int
    ticket: str
    to_status: str
    attempts: int
    lang: str
    address: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(ticket: str, secret: str) -> str:
    """The unsubscribe token of a ticket: an HMAC of it (the URL carries no ticket, no address)."""
    return hmac.new(secret.encode(), f"berhenti:{ticket}".encode(), hashlib.sha256).hexdigest()[:32]


def unsubscribe_token(ticket: str) -> str:
    """The unsubscribe token to put in a ticket's messages."""
    return token_for(ticket, keys.app_secret_value(SECRET_NAME))


def _secret_in(conn: Connection) -> str:
    # Inside the caller's write transaction: a nested write_transaction would wait for itself.
    s = T.app_secret
    value = conn.execute(select(s.c.value).where(s.c.name == SECRET_NAME)).scalar()
    if value is None:
        value = secrets.token_hex(32)
        conn.execute(insert(s).values(name=SECRET_NAME, value=value))
    return value


def subscribe(conn: Connection, ticket: str, contact: dict | None, status: str,
              at: dt.datetime) -> bool:
    """Subscribe a new submission's e-mail contact and queue its receipt (inside its insert)."""
    if not contact or contact.get("kind") != "email":
        return False
    lang = contact.get("lang") if contact.get("lang") in LANGS else "id"
    conn.execute(insert(T.langganan).values(
        ticket=ticket, lang=lang, token_hash=_hash(token_for(ticket, _secret_in(conn))),
        created_at=at))
    enqueue(conn, ticket, status, at)
    return True


def enqueue(conn: Connection, ticket: str, to_status: str, at: dt.datetime) -> bool:
    """Queue a message about a public status change, if the ticket has a live subscription."""
    g = T.langganan
    live = conn.execute(select(g.c.ticket).where(g.c.ticket == ticket,
                                                 g.c.berhenti_at.is_(None))).first()
    if live is None:
        return False
    conn.execute(insert(T.outbox).values(ticket=ticket, to_status=to_status, created_at=at,
                                         due_at=at, attempts=0, state="antri"))
    return True


def unsubscribe(token: str) -> bool:
    """Stop a subscription by its token (queued messages are cancelled); False if unknown."""
    if not isinstance(token, str) or not 16 <= len(token) <= 64:
        return False
    g, o = T.langganan, T.outbox
    now = T.utc_now()
    with engine.write_transaction() as conn:
        ticket = conn.execute(select(g.c.ticket).where(g.c.token_hash == _hash(token))).scalar()
        if ticket is None:
            return False
        conn.execute(update(g).where(g.c.ticket == ticket, g.c.berhenti_at.is_(None))
                     .values(berhenti_at=now))
        conn.execute(update(o).where(o.c.ticket == ticket, o.c.state == "antri")
                     .values(state="batal"))
    return True


def is_subscribed(ticket: str) -> bool:
    """Whether a ticket's messages still go out."""
    g = T.langganan
    with engine.read_connection() as conn:
        return conn.execute(select(g.c.ticket).where(g.c.ticket == ticket,
                                                     g.c.berhenti_at.is_(None))).first() is not None


def claim(now: dt.datetime | None = None, limit: int = 20) -> list[Pending]:
    """Take up to `limit` due messages for LEASE (another sender skips them meanwhile)."""
    now = now or T.utc_now()
    o, g, c = T.outbox, T.langganan, T.contact
    with engine.write_transaction() as conn:
        due = set(conn.execute(select(o.c.ticket).where(o.c.state == "antri", o.c.due_at <= now)
                               .order_by(o.c.id).limit(limit)).scalars())
        if not due:
            return []
        queued = conn.execute(
            select(o.c.id, o.c.ticket, o.c.to_status, o.c.attempts, o.c.due_at, g.c.lang)
            .join(g, g.c.ticket == o.c.ticket)
            .where(o.c.state == "antri", o.c.ticket.in_(due)).order_by(o.c.id)).all()
        # a ticket's messages go out in order: one waiting for its retry holds back the later
        held: set[str] = set()
        rows = []
        for r in queued:
            if r.ticket in held or r.due_at > now:
                held.add(r.ticket)
            elif len(rows) < limit:
                rows.append(r)
        if not rows:
            return []
        conn.execute(update(o).where(o.c.id.in_([r.id for r in rows]))
                     .values(due_at=now + LEASE))
        addresses = dict(conn.execute(
            select(c.c.ticket, c.c.value)
            .where(c.c.ticket.in_({r.ticket for r in rows}), c.c.kind == "email")
            .order_by(c.c.id)).all())
    out = []
    for r in rows:
        if r.ticket in addresses:
            out.append(Pending(r.id, r.ticket, r.to_status, r.attempts, r.lang,
                               addresses[r.ticket]))
        else:
            finish(r.id, "gagal", error="no e-mail contact")
    return out


def finish(message_id: int, state: str, *, error: str | None = None,
           at: dt.datetime | None = None) -> None:
    """Mark a claimed message sent (`terkirim`) or given up (`gagal`)."""
    o = T.outbox
    with engine.write_transaction() as conn:
        conn.execute(update(o).where(o.c.id == message_id).values(
            state=state, sent_at=(at or T.utc_now()) if state == "terkirim" else None,
            last_error=(error or None) and error[:120]))


def retry(message_id: int, attempts: int, due_at: dt.datetime, error: str) -> None:
    """Put a claimed message back in the queue after a failed attempt (error: a class name)."""
    o = T.outbox
    with engine.write_transaction() as conn:
        conn.execute(update(o).where(o.c.id == message_id, o.c.state == "antri")
                     .values(attempts=attempts, due_at=due_at, last_error=error[:120]))


def counts() -> dict[str, int]:
    """Messages per state (antri, terkirim, gagal, batal)."""
    o = T.outbox
    with engine.read_connection() as conn:
        rows = conn.execute(select(o.c.state, func.count()).group_by(o.c.state)).all()
    return {"antri": 0, "terkirim": 0, "gagal": 0, "batal": 0} | {s: n for s, n in rows}


def messages(ticket: str) -> list[dict]:
    """A ticket's queued and sent messages (tests and officials' checks): no address."""
    o = T.outbox
    with engine.read_connection() as conn:
        rows = conn.execute(select(o.c.id, o.c.to_status, o.c.state, o.c.attempts, o.c.due_at,
                                   o.c.sent_at, o.c.last_error)
                            .where(o.c.ticket == ticket).order_by(o.c.id)).all()
    return [dict(r._mapping) for r in rows]
