"""An audit log you can anchor (issue 13, item 8), on SQLite and PostgreSQL: the chain head is
published (Data page, data package), and `audit verify --against HEAD` catches what a chain
checked alone cannot — the newest entries deleted, or a row rewritten and the chain recomputed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from etl import export
from lentera import cli
from lentera.store import audit, engine, submissions, tables

APP = Path(__file__).resolve().parent.parent / "app.py"
DROP_TRIGGERS = {
    "sqlite": ["DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"],
    "postgresql": ["DROP TRIGGER audit_append_only ON audit_log"],
}


@pytest.fixture
def store(store):
    submissions.init()
    return store


def _fill(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with submissions.write_transaction() as conn:
            audit.record(conn, actor=f"petugas{i % 3}", role="verifikator", action="verify",
                         ticket=f"LTR-0000-000{i % 10}", reason_code="lengkap", note=f"catatan {i}")


def _raw(store_sql):
    """`store_sql` once an intruder has dropped the append-only triggers."""
    for statement in DROP_TRIGGERS[engine.current().dialect.name]:
        store_sql(statement)
    return store_sql


def _recomputed_chain(store_sql) -> list[tuple[int, str]]:
    """(id, hash) of every row, the chain recomputed here from the rows' own fields."""
    prev, out = audit.GENESIS, []
    for row in store_sql(sa.select(tables.audit_log).order_by(tables.audit_log.c.id)):
        prev = audit.entry_hash(row._asdict(), prev)
        out.append((row.id, prev))
    return out


def _rewrite_and_recompute(raw, entry_id: int, note: str) -> None:
    """What a careful intruder does: change one row, then rehash it and every row after it."""
    t = tables.audit_log
    rows = raw(sa.select(t).where(t.c.id >= entry_id).order_by(t.c.id))
    [prev_row] = raw(sa.select(t.c.hash).where(t.c.id == entry_id - 1)) if entry_id > 1 else [
        (audit.GENESIS,)]
    prev = prev_row[0]
    for row in rows:
        entry = row._asdict() | ({"note": note} if row.id == entry_id else {})
        new = audit.entry_hash(entry, prev)
        raw(sa.update(t).where(t.c.id == row.id).values(note=entry["note"], prev_hash=prev,
                                                         hash=new))
        prev = new


def test_head_is_the_last_entrys_hash_and_the_count(store, store_sql):
    assert audit.head() == audit.AuditHead(audit.GENESIS, 0, None)
    _fill(7)
    head = audit.head()
    chain = _recomputed_chain(store_sql)
    assert (head.hash, head.count) == (chain[-1][1], len(chain)) == (chain[-1][1], 7)
    assert head.anchor == f"{chain[-1][1]}:7" and head.at is not None
    assert audit.verify_against(*audit.parse_anchor(head.anchor)).ok


def test_an_older_head_still_verifies_after_new_entries(store):
    _fill(4)
    old = audit.head()
    _fill(3, start=4)
    check = audit.verify_against(old.hash, old.count)
    assert check.ok and check.count == 7


def test_deleted_newest_entries_pass_alone_but_not_against_the_head(store, store_sql, capsys):
    _fill(8)
    head = audit.head()
    _raw(store_sql)("DELETE FROM audit_log WHERE id > 5")
    assert audit.verify() == (True, None)  # the weakness the anchor closes
    check = audit.verify_against(head.hash, head.count)
    assert not check.ok and check.problem == "truncated" and (check.count, check.entry) == (5, 8)
    assert cli.main(["audit", "verify"]) == 0
    assert cli.main(["audit", "verify", "--against", head.anchor]) == 1
    assert "TRUNCATED" in capsys.readouterr().out


def test_a_recomputed_tail_passes_alone_but_not_against_the_head(store, store_sql, capsys):
    _fill(8)
    head = audit.head()
    _rewrite_and_recompute(_raw(store_sql), 3, "disamarkan")
    assert audit.verify() == (True, None)  # every hash matches its row again
    check = audit.verify_against(head.hash, head.count)
    assert not check.ok and check.problem == "rewritten" and check.entry == 8
    assert cli.main(["audit", "verify", "--against", head.anchor]) == 1
    assert "REWRITTEN" in capsys.readouterr().out


