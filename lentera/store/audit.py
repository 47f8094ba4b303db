"""Append-only, hash-chained audit log of every officials' action, in the submissions store.

Each entry's `hash` is sha256 over the canonical JSON of the entry (id, at, actor, role, action,
ticket, reason_code, note) followed by the previous entry's hash, so editing or deleting any
row breaks the chain from that row on; `verify()` finds the first bad id. `record(conn, ...)`
runs inside the caller's write transaction (`submissions.write_transaction()`), so an action and
its audit entry commit or roll back together; BEGIN IMMEDIATE serialises writers, so two entries
never share a predecessor. On SQLite and PostgreSQL triggers also refuse UPDATE and DELETE.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import polars as pl
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)
from sqlalchemy.engine import Connection

from lentera.store import submissions

GENESIS = "0" * 64
metadata = MetaData()
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(40), nullable=False),
    Column("ticket", String(16)),
    Column("reason_code", String(64)),
    Column("note", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_ticket", "ticket"),
)

_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION lentera_audit_append_only() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS audit_append_only ON audit_log",
        "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION lentera_audit_append_only()",
    ],
}


class AuditError(Exception):
    """The audit log could not be written or read."""


def create_schema(conn: Connection) -> None:
    """Create the audit table and its append-only triggers when missing."""
    metadata.create_all(conn, checkfirst=True)
    for statement in _APPEND_ONLY.get(conn.dialect.name, []):
        conn.exec_driver_sql(statement)


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
    last = conn.execute(select(audit_log.c.id, audit_log.c.hash)
                        .order_by(audit_log.c.id.desc()).limit(1)).first()
    entry = {"id": (last.id + 1) if last else 1,
             "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
             "actor": str(actor)[:64], "role": str(role)[:32], "action": str(action)[:40],
             "ticket": ticket, "reason_code": reason_code,
             "note": note[:2000] if note else None}
    prev = last.hash if last else GENESIS
    conn.execute(insert(audit_log).values(**entry, prev_hash=prev,
                                          hash=entry_hash(entry, prev)))
    return entry["id"]


def verify(batch: int = 5000) -> tuple[bool, int | None]:
    """(True, None) when the whole chain is intact; else (False, id of the first bad entry)."""
    from lentera.store import auth
    auth.ensure_schema()
    prev, expected_id, after = GENESIS, 1, 0
    with submissions.read_connection() as conn:
        while True:
            rows = conn.execute(select(audit_log).where(audit_log.c.id > after)
                                .order_by(audit_log.c.id).limit(batch)).all()
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
    from lentera.store import auth
    auth.ensure_schema()
    q = select(audit_log.c.id, audit_log.c.at, audit_log.c.actor, audit_log.c.role,
               audit_log.c.action, audit_log.c.ticket, audit_log.c.reason_code,
               audit_log.c.note).order_by(audit_log.c.id.desc()).limit(limit)
    if ticket is not None:
        q = q.where(audit_log.c.ticket == ticket)
    with submissions.read_connection() as conn:
        rows = conn.execute(q).all()
    schema = {"id": pl.Int64, "at": pl.Datetime("us"), "actor": pl.String, "role": pl.String,
              "action": pl.String, "ticket": pl.String, "reason_code": pl.String,
              "note": pl.String}
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
