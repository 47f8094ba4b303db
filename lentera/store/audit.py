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

A chain verifies by itself, so someone who deletes the newest entries, or rewrites one and
recomputes every hash after it, leaves a chain that still verifies. The anchor is the published
head (`head()`: the last entry's hash, the number of entries, its time), shown on the Data page
and written into each data package; `verify_against(anchor)` (`python -m lentera audit verify
--against HASH:COUNT|FILE`) checks that entry COUNT still exists and still has that hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from lentera.core import config
from lentera.store import engine
from lentera.store.tables import audit_log, utc_now

log = logging.getLogger(__name__)

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


# ---------------------------------------------------------------- the published head (anchor)

@dataclass(frozen=True)
class AuditHead:
    """The chain's head: the last entry's hash, how many entries, the last entry's time (UTC)."""

    hash: str
    count: int
    at: dt.datetime | None = None

    @property
    def anchor(self) -> str:
        """`HASH:COUNT`, what `audit verify --against` takes."""
        return f"{self.hash}:{self.count}"

    def as_dict(self) -> dict:
        """The head as published in a data package (`audit_head.json`, the manifest)."""
        at = self.at.isoformat(timespec="seconds") + "Z" if self.at else None
        return {"hash": self.hash, "count": self.count, "at": at, "anchor": self.anchor,
                "verify": f"python -m lentera audit verify --against {self.anchor}"}


class AnchorError(ValueError):
    """An anchor that is neither `HASH:COUNT` nor a file holding one."""


def _head(conn: Connection) -> AuditHead:
    count = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    last = conn.execute(select(audit_log.c.hash, audit_log.c.at)
                        .order_by(audit_log.c.id.desc()).limit(1)).first()
    return AuditHead(last.hash, int(count), last.at) if last else AuditHead(GENESIS, 0, None)


def head() -> AuditHead:
    """The head of the configured store's chain (the genesis hash and 0 when it is empty)."""
    with engine.read_connection() as conn:
        return _head(conn)


def head_if_present(url: str | None = None) -> AuditHead | None:
    """The head of an existing store, read without creating or upgrading it; None without one.

    For the export step: a load on a machine with no submissions store publishes no head, and
    an unreachable store is logged, never a failed load.
    """
    u = engine.normalise_url(url or config.submissions_url())
    if u.get_backend_name() == "sqlite" and (not u.database or u.database == ":memory:"
                                            or not Path(u.database).is_file()):
        return None
    eng = create_engine(u, poolclass=NullPool)
    try:
        with eng.connect() as conn:
            return _head(conn)
    except SQLAlchemyError as exc:
        log.warning("audit head not published: the store could not be read (%s)", exc)
        return None
    finally:
        eng.dispose()


def parse_anchor(text: str) -> tuple[str, int]:
    """`(hash, count)` from `HASH:COUNT` or from a JSON file that holds a published head.

    The file may be `audit_head.json`, an export's `manifest.json` (`audit_head`) or a data
    package's `datapackage.json` (`x-audit-head`).
    """
    value = text.strip()
    path = Path(value)
    if path.is_file():
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AnchorError(f"{path}: not a JSON file ({exc})") from exc
        for key in ("audit_head", "x-audit-head"):
            if isinstance(doc, dict) and isinstance(doc.get(key), dict):
                doc = doc[key]
        if not isinstance(doc, dict) or "hash" not in doc or "count" not in doc:
            raise AnchorError(f"{path}: no published audit head (hash and count) in it")
        value = f"{doc['hash']}:{doc['count']}"
    digest, sep, count = value.rpartition(":")
    digest = digest.strip().lower()
    if (not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest)
            or not count.strip().isdigit()):
        raise AnchorError(f"{text!r}: expected HASH:COUNT (64 hex digits, a count) or a file")
    return digest, int(count)


@dataclass(frozen=True)
class AnchorCheck:
    """The outcome of `verify_against`: ok, or why not (`problem`) and at which entry."""

    ok: bool
    problem: str | None = None  # "broken" | "truncated" | "rewritten"
    entry: int | None = None
    count: int = 0

    def message(self) -> str:
        """One line for the command line."""
        if self.ok:
            return f"audit chain ok, and entry {self.entry} still has the published hash"
        if self.problem == "broken":
            return f"audit chain BROKEN at entry {self.entry}"
        if self.problem == "truncated":
            return (f"audit chain TRUNCATED: {self.count} entries, the published head had "
                    f"{self.entry} (entries {self.count + 1}–{self.entry} are gone)")
        return (f"audit chain REWRITTEN: entry {self.entry} no longer has the published hash "
                "(a row was changed and the chain recomputed after it)")


def verify_against(digest: str, count: int) -> AnchorCheck:
    """The chain verified by itself and against a published head (`parse_anchor`)."""
    ok, bad = verify()
    if not ok:
        return AnchorCheck(False, "broken", bad)
    with engine.read_connection() as conn:
        now = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
        if now < count:
            return AnchorCheck(False, "truncated", count, int(now))
        if count == 0:
            return AnchorCheck(digest == GENESIS, None if digest == GENESIS else "rewritten", 0,
                               int(now))
        stored = conn.execute(select(audit_log.c.hash).where(audit_log.c.id == count)).scalar()
    if stored != digest:
        return AnchorCheck(False, "rewritten", count, int(now))
    return AnchorCheck(True, None, count, int(now))
