"""Secrets the app keeps in the store, so every process on every machine signs with the same key."""

from __future__ import annotations

import secrets

from sqlalchemy import insert, select

from lentera.store import engine
from lentera.store.tables import app_secret


def app_secret_value(name: str) -> str:
    """The secret called `name`, created (random, 256 bits) on first use and kept in the store."""
    t = app_secret
    with engine.read_connection() as conn:
        value = conn.execute(select(t.c.value).where(t.c.name == name)).scalar()
    if value is not None:
        return value
    with engine.write_transaction() as conn:  # writers take turns: one process creates it
        value = conn.execute(select(t.c.value).where(t.c.name == name)).scalar()
        if value is None:
            value = secrets.token_hex(32)
            conn.execute(insert(t).values(name=name, value=value))
    return value
