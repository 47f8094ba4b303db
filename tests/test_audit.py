"""The hash-chained audit log: intact chains verify, any edited or deleted row is found."""

from __future__ import annotations

import sqlite3

import pytest

from lentera import cli
from lentera.store import audit, submissions


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


def _raw(store) -> sqlite3.Connection:
    con = sqlite3.connect(store / "sub.sqlite")
    # an intruder with file access can drop the triggers; the chain still gives them away
    con.execute("DROP TRIGGER audit_no_update")
    con.execute("DROP TRIGGER audit_no_delete")
    return con


def test_intact_chain_verifies_and_links_each_entry(store):
    _fill(12)
    assert audit.verify() == (True, None)
    rows = sqlite3.connect(store / "sub.sqlite").execute(
        "SELECT id, prev_hash, hash FROM audit_log ORDER BY id").fetchall()
    assert [r[0] for r in rows] == list(range(1, 13))
    assert rows[0][1] == audit.GENESIS
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, len(rows)))


def test_triggers_refuse_update_and_delete(store):
    _fill(2)
    con = sqlite3.connect(store / "sub.sqlite")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("UPDATE audit_log SET note = 'x' WHERE id = 1")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("DELETE FROM audit_log WHERE id = 1")


@pytest.mark.parametrize("column", ["actor", "action", "reason_code", "note", "at"])
def test_edited_row_breaks_the_chain_at_that_id(store, column):
    _fill(8)
    con = _raw(store)
    value = "2020-01-01 00:00:00.000000" if column == "at" else "diubah"
    con.execute(f"UPDATE audit_log SET {column} = ? WHERE id = 5", (value,))
    con.commit()
    assert audit.verify() == (False, 5)


def test_rehashed_row_is_caught_by_its_successor(store):
    _fill(6)
    con = _raw(store)
    row = con.execute("SELECT id, at, actor, role, action, ticket, reason_code, note, prev_hash "
                      "FROM audit_log WHERE id = 3").fetchone()
    import datetime as dt

    entry = dict(zip(("id", "at", "actor", "role", "action", "ticket", "reason_code", "note"),
                     row[:8], strict=True))
    entry["at"] = dt.datetime.fromisoformat(entry["at"])
    entry["note"] = "disamarkan"
    con.execute("UPDATE audit_log SET note = ?, hash = ? WHERE id = 3",
                ("disamarkan", audit.entry_hash(entry, row[8])))
    con.commit()
    assert audit.verify() == (False, 4)


def test_deleted_row_breaks_the_chain_at_the_next_id(store):
    _fill(6)
    con = _raw(store)
    con.execute("DELETE FROM audit_log WHERE id = 2")
    con.commit()
    assert audit.verify() == (False, 3)


def test_cli_audit_verify_exit_codes(store, capsys):
    _fill(3)
    assert cli.main(["audit", "verify"]) == 0
    con = _raw(store)
    con.execute("UPDATE audit_log SET actor = 'x' WHERE id = 2")
    con.commit()
    assert cli.main(["audit", "verify"]) == 1
    assert "2" in capsys.readouterr().out