def test_truncated_then_refilled_to_the_same_count_is_caught(store, store_sql):
    _fill(6)
    head = audit.head()
    _raw(store_sql)("DELETE FROM audit_log WHERE id > 4")
    _fill(2, start=100)  # new entries appended where the deleted ones were
    assert audit.verify() == (True, None) and audit.head().count == head.count
    assert audit.verify_against(head.hash, head.count).problem == "rewritten"


def test_a_plainly_broken_chain_is_reported_first(store, store_sql):
    _fill(5)
    head = audit.head()
    _raw(store_sql)("UPDATE audit_log SET actor = 'x' WHERE id = 2")
    check = audit.verify_against(head.hash, head.count)
    assert (check.ok, check.problem, check.entry) == (False, "broken", 2)


@pytest.mark.parametrize("anchor", ["", "abc:3", "zz" * 32 + ":1", "a" * 64, "a" * 64 + ":x"])
def test_a_malformed_anchor_is_a_usage_error(store, anchor, capsys):
    with pytest.raises(audit.AnchorError):
        audit.parse_anchor(anchor)
    assert cli.main(["audit", "verify", "--against", anchor]) == 2
    assert "error:" in capsys.readouterr().err


def test_the_data_package_publishes_the_head_and_verifies_against_it(store, store_sql,
                                                                      fixture_warehouse,
                                                                      tmp_path, capsys):
    _fill(5)
    head = audit.head()
    path = export.export_package(fixture_warehouse.db, tmp_path / "pkg")
    doc = json.loads(path.read_text())
    assert doc["x-audit-head"]["anchor"] == head.anchor
    file = tmp_path / "pkg" / export.AUDIT_HEAD_FILE
    assert json.loads(file.read_text())["count"] == 5
    _fill(2, start=5)
    for anchor in (str(file), str(path)):
        assert cli.main(["audit", "verify", "--against", anchor]) == 0
    _raw(store_sql)("DELETE FROM audit_log WHERE id > 3")
    assert cli.main(["audit", "verify", "--against", str(file)]) == 1
    assert "TRUNCATED" in capsys.readouterr().out


def test_no_store_no_head_and_the_export_does_not_make_one(tmp_path, monkeypatch,
                                                           fixture_warehouse):
    db = tmp_path / "none" / "sub.sqlite"
    monkeypatch.setenv("LENTERA_SUBMISSIONS_URL", f"sqlite:///{db}")
    assert audit.head_if_present() is None
    path = export.export_package(fixture_warehouse.db, tmp_path / "pkg")
    assert json.loads(path.read_text())["x-audit-head"] is None
    assert not (tmp_path / "pkg" / export.AUDIT_HEAD_FILE).exists() and not db.exists()


@pytest.mark.sqlite_only
def test_every_export_version_carries_the_head_in_manifest_and_zip(store, fixture_warehouse,
                                                                   tmp_path):
    _fill(3)
    doc = export.write_exports(fixture_warehouse.db, tmp_path / "exports" / "v1")
    assert doc["audit_head"]["anchor"] == audit.head().anchor
    manifest = json.loads((tmp_path / "exports" / "v1" / "manifest.json").read_text())
    assert manifest["audit_head"]["count"] == 3
    with zipfile.ZipFile(tmp_path / "exports" / "v1" / doc["package"]["file"]) as zf:
        inside = json.loads(zf.read(f"{export.PACKAGE_DIR}/{export.AUDIT_HEAD_FILE}"))
    assert inside["anchor"] == audit.head().anchor


def test_the_data_page_shows_the_head(warehouse_env, monkeypatch):
    submissions.dispose_all()
    submissions.init()
    _fill(4)
    head = audit.head()
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    codes = [c.value for c in at.code]
    assert head.anchor in codes
    # the command names the package's head when the files carry one, else the live head
    assert any(c.startswith("python -m lentera audit verify --against ") for c in codes)
    submissions.dispose_all()
