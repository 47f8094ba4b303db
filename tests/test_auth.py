"""Accounts, argon2id, lock-out, server-side sessions and role checks on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from lentera import cli
from lentera.store import audit, auth, tables

PW = "kata-sandi-uji-123"
SKPD = "1.03.0.00.0.00.01.0000"


def test_password_is_stored_as_argon2id_never_plain(store_sql):
    auth.add_user("verif1", PW, "verifikator")
    [(digest,)] = store_sql("SELECT password_hash FROM petugas_user WHERE username = 'verif1'")
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


def test_lock_expires_after_lock_minutes(store_sql):
    auth.add_user("opd2", PW, "opd", SKPD)
    t0 = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for _ in range(auth.MAX_FAILED):
        with pytest.raises(auth.AuthError):
            auth.authenticate("opd2", "salah-salah-salah", now=t0)
    with pytest.raises(auth.LockedOutError):
        auth.authenticate("opd2", PW, now=t0 + dt.timedelta(minutes=auth.LOCK_MINUTES - 1))
    # the throttle is a window in the store (issue 13): it ends LOCK_MINUTES after the failures
    later = t0 + dt.timedelta(minutes=auth.LOCK_MINUTES, seconds=1)
    assert auth.authenticate("opd2", PW, now=later).username == "opd2"


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


def test_a_session_lives_in_the_store_and_resumes_anywhere(store, store_sql):
    user = auth.add_user("verif3", PW, "verifikator")
    t0 = dt.datetime(2026, 10, 1, 8, 0)
    first: dict = {}
    auth.start_session(first, user, now=t0)
    token = auth.session_token(first)
    # only the hash is stored, never the token itself
    [(stored, username)] = store_sql("SELECT token_hash, username FROM petugas_session")
    assert username == "verif3" and token not in stored and len(stored) == 64
    # another process (or replica) that holds only the token resumes the session
    other = {auth.SESSION_KEY: token}
    assert auth.check(other, "verifikasi", now=t0 + dt.timedelta(minutes=20)) == user
    assert auth.session_from_token(token, now=t0 + dt.timedelta(minutes=45)) == user
    assert auth.session_from_token("not-a-token", now=t0) is None
    assert auth.session_from_token(None) is None


def test_last_use_is_written_at_most_once_a_minute(store, store_sql):
    user = auth.add_user("verif4", PW, "verifikator")
    t0 = dt.datetime(2026, 10, 1, 8, 0)
    token = auth.open_session(user, now=t0)

    def seen() -> dt.datetime:
        return store_sql(sa.select(tables.petugas_session.c.seen_at))[0][0]

    assert auth.session_from_token(token, now=t0 + dt.timedelta(seconds=30)) == user
    assert seen() == t0
    later = t0 + dt.timedelta(seconds=auth.SEEN_EVERY_SECONDS + 1)
    assert auth.session_from_token(token, now=later) == user
    assert seen() == later
    # idle is measured from the last written use
    assert auth.session_from_token(token, now=later + dt.timedelta(minutes=29)) == user
    assert auth.session_from_token(
        token, now=later + dt.timedelta(minutes=29 + auth.IDLE_MINUTES + 1)) is None


def test_sign_out_revokes_the_session_on_every_copy(store):
    user = auth.add_user("verif5", PW, "verifikator")
    session: dict = {}
    auth.start_session(session, user)
    copy = dict(session)  # the same session as seen by another tab or replica
    token = auth.session_token(session)
    auth.sign_out(session)
    assert auth.session_user(copy) is None and auth.SESSION_KEY not in copy
    auth.sign_out({auth.SESSION_KEY: token})  # again, from another tab: logged once
    assert auth.revoke_session("unknown-token") is None
    assert audit.entries()["action"].to_list().count("logout") == 1


def test_disable_and_reset_revoke_every_session_of_the_user(store):
    user = auth.add_user("verif6", PW, "verifikator")
    keep = auth.add_user("verif7", PW, "verifikator")
    tokens = [auth.open_session(user) for _ in range(3)]
    other = auth.open_session(keep)
    auth.disable_user("verif6")
    assert [auth.session_from_token(t) for t in tokens] == [None, None, None]
    # re-enabled by a reset: the old sessions stay revoked
    auth.reset_password("verif6", PW + "x")
    assert [auth.session_from_token(t) for t in tokens] == [None, None, None]
    fresh = auth.open_session(user)
    auth.reset_password("verif6", PW + "y")
    assert auth.session_from_token(fresh) is None
    assert auth.session_from_token(other) == keep


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
