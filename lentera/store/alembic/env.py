"""Alembic environment of the submissions store: runs on the connection `lentera.store.migrate` hands over."""

from alembic import context
from sqlalchemy import create_engine

from lentera.core import config as lentera_config
from lentera.store import tables

config = context.config


def _run(connection) -> None:
    # batch mode: SQLite can only ALTER a table by copying it, Alembic's batch ops do that.
    context.configure(connection=connection, target_metadata=tables.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    from lentera.store.engine import normalise_url

    return str(normalise_url(config.get_main_option("sqlalchemy.url")
                             or lentera_config.submissions_url()))


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=tables.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    _run(config.attributes["connection"])
else:
    # The `alembic` command line without lentera.store.migrate: one transaction of its own.
    with create_engine(_url()).begin() as conn:
        _run(conn)
