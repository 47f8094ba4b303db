"""Officials' sign-in: local accounts (argon2id) in the submissions store, roles, throttle, sessions.

Accounts live in the `petugas_user` table of the submissions store (never in the warehouse).
Sessions are server-side records (`petugas_session`): `open_session` returns a random token and
stores only its sha256, so any process or replica can resume it (`session_from_token`) and a
sign-out or a disabled account revokes it everywhere. In the app the token sits in the session
mapping (Streamlit's `st.session_state`, a plain dict in tests) under SESSION_KEY and in the
officials' cookie; `check(session, page_or_action)` re-reads session and account from the store
on EVERY call, so a disabled account, a changed role or an expired session stops the next
action, not the next sign-in. Optional single sign-on: `st.login` when `[auth]` is in the
Streamlit secrets; the signed-in e-mail must match an enabled local account name.

Failed sign-ins never lock an account for everyone (anyone could lock an official out) and never
tell which names exist: failures are counted per client address + name and per address
(lentera.store.ratelimit), whether or not the name exists, so unknown, wrong-password and
disabled accounts get the same answers in the same order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, insert, select, update

from lentera.core import forms
from lentera.core.errors import RefusedError
from lentera.store import audit, engine, ratelimit
from lentera.store.tables import petugas_session, petugas_user, utc_now

ROLES = ("admin", "verifikator", "opd", "loket")
# Which officials' page each role may open (url_path names of app.py).
ROLE_PAGES: dict[str, tuple[str, ...]] = {
    "admin": ("tinjauan", "verifikasi", "tindak_lanjut", "loket", "akun"),
    "verifikator": ("tinjauan", "verifikasi", "loket"),
    "opd": ("tinjauan", "tindak_lanjut"),
    "loket": ("loket",),
}
MAX_FAILED = 5  # failed sign-ins of one name from one address before that pair waits
MAX_FAILED_ADDRESS = 20  # failed sign-ins of any names from one address before it waits
LOCK_MINUTES = 15  # the window both are counted in
SESSION_HOURS = 8  # absolute lifetime of a session
IDLE_MINUTES = 30  # a session unused this long expires
SEEN_EVERY_SECONDS = 60  # last use is written at most this often (one write a minute, not a click)
MIN_PASSWORD = 10
SESSION_KEY = "_petugas"
ACCOUNT_ACTOR = "cli"  # the audit actor of account changes made on the command line (lentera.cli)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class AuthError(RefusedError):
    """Sign-in or account management failed; the message names what was wrong with the account."""

    key = "errors.auth_account"

    def __init__(self, detail: str = "", **params) -> None:
        super().__init__(detail, **({"what": detail} | params))


class InvalidCredentialsError(AuthError):
    """Unknown user, wrong password or disabled account (one message: no user enumeration)."""

    key = "errors.auth_invalid"


class LockedOutError(AuthError):
    """Too many failed sign-ins from this address: it may try again at `until` (UTC)."""

    key = "errors.auth_locked"

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"locked until {until:%Y-%m-%d %H:%M} UTC",
                         until=f"{until:%H:%M} UTC")
        self.until = until


class SessionExpiredError(AuthError):
    """The session is older than SESSION_HOURS or idle longer than IDLE_MINUTES."""

    key = "errors.auth_expired"


class PermissionDeniedError(AuthError):
    """The signed-in user (if any) may not open this page or take this action."""

    key = "errors.petugas_role"


@dataclass(frozen=True)
class User:
    """A signed-in official as read from the store just now."""

    username: str
    role: str
    kode_skpd: str | None

    def may(self, page: str) -> bool:
        return page in ROLE_PAGES.get(self.role, ())


def _valid_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise AuthError("username: 3-64 characters a-z 0-9 . _ @ -")
    return name


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AuthError(f"password: at least {MIN_PASSWORD} characters")


def _row(conn, username: str):
    return conn.execute(select(petugas_user).where(petugas_user.c.username == username)).first()


def _check_role(role: str, kode_skpd: str | None) -> None:
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if role == "opd":
        if kode_skpd not in forms.skpd_codes():
            raise AuthError(f"unknown kode_skpd {kode_skpd!r}")
    elif kode_skpd:
        raise AuthError("only opd users are bound to a kode_skpd")


def add_user(username: str, password: str, role: str, kode_skpd: str | None = None, *,
             actor: str = ACCOUNT_ACTOR) -> User:
    """Create an account; `opd` users must name their kode_skpd, others must not."""
    name = _valid_username(username)
    _check_role(role, kode_skpd)
    _check_password(password)
    digest = _hasher.hash(password)
    now = utc_now()
    with engine.write_transaction() as conn:
        if _row(conn, name) is not None:
            raise AuthError(f"user {name!r} exists")
        conn.execute(insert(petugas_user).values(
            username=name, role=role, kode_skpd=kode_skpd if role == "opd" else None,
            password_hash=digest, disabled=False, failed_count=0, created_at=now,
            password_changed_at=now))
        audit.record(conn, actor=actor, role="admin", action="user_add",
                     note=f"{name} ({role}{' ' + kode_skpd if role == 'opd' else ''})")
    return User(name, role, kode_skpd if role == "opd" else None)


def disable_user(username: str, *, actor: str = ACCOUNT_ACTOR) -> None:
    """Disable an account: its open sessions stop at their next action."""
    name = _valid_username(username)
    with engine.write_transaction() as conn:
        done = conn.execute(update(petugas_user).where(petugas_user.c.username == name)
                            .values(disabled=True))
        if done.rowcount != 1:
            raise AuthError(f"no user {name!r}")
        _revoke_all(conn, name, utc_now())
        audit.record(conn, actor=actor, role="admin", action="user_disable", note=name)


def reset_password(username: str, password: str, *, actor: str = ACCOUNT_ACTOR) -> None:
    """Set a new password, re-enable the account and clear its lock-out."""
    name = _valid_username(username)
    _check_password(password)
    digest = _hasher.hash(password)
    with engine.write_transaction() as conn:
        done = conn.execute(update(petugas_user).where(petugas_user.c.username == name).values(
            password_hash=digest, disabled=False, failed_count=0, locked_until=None,
            password_changed_at=utc_now()))
        if done.rowcount != 1:
            raise AuthError(f"no user {name!r}")
        # A reset after a suspected compromise must also end sessions opened with the old one.
        _revoke_all(conn, name, utc_now())
        audit.record(conn, actor=actor, role="admin", action="user_reset", note=name)
    # the new password may be tried at once, from wherever this name was throttled
    ratelimit.forget(subject=_subject(name))


def set_role(username: str, role: str, kode_skpd: str | None = None, *,
             actor: str = ACCOUNT_ACTOR) -> User:
    """Give an account another role (and office, for `opd`); its sessions end, so it signs in anew."""
    name = _valid_username(username)
    _check_role(role, kode_skpd)
    office = kode_skpd if role == "opd" else None
    with engine.write_transaction() as conn:
        done = conn.execute(update(petugas_user).where(petugas_user.c.username == name)
                            .values(role=role, kode_skpd=office))
        if done.rowcount != 1:
            raise AuthError(f"no user {name!r}")
        _revoke_all(conn, name, utc_now())
        audit.record(conn, actor=actor, role="admin", action="user_role",
                     note=f"{name} ({role}{' ' + office if office else ''})")
    return User(name, role, office)


@dataclass(frozen=True)
class Account:
    """An account as the admin page lists it (never its password hash)."""

    username: str
    role: str
    kode_skpd: str | None
    disabled: bool
    created_at: dt.datetime
    password_changed_at: dt.datetime


def accounts() -> list[Account]:
    """Every account, disabled ones included, by name (for the admin page)."""
    u = petugas_user
    with engine.read_connection() as conn:
        rows = conn.execute(select(u.c.username, u.c.role, u.c.kode_skpd, u.c.disabled,
                                   u.c.created_at, u.c.password_changed_at)
                            .order_by(u.c.username)).all()
    return [Account(r.username, r.role, r.kode_skpd, bool(r.disabled), r.created_at,
                    r.password_changed_at) for r in rows]


def users() -> list[User]:
    """Every enabled account (for the CLI and admin views)."""
    with engine.read_connection() as conn:
        rows = conn.execute(select(petugas_user).where(petugas_user.c.disabled.is_(False))
                            .order_by(petugas_user.c.username)).all()
    return [User(r.username, r.role, r.kode_skpd) for r in rows]


def _subject(name: str) -> str:
    return ratelimit.key_hash("login.subject", name)


def _throttle_keys(name: str, address: str | None) -> list[tuple[str, int]]:
    """(key, limit) of this name from this address, and of this address; no address: the name."""
    where = ratelimit.address_key(address) if address else "-"
    keys = [(ratelimit.key_hash("login.pair", f"{where}|{name}"), MAX_FAILED)]
    if address:
        keys.append((ratelimit.key_hash("login.address", where), MAX_FAILED_ADDRESS))
    return keys


def authenticate(username: str, password: str, address: str | None = None, *,
                 now: dt.datetime | None = None) -> User:
    """The account for these credentials; failures throttle this address (not the account).

    Unknown names, wrong passwords and disabled accounts raise InvalidCredentialsError and count
    alike; the MAX_FAILED-th failure of a name from an address (or the MAX_FAILED_ADDRESS-th of
    any names) raises LockedOutError, and so does every attempt from there until the window ends,
    the right password included. `address` is the client's (None: the CLI, counted by name).
    """
    name = (username or "").strip().lower()
    now = now or utc_now()
    keys = _throttle_keys(name, address)
    window = LOCK_MINUTES * 60
    waiting = ratelimit.attempt(keys, window, record=False, now=now)
    if not waiting.allowed:
        raise LockedOutError(now + dt.timedelta(seconds=waiting.retry_after_seconds))
    error: AuthError | None = None
    # Failures are committed before raising: an exception inside the transaction would roll
    # the audit entry back.
    with engine.write_transaction() as conn:
        row = _row(conn, name) if _USERNAME.match(name) else None
        if row is None:
            # Spend the same time as a real check, so timing does not reveal which names exist.
            _verify(_DUMMY_HASH, password or "")
            error = InvalidCredentialsError("invalid credentials")
        elif row.disabled or not _verify(row.password_hash, password or ""):
            error = InvalidCredentialsError("invalid credentials")
        else:
            changes: dict = {"failed_count": 0, "locked_until": None}
            if _hasher.check_needs_rehash(row.password_hash):
                changes["password_hash"] = _hasher.hash(password)
            conn.execute(update(petugas_user).where(petugas_user.c.username == name)
                         .values(**changes))
            audit.record(conn, actor=name, role=row.role, action="login")
    if error is None:
        ratelimit.forget(keys=[keys[0][0]])  # a success clears this pair's typos, not the address
        return User(row.username, row.role, row.kode_skpd)
    ratelimit.note([k for k, _ in keys], window, subject=_subject(name), now=now)
    after = ratelimit.attempt(keys, window, record=False, now=now)
    if row is not None:
        with engine.write_transaction() as conn:
            audit.record(conn, actor=name, role=row.role,
                         action="login_failed" if after.allowed else "login_locked")
    if not after.allowed:
        raise LockedOutError(now + dt.timedelta(seconds=after.retry_after_seconds))
    raise error


def _verify(digest: str, password: str) -> bool:
    try:
        return _hasher.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY_HASH = _hasher.hash("lentera-no-such-user")


def lookup(username: str) -> User | None:
    """The enabled, unlocked account of this name as stored now; None otherwise."""
    with engine.read_connection() as conn:
        row = _row(conn, (username or "").strip().lower())
    if row is None or row.disabled:
        return None
    return User(row.username, row.role, row.kode_skpd)


# ---------------------------------------------------------------- sessions

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _revoke_all(conn, username: str, now: dt.datetime) -> None:
    t = petugas_session
    conn.execute(update(t).where(t.c.username == username, t.c.revoked_at.is_(None))
                 .values(revoked_at=now))


def open_session(user: User, *, now: dt.datetime | None = None) -> str:
    """A new server-side session for `user` (call after `authenticate`); its token, never stored."""
    now = now or utc_now()
    token = secrets.token_urlsafe(32)
    t = petugas_session
    with engine.write_transaction() as conn:
        # Sessions past the absolute limit can never be used again: no need to keep them.
        conn.execute(delete(t).where(t.c.started_at < now - dt.timedelta(hours=SESSION_HOURS)))
        conn.execute(insert(t).values(token_hash=_token_hash(token), username=user.username,
                                      started_at=now, seen_at=now))
    return token


def session_from_token(token: str | None, *, now: dt.datetime | None = None) -> User | None:
    """The user of a live session: not revoked, not expired (8 h / 30 min idle), account enabled."""
    if not isinstance(token, str) or not token:
        return None
    now = now or utc_now()
    t, u, key = petugas_session, petugas_user, _token_hash(token)
    with engine.read_connection() as conn:
        row = conn.execute(
            select(t.c.started_at, t.c.seen_at, t.c.revoked_at, u.c.username, u.c.role,
                   u.c.kode_skpd, u.c.disabled)
            .join(u, u.c.username == t.c.username).where(t.c.token_hash == key)).first()
    if row is None or row.revoked_at is not None or row.disabled:
        return None
    if (now - row.started_at > dt.timedelta(hours=SESSION_HOURS)
            or now - row.seen_at > dt.timedelta(minutes=IDLE_MINUTES)):
        return None
    if now - row.seen_at >= dt.timedelta(seconds=SEEN_EVERY_SECONDS):
        with engine.write_transaction() as conn:
            conn.execute(update(t).where(t.c.token_hash == key, t.c.seen_at < now)
                         .values(seen_at=now))
    return User(row.username, row.role, row.kode_skpd)


def revoke_session(token: str | None, *, now: dt.datetime | None = None,
                   audit_as_logout: bool = False) -> str | None:
    """End a session everywhere; the user name it belonged to (None for an unknown token)."""
    if not isinstance(token, str) or not token:
        return None
    t, u, key = petugas_session, petugas_user, _token_hash(token)
    with engine.write_transaction() as conn:
        row = conn.execute(select(t.c.username, t.c.revoked_at, u.c.role)
                           .join(u, u.c.username == t.c.username)
                           .where(t.c.token_hash == key)).first()
        if row is None:
            return None
        conn.execute(update(t).where(t.c.token_hash == key, t.c.revoked_at.is_(None))
                     .values(revoked_at=now or utc_now()))
        if audit_as_logout and row.revoked_at is None:
            audit.record(conn, actor=row.username, role=row.role, action="logout")
    return row.username


def start_session(session: MutableMapping, user: User, *, now: dt.datetime | None = None) -> None:
    """Mark `session` signed in as `user` (call after `authenticate`): a new server-side session."""
    session[SESSION_KEY] = open_session(user, now=now)


def session_token(session: MutableMapping) -> str | None:
    """The server-side session token this session mapping holds (for the officials' cookie)."""
    token = session.get(SESSION_KEY)
    return token if isinstance(token, str) else None


def sign_out(session: MutableMapping) -> None:
    """Revoke this session's server-side record (on every replica) and log it, in one transaction."""
    token = session.pop(SESSION_KEY, None)
    revoke_session(token if isinstance(token, str) else None, audit_as_logout=True)


def session_user(session: MutableMapping, *, now: dt.datetime | None = None) -> User | None:
    """The signed-in user re-read from the store, or None (no session, expired, revoked, disabled)."""
    user = session_from_token(session_token(session), now=now)
    if user is None:
        session.pop(SESSION_KEY, None)
    return user


def check(session: MutableMapping, page: str, *, now: dt.datetime | None = None) -> User:
    """The current user if their role may use `page`; PermissionDeniedError otherwise."""
    user = session_user(session, now=now)
    if user is None or not user.may(page):
        raise PermissionDeniedError(page)
    return user
