"""The store's structure on SQLite and PostgreSQL: one migration path (Alembic, old SQLite stores
upgraded in place), one writer of events, officials' writes atomic with their audit entries, and
the photo sweep (at start-up and from the command line)."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lentera import cli
from lentera.core import forms
from lentera.services import petugas
from lentera.store import audit, auth, engine, migrate, photos, submissions, tables

ROOT = Path(__file__).resolve().parent.parent
LEGACY = Path(__file__).resolve().parent / "fixtures" / "legacy_store"
PW = "kata-sandi-uji-123"


def complaint() -> dict:
    return {"kategori": "Infrastruktur", "judul": "Jalan berlubang di depan sekolah",
            "isi": "Lubang besar di jalan desa membahayakan anak sekolah setiap pagi.",
            "kode_desa": forms.desa_options()[5]["kode_desa"]}


def session_of(username: str, role: str) -> dict:
    session: dict = {}
    auth.start_session(session, auth.add_user(username, PW, role))
    return session


def count(table: str) -> int:
    with engine.read_connection() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


def legacy_store(tmp_path: Path, name: str, monkeypatch) -> Path:
    """A SQLite store exactly as the pre-Alembic code left it (its dump, saved from that code)."""
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.executescript((LEGACY / f"{name}.sql").read_text(encoding="utf-8"))
    con.close()
    monkeypatch.setenv("LENTERA_SUBMISSIONS_URL", f"sqlite:///{path}")
    monkeypatch.setenv("LENTERA_UPLOADS", str(tmp_path / "uploads"))
    return path


def broken_audit(*args, **kwargs):
    raise RuntimeError("audit write failed")


def old_file(path: Path, hours: float = 3) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


# ---------------------------------------------------------------- one migration path

def test_every_table_is_created_by_the_migrations(store):
    submissions.init()
    names = set(sa.inspect(engine.current()).get_table_names())
    assert names == set(tables.metadata.tables) | {"alembic_version"}
    assert submissions.schema_revision_of() == migrate.head()


def test_the_revisions_build_exactly_the_tables_module(store):
    submissions.init()
    with engine.current().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    assert diff == []


def test_replicas_starting_together_migrate_once(store):
    url = os.environ["LENTERA_SUBMISSIONS_URL"]
    engines = [engine._new_engine(url) for _ in range(2)]
    try:
        for eng in engines:
            migrate.upgrade(eng)
        with engines[0].connect() as conn:
            assert migrate.current_revision(conn) == migrate.head()
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar_one() == 1
    finally:
        for eng in engines:
            eng.dispose()


def test_db_commands_upgrade_and_report_the_revision(store, capsys):
    assert cli.main(["db", "upgrade"]) == 0
    assert cli.main(["db", "current"]) == 0
    head = migrate.head()
    assert capsys.readouterr().out.splitlines()[-1] == f"store at {head}, newest {head}"


@pytest.mark.sqlite_only  # no pre-Alembic PostgreSQL store exists: the driver was missing
def test_a_version_3_store_of_the_old_code_upgrades_in_place(tmp_path, monkeypatch):
    path = legacy_store(tmp_path, "store_v3", monkeypatch)
    [ticket] = [r[0] for r in sqlite3.connect(path).execute("SELECT ticket FROM submission")]
    try:
        submissions.init()
        assert submissions.schema_revision_of() == migrate.head()
        assert "petugas_session" in sa.inspect(engine.current()).get_table_names()
        assert submissions.public_view(ticket)["status"] == "diterima"
        user = auth.authenticate("verif1", PW)
        session: dict = {}
        auth.start_session(session, user)
        assert auth.check(session, "verifikasi") == user
        assert audit.verify() == (True, None) and count("audit_log") == 2  # the old user_add, this login
        submissions.dispose_all()
        submissions.init()  # idempotent
        assert submissions.schema_revision_of() == migrate.head()
        with pytest.raises(sa.exc.DBAPIError), submissions.write_transaction() as conn:
            conn.exec_driver_sql("DELETE FROM event")
    finally:
        submissions.dispose_all()


@pytest.mark.sqlite_only
def test_a_store_whose_accounts_and_audit_were_made_on_first_use_upgrades_in_place(
        tmp_path, monkeypatch):
    # Before step 3, auth created petugas_user and audit_log (with triggers) on first use.
    legacy_store(tmp_path, "store_v2_first_use", monkeypatch)
    try:
        submissions.init()
        assert submissions.schema_revision_of() == migrate.head()
        assert audit.verify() == (True, None) and count("audit_log") == 1
        with pytest.raises(sa.exc.DBAPIError), submissions.write_transaction() as conn:
            conn.exec_driver_sql("DELETE FROM audit_log")
    finally:
        submissions.dispose_all()


# ---------------------------------------------------------------- one writer of events

def test_only_the_events_module_inserts_events():
    writer = re.compile(r"insert\(\s*(?:\w+\.)?event\b")
    found = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "lentera").rglob("*.py")
                   if writer.search(p.read_text(encoding="utf-8")))
    assert found == ["lentera/store/events.py"]


def test_an_action_whose_audit_entry_fails_leaves_no_event(store, monkeypatch):
    verif = session_of("verif1", "verifikator")
    ticket = submissions.create_pengaduan(complaint(), [])
    events_before, audit_before = count("event"), count("audit_log")
    with monkeypatch.context() as m, pytest.raises(RuntimeError, match="audit write failed"):
        m.setattr(audit, "record", broken_audit)
        petugas.act(verif, ticket, "verify", "lengkap")
    assert count("event") == events_before and count("audit_log") == audit_before
    assert submissions.public_view(ticket)["status"] == "diterima"
    petugas.act(verif, ticket, "verify", "lengkap")
    assert submissions.public_view(ticket)["status"] == "diverifikasi"
    assert audit.entries(ticket)["action"].to_list() == ["verify"]


def test_a_loket_complaint_whose_audit_entry_fails_is_not_stored(store, monkeypatch):
    loket = session_of("loket1", "loket")
    with monkeypatch.context() as m, pytest.raises(RuntimeError, match="audit write failed"):
        m.setattr(audit, "record", broken_audit)
        petugas.create_loket(loket, complaint(), "telepon")
    assert submissions.submission_count() == 0 and count("event") == 0
    ticket = petugas.create_loket(loket, complaint(), "telepon")
    [entry] = audit.entries(ticket).rows(named=True)
    assert (entry["action"], entry["reason_code"], entry["actor"]) == ("loket_create", "telepon",
                                                                       "loket1")


def test_a_contact_reveal_whose_audit_entry_fails_shows_nothing(store, monkeypatch):
    verif = session_of("verif1", "verifikator")
    ticket = submissions.create_pengaduan(complaint(), [], {"value": "081298765432",
                                                            "consent": True})
    monkeypatch.setattr(audit, "record", broken_audit)
    with pytest.raises(RuntimeError, match="audit write failed"):
        petugas.reveal_contact(verif, ticket, "konfirmasi_lokasi")


# ---------------------------------------------------------------- the photo sweep

def _orphans(store: Path) -> tuple[Path, Path]:
    root = store / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    part = root / (photos.new_file_name(".jpg") + photos.PART_SUFFIX)
    done = root / photos.new_file_name(".jpg")
    for path in (part, done):
        path.write_bytes(b"x")
        old_file(path)
    return part, done


def test_the_store_sweeps_stale_orphans_once_when_it_starts(store):
    part, done = _orphans(store)
    submissions.init()
    assert not part.exists() and not done.exists()
    later, _ = _orphans(store)
    submissions.dispose_all()
    submissions.init()  # same store in the same process: not swept again
    assert later.exists()


def test_photos_sweep_command(store, capsys):
    submissions.init()
    part, done = _orphans(store)
    fresh = store / "uploads" / photos.new_file_name(".webp")
    fresh.write_bytes(b"x")
    assert cli.main(["photos", "sweep"]) == 0
    assert capsys.readouterr().out.strip() == "photos: 0 completed, 2 deleted"
    assert not part.exists() and not done.exists() and fresh.exists()
    assert cli.main(["photos", "sweep", "--older-than-hours", "0"]) == 0
    assert not fresh.exists()
