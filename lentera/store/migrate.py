"""The one migration path of the submissions database: ordered, versioned steps in `schema_version`.

Every table of `lentera.store.tables` is created here and nowhere else. A released step never
changes; later changes are new steps (ALTER …), so an existing store upgrades in place on its
next start. (A later issue moves these steps to Alembic.)
"""

from __future__ import annotations

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import Connection

from lentera.store import tables as T


def _m1_core(conn: Connection) -> None:
    for table in (T.submission, T.contact, T.event, T.photo):
        table.create(conn)
    for statement in T.EVENT_APPEND_ONLY.get(conn.dialect.name, []):
        conn.exec_driver_sql(statement)


def _m2_ratelimit(conn: Connection) -> None:
    T.rate_event.create(conn)
    T.app_secret.create(conn)


def _m3_accounts_audit(conn: Connection) -> None:
    # checkfirst: before this step the accounts and audit tables were created on first use.
    T.petugas_user.create(conn, checkfirst=True)
    T.audit_log.create(conn, checkfirst=True)
    for statement in T.AUDIT_APPEND_ONLY.get(conn.dialect.name, []):
        conn.exec_driver_sql(statement)


# Ordered, append-only.
MIGRATIONS = ((1, _m1_core), (2, _m2_ratelimit), (3, _m3_accounts_audit))
SCHEMA_VERSION = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    """The highest step applied to this store (0 for a new one)."""
    return conn.execute(select(func.max(T.schema_version.c.version))).scalar() or 0


def upgrade(engine: Engine) -> None:
    """Apply every step the store has not seen yet, in order, in one write transaction."""
    with engine.execution_options(lentera_write=True).begin() as conn:
        if conn.dialect.name == "postgresql":
            # Serialise concurrent first starts of several app replicas.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7414221)")
        T.schema_version.create(conn, checkfirst=True)
        current = current_version(conn)
        for version, step in MIGRATIONS:
            if version > current:
                step(conn)
                conn.execute(insert(T.schema_version).values(version=version,
                                                             applied_at=T.utc_now()))
