"""The one migration path of the submissions database: the Alembic revisions in lentera/store/alembic.

`upgrade(engine)` runs every revision the store has not seen, in one write transaction, on
SQLite and PostgreSQL alike (on PostgreSQL under an advisory lock, so replicas starting together
take turns). A store made before Alembic (table `schema_version`, hand-rolled steps 1–3) is
stamped with the revision its last step became and then upgraded in place. Released revisions
never change; a schema change is a new revision (`python -m lentera db revision MESSAGE`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, Table, func, inspect, select
from sqlalchemy.engine import Connection

SCRIPT_LOCATION = Path(__file__).with_name("alembic")
# The hand-rolled steps' versions (table `schema_version`) and the revision each one became.
LEGACY_REVISIONS = {1: "0001", 2: "0002", 3: "0003"}
MIGRATION_LOCK = 7414221  # pg_advisory_xact_lock key of schema upgrades

# The pre-Alembic version table, read only to stamp an old store (new stores never have it).
_legacy = Table("schema_version", MetaData(),
                Column("version", Integer, primary_key=True, autoincrement=False),
                Column("applied_at", DateTime, nullable=False))


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config for the package's revisions (no alembic.ini needed at run time)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision shipped with this code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(conn: Connection) -> str | None:
    """The revision this store is at (None for a new store)."""
    return MigrationContext.configure(conn).get_current_revision()


def legacy_version(conn: Connection) -> int:
    """The last hand-rolled step applied to a pre-Alembic store (0 if there is none)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(select(func.max(_legacy.c.version))).scalar() or 0


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store to `revision`, stamping a pre-Alembic store first; one write transaction."""
    with engine.execution_options(lentera_write=True).begin() as conn:
        if conn.dialect.name == "postgresql":
            # Serialise concurrent first starts of several app replicas.
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        context = MigrationContext.configure(conn)
        if context.get_current_revision() is None:
            legacy = legacy_version(conn)
            if legacy:
                context.stamp(ScriptDirectory.from_config(alembic_config()),
                              LEGACY_REVISIONS[legacy])
        command.upgrade(alembic_config(conn), revision)
