"""Append-only, hash-chained audit log of every officials' action, in the submissions store.

Each entry's `hash` is sha256 over the canonical JSON of the entry (id, at, actor, role, action,
ticket, reason_code, note) followed by the previous entry's hash, so editing or deleting any
row breaks the chain from that row on; `verify()` finds the first bad id. `record(conn, ...)`
runs inside the caller's write transaction (`lentera.store.engine.write_transaction()`), so an
action and its audit entry commit or roll back together. Appends are serialised on both engines,
so two entries never share a predecessor or an id, whichever processes write them: on SQLite by
the writers' turn and BEGIN IMMEDIATE, on PostgreSQL by `pg_advisory_xact_lock(AUDIT_LOCK)`,
held until the caller's transaction ends. On SQLite and PostgreSQL triggers also refuse UPDATE and
DELETE (table and triggers: lentera.store.tables, created by lentera.store.migrate).
"""

from __future__ import annotations

import hashlib
import json

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from lentera.store import engine
from lentera.store.tables import audit_log, utc_now

GENESIS = "0" * 64
VERIFY_BATCH = 5000  # rows read per round trip while walking the chain
AUDIT_LOCK = 7414223  # pg_advisory_xact_lock key of the audit chain's tail


class AuditError(Exception):
    """The audit log could not be written or read."""


def _canonical(entry: dict) -> str:
    at = entry["at"]
    body = {"id": int(entry["id"]), "at": at.isoformat(timespec="microseconds"),
            "actor": entry["actor"], "role": entry["role"], "action": entry["action"],
            "ticket": entry.get("ticket"), "reason_code": entry.get("reason_code"),
            "note": entry.get("note")}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(entry: dict, prev_hash: str) -> str:
    """sha256 hex of the entry's canonical JSON followed by the previous hash."""
    return hashlib.sha256((_canonical(entry) + prev_hash).encode("utf-8")).hexdigest()


def record(conn: Connection, *, actor: str, role: str, action: str, ticket: str | None = None,
           reason_code: str | None = None, note: str | None = None) -> int:
    """Append one entry inside the caller's write transaction; returns its id."""
    if not (actor and role and action):
        raise AuditError("actor, role and action are required")
    if conn.dialect.name == "postgresql":
        # Also for a caller outside write_transaction: the tail is read and extended by one.
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({AUDIT_LOCK})")
    last = conn.execute(select(audit_log.c.id, audit_log.c.hash)
                        .order_by(audit_log.c.id.desc()).limit(1)).first()
    entry = {"id": (last.id + 1) if last else 1,
             "at": utc_now(),
             "actor": str(actor)[:64], "role": str(role)[:32], "action": str(action)[:40],
             "ticket": ticket, "reason_code": reason_code,
             "note": note[:2000] if note else None}
    prev = last.hash if last else GENESIS
    conn.execute(insert(audit_log).values(**entry, prev_hash=prev,
                                          hash=entry_hash(entry, prev)))
    return entry["id"]


def verify() -> tuple[bool, int | None]:
    """(True, None) when the whole chain is intact; else (False, id of the first bad entry)."""
    prev, expected_id, after = GENESIS, 1, 0
    with engine.read_connection() as conn:
        while True:
            rows = conn.execute(select(audit_log).where(audit_log.c.id > after)
                                .order_by(audit_log.c.id).limit(VERIFY_BATCH)).all()
            if not rows:
                return True, None
            for row in rows:
                entry = row._asdict()
                # A gap in ids is a deleted row: the entry after it is where the chain breaks.
                if (row.id != expected_id or row.prev_hash != prev
                        or row.hash != entry_hash(entry, prev)):
                    return False, row.id
                prev, expected_id, after = row.hash, row.id + 1, row.id


def entries(ticket: str | None = None, limit: int = 200) -> pl.DataFrame:
    """The latest audit entries (newest first), optionally of one ticket."""
    q = select(audit_log.c.id, audit_log.c.at, audit_log.c.actor, audit_log.c.role,
               audit_log.c.action, audit_log.c.ticket, audit_log.c.reason_code,
               audit_log.c.note).order_by(audit_log.c.id.desc()).limit(limit)
    if ticket is not None:
        q = q.where(audit_log.c.ticket == ticket)
    with engine.read_connection() as conn:
        rows = conn.execute(q).all()
    schema = {"id": pl.Int64, "at": pl.Datetime("us"), "actor": pl.String, "role": pl.String,
              "action": pl.String, "ticket": pl.String, "reason_code": pl.String,
              "note": pl.String}
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
