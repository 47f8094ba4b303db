"""The hash-chained audit log on SQLite and PostgreSQL: intact chains verify, any edited or
deleted row is found, and writers in several processes append one unforked chain."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from lentera import cli
from lentera.store import audit, engine, submissions, tables

ROOT = Path(__file__).resolve().parent.parent
# What an intruder with database access runs first; the chain still gives them away.
DROP_TRIGGERS = {
    "sqlite": ["DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"],
    "postgresql": ["DROP TRIGGER audit_append_only ON audit_log"],
}


@pytest.fixture
def store(store):
    """conftest's fresh store, created."""
    submissions.init()
    return store


def _fill(n: int) -> None:
    for i in range(n):
        with submissions.write_transaction() as conn:
            audit.record(conn, actor=f"petugas{i % 3}", role="verifikator", action="verify",
                         ticket=f"LTR-0000-000{i % 10}", reason_code="lengkap", note=f"catatan {i}")


def _raw(store_sql):
    """`store_sql` once the intruder has dropped the append-only triggers."""
    for statement in DROP_TRIGGERS[engine.current().dialect.name]:
        store_sql(statement)
    return store_sql


def test_intact_chain_verifies_and_links_each_entry(store, store_sql):
    _fill(12)
    assert audit.verify() == (True, None)
    rows = store_sql("SELECT id, prev_hash, hash FROM audit_log ORDER BY id")
    assert [r[0] for r in rows] == list(range(1, 13))
    assert rows[0][1] == audit.GENESIS
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, len(rows)))


def test_triggers_refuse_update_and_delete(store, store_sql):
    _fill(2)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        store_sql("UPDATE audit_log SET note = 'x' WHERE id = 1")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        store_sql("DELETE FROM audit_log WHERE id = 1")
    assert audit.verify() == (True, None)


@pytest.mark.parametrize("column", ["actor", "action", "reason_code", "note", "at"])
def test_edited_row_breaks_the_chain_at_that_id(store, store_sql, column):
    _fill(8)
    raw = _raw(store_sql)
    value = dt.datetime(2020, 1, 1) if column == "at" else "diubah"
    raw(sa.update(tables.audit_log).where(tables.audit_log.c.id == 5).values({column: value}))
    assert audit.verify() == (False, 5)


def test_rehashed_row_is_caught_by_its_successor(store, store_sql):
    _fill(6)
    raw = _raw(store_sql)
    t = tables.audit_log
    [row] = raw(sa.select(t).where(t.c.id == 3))
    entry = row._asdict() | {"note": "disamarkan"}
    raw(sa.update(t).where(t.c.id == 3).values(note="disamarkan",
                                                hash=audit.entry_hash(entry, row.prev_hash)))
    assert audit.verify() == (False, 4)


def test_deleted_row_breaks_the_chain_at_the_next_id(store, store_sql):
    _fill(6)
    _raw(store_sql)("DELETE FROM audit_log WHERE id = 2")
    assert audit.verify() == (False, 3)


def test_cli_audit_verify_exit_codes(store, store_sql, capsys):
    _fill(3)
    assert cli.main(["audit", "verify"]) == 0
    _raw(store_sql)("UPDATE audit_log SET actor = 'x' WHERE id = 2")
    assert cli.main(["audit", "verify"]) == 1
    assert "2" in capsys.readouterr().out


APPEND_MANY = textwrap.dedent("""
    import sys
    from lentera.store import audit, engine
    name, n = sys.argv[1], int(sys.argv[2])
    sys.stdin.readline()  # start together
    for i in range(n):
        with engine.write_transaction() as conn:
            audit.record(conn, actor=name, role="verifikator", action="verify", note=str(i))
""")


def test_processes_appending_at_once_keep_one_chain(store):
    n, writers = 40, 3
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = [subprocess.Popen([sys.executable, "-c", APPEND_MANY, f"proc{k}", str(n)], env=env,
                              stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in range(writers)]
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-2000:]
    assert audit.verify() == (True, None)
    counts = audit.entries(limit=writers * n + 10)["actor"].value_counts()
    assert sorted(counts["count"].to_list()) == [n] * writers


@pytest.mark.postgresql_only  # on SQLite, BEGIN IMMEDIATE already serialises every writer
def test_an_append_outside_the_writers_turn_still_waits_for_the_tail(store):
    """On PostgreSQL the audit lock alone serialises two connections appending at once."""
    import threading

    eng = engine.current()
    first_in = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            first_in.wait(10)
            with eng.begin() as conn:
                audit.record(conn, actor="b", role="verifikator", action="verify")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    with eng.begin() as conn:
        audit.record(conn, actor="a", role="verifikator", action="verify")
        first_in.set()
        thread.join(0.5)  # the second append is now waiting for this transaction's lock
        assert thread.is_alive()
    thread.join(30)
    assert not errors and audit.verify() == (True, None)
    assert sorted(audit.entries()["actor"].to_list()) == ["a", "b"]
