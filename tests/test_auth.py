"""Accounts, argon2id, lock-out, sessions and role checks against a real SQLite store."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3

import pytest

from lentera import cli
from lentera.store import auth

PW = "kata-sandi-uji-123"
SKPD = "1.03.0.00.0.00.01.0000"


def test_password_is_stored_as_argon2id_never_plain(store):
    auth.add_user("verif1", PW, "verifikator")
    (digest,) = sqlite3.connect(store / "sub.sqlite").execute(
        "SELECT password_hash FROM petugas_user WHERE username = 'verif1'").fetchone()
    assert digest.startswith("$argon2id$") and PW not in digest
    assert auth.authenticate("VERIF1", PW) == auth.User("verif1", "verifikator", None)


@pytest.mark.parametrize(("role", "skpd"), [("opd", None), ("opd", "9.99"), ("loket", SKPD),
                                            ("kepala", None)])
def test_role_and_office_binding_are_validated(store, role, skpd):
    with pytest.raises(auth.AuthError):
        auth.add_user("someone", PW, role, skpd)


def test_short_password_and_duplicate_user_refused(store):
    with pytest.raises(auth.AuthError):
        auth.add_user("short", "pendek", "loket")
    auth.add_user("dup", PW, "loket")
    with pytest.raises(auth.AuthError):
        auth.add_user("dup", PW, "loket")


def test_lockout_after_max_failures_even_with_the_right_password(store):
    auth.add_user("opd1", PW, "opd", SKPD)
    for _ in range(auth.MAX_FAILED - 1):
        with pytest.raises(auth.InvalidCredentialsError):
            auth.authenticate("opd1", "salah-salah-salah")
    with pytest.raises(auth.LockedOutError):
        auth.authenticate("opd1", "salah-salah-salah")
    with pytest.raises(auth.LockedOutError):
        auth.authenticate("opd1", PW)
    # an administrator's reset lifts the lock
    auth.reset_password("opd1", PW + "x")
    assert auth.authenticate("opd1", PW + "x").role == "opd"


def test_lock_expires_after_lock_minutes(store):
    auth.add_user("opd2", PW, "opd", SKPD)
    for _ in range(auth.MAX_FAILED):
        with pytest.raises(auth.AuthError):
            auth.authenticate("opd2", "salah-salah-salah")
    past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)
    con = sqlite3.connect(store / "sub.sqlite")
    con.execute("UPDATE petugas_user SET locked_until = ? WHERE username = 'opd2'",
                (past.isoformat(sep=" "),))
    con.commit()
    assert auth.authenticate("opd2", PW).username == "opd2"


def test_unknown_and_disabled_users_get_the_same_error(store):
    auth.add_user("gone", PW, "loket")
    auth.disable_user("gone")
    for name in ("gone", "nobody-here"):
        with pytest.raises(auth.InvalidCredentialsError):
            auth.authenticate(name, PW)


def test_session_expires_idle_and_absolute_and_on_disable(store):
    user = auth.add_user("verif2", PW, "verifikator")
    t0 = dt.datetime(2026, 10, 1, 8, 0)
    session: dict = {}
    auth.start_session(session, user, now=t0)
    assert auth.check(session, "verifikasi", now=t0 + dt.timedelta(minutes=29)) == user
    assert auth.session_user(session, now=t0 + dt.timedelta(minutes=60)) is None
    auth.start_session(session, user, now=t0)
    for minutes in range(25, 8 * 60, 25):  # active all day: the absolute limit still applies
        assert auth.session_user(session, now=t0 + dt.timedelta(minutes=minutes)) is not None
    assert auth.session_user(session, now=t0 + dt.timedelta(hours=8, minutes=5)) is None
    auth.start_session(session, user)
    auth.disable_user("verif2")
    with pytest.raises(auth.PermissionDeniedError):
        auth.check(session, "verifikasi")


@pytest.mark.parametrize(("role", "skpd", "allowed"), [
    ("admin", None, {"tinjauan", "verifikasi", "tindak_lanjut", "loket"}),
    ("verifikator", None, {"tinjauan", "verifikasi", "loket"}),
    ("opd", SKPD, {"tinjauan", "tindak_lanjut"}),
    ("loket", None, {"loket"}),
])
def test_each_role_opens_only_its_pages(store, role, skpd, allowed):
    user = auth.add_user(f"u-{role}", PW, role, skpd)
    session: dict = {}
    auth.start_session(session, user)
    for page in ("tinjauan", "verifikasi", "tindak_lanjut", "loket"):
        if page in allowed:
            assert auth.check(session, page) == user
        else:
            with pytest.raises(auth.PermissionDeniedError):
                auth.check(session, page)
    with pytest.raises(auth.PermissionDeniedError):
        auth.check({}, "loket")


def test_cli_reads_password_from_stdin_and_manages_users(store, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    assert cli.main(["users", "add", "cli-opd", "--role", "opd", "--skpd", SKPD,
                     "--password-stdin"]) == 0
    assert auth.authenticate("cli-opd", PW).kode_skpd == SKPD
    assert cli.main(["users", "add", "bad", "--role", "opd", "--password-stdin"]) == 1
    assert cli.main(["users", "disable", "cli-opd"]) == 0
    assert auth.lookup("cli-opd") is None
    monkeypatch.setattr("sys.stdin", io.StringIO("sandi-baru-sekali\n"))
    assert cli.main(["users", "reset", "cli-opd", "--password-stdin"]) == 0
    assert auth.authenticate("cli-opd", "sandi-baru-sekali").role == "opd"
    assert PW not in capsys.readouterr().out
