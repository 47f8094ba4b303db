"""The submissions database connection: one engine per URL, SQLite WAL pragmas, the writers' queue.

SQLAlchemy Core over `lentera.core.config.submissions_url()`: SQLite in WAL mode by default, the
same code on PostgreSQL (psycopg 3; `postgresql://` URLs are read as `postgresql+psycopg://`).
`init` creates the engine, runs `lentera.store.migrate` (Alembic) and, once per store and
process, finishes or removes interrupted photo files (`sweep_orphan_photos`). Every write is one
short transaction from `write_transaction`, and writers take turns on both engines: on SQLite it
starts with `BEGIN IMMEDIATE` (after the writers' queue), on PostgreSQL with a transaction-scoped
advisory lock, so every read-then-write in the store (audit chain, rate limit, supports, sign-in
counters) sees the last committed writer, whichever process or replica it ran in.

A write that cannot get its turn (another writer stuck, a long lock) waits in the queue again, up
to `WRITE_ATTEMPTS` busy timeouts in all, then raises `StoreBusyError`; a full disk (SQLite's
SQLITE_FULL, PostgreSQL's 53100, ENOSPC while writing a photo) raises `StoreFullError`. Both roll
back everything, so the caller can say so and keep the citizen's form filled.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, select
from sqlalchemy import event as sa_event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from lentera.core import config
from lentera.store import migrate, photos
from lentera.store import tables as T
from lentera.store.errors import SubmissionError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
# A write waits its turn up to this many busy timeouts (90 s): a 60 s lock costs no report.
WRITE_ATTEMPTS = 3
WRITE_LOCK = 7414222  # pg_advisory_xact_lock key: the PostgreSQL writers' turn
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL = 5, 6, 13
PG_LOCK_NOT_AVAILABLE, PG_DISK_FULL = "55P03", "53100"
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_swept: set[tuple[str, str]] = set()


class StoreBusyError(SubmissionError):
    """The store stayed locked by another writer through every attempt; nothing was written."""


class StoreFullError(SubmissionError):
    """The disk of the store or of the uploads is full; nothing was written."""


def is_disk_full(exc: BaseException) -> bool:
    """True for a full disk: an OSError (ENOSPC, EDQUOT, EFBIG) or the engines' own codes."""
    if isinstance(exc, OSError):
        return exc.errno in _FULL_ERRNOS
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == PG_DISK_FULL:
        return True
    code = getattr(orig, "sqlite_errorcode", None)
    return code == SQLITE_FULL or (code is None and "database or disk is full" in str(orig))


def _is_busy(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == PG_LOCK_NOT_AVAILABLE:
        return True
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
    return "database is locked" in str(orig)


def normalise_url(url: str | URL) -> URL:
    """The URL with PostgreSQL read as psycopg 3 (`postgres://`, `postgresql://`, `+psycopg`)."""
    u = make_url(url)
    if u.drivername in ("postgres", "postgresql", "postgresql+psycopg"):
        return u.set(drivername="postgresql+psycopg")
    return u


def _new_engine(url: str) -> Engine:
    u = normalise_url(url)
    if u.get_backend_name() == "postgresql":
        # Waiting for the writers' turn must end, like SQLite's busy timeout.
        options = f"{u.query.get('options', '')} -c lock_timeout={BUSY_TIMEOUT_MS}".strip()
        return create_engine(u, pool_pre_ping=True, pool_size=10, max_overflow=20,
                             connect_args={"options": options})
    if u.get_backend_name() != "sqlite":
        return create_engine(u, pool_pre_ping=True, pool_size=10, max_overflow=20)
    if u.database and u.database != ":memory:":
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
                           pool_size=10, max_overflow=30, pool_timeout=60)

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # SQLAlchemy, not the driver, emits BEGIN (see _on_begin).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @sa_event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front: a deferred transaction that upgrades from read
        # to write fails at once with "database is locked" instead of waiting its turn.
        write = conn.get_execution_options().get("lentera_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def init(url: str | None = None) -> Engine:
    """The engine for `url` (default: `LENTERA_SUBMISSIONS_URL`), schema created or upgraded."""
    url = url or config.submissions_url()
    engine = _engines.get(url)
    if engine is not None:
        return engine
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _new_engine(url)
            migrate.upgrade(engine)
            _engines[url] = engine
    _sweep_once(url, engine)
    return engine


def current() -> Engine:
    """The engine of the configured store (initialised on first use)."""
    return init()


def dispose_all() -> None:
    """Close every pooled connection (tests, forks, shutdown)."""
    with _lock:
        for eng in _engines.values():
            eng.dispose()
        _engines.clear()


def schema_revision_of(url: str | None = None) -> str | None:
    """The Alembic revision the store is at."""
    with init(url).connect() as conn:
        return migrate.current_revision(conn)


# ---------------------------------------------------------------- the writers' queue

def _lock_file(eng: Engine) -> str | None:
    if eng.dialect.name != "sqlite":
        return None
    database = eng.url.database
    return None if not database or database == ":memory:" else database + ".writelock"


@lru_cache(maxsize=16)
def _thread_lock(path: str) -> threading.Lock:
    return threading.Lock()


def _flock_within(fd: int, timeout: float) -> bool:
    """Take an exclusive flock on `fd` within `timeout` seconds; False (fd handed off) if not.

    The wait itself is a blocking flock in a helper thread, so the kernel wakes the next writer
    the moment the lock is free (polling leaves it asleep and lets one process starve the rest).
    On timeout the helper keeps waiting and closes `fd` as soon as it gets the lock.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    got = threading.Event()
    guard = threading.Lock()
    abandoned = False

    def wait() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            return
        with guard:
            if abandoned:
                os.close(fd)
            else:
                got.set()

    threading.Thread(target=wait, name="lentera-writelock", daemon=True).start()
    if got.wait(timeout):
        return True
    with guard:
        if got.is_set():
            return True
        abandoned = True
    return False


@contextlib.contextmanager
def _writer_turn(eng: Engine) -> Iterator[None]:
    """Queue SQLite writers so that the next one starts the moment the last one commits.

    SQLite's own busy handler sleeps up to 100 ms between retries, so 20 contending writers
    spend most of their time asleep while the database is free. Threads queue on a lock,
    processes on `flock` of `<db>.writelock`; both give up after the busy timeout. Correctness
    does not depend on this: BEGIN IMMEDIATE still serialises any writer that skips it.
    """
    path = _lock_file(eng)
    if path is None:
        yield
        return
    timeout = BUSY_TIMEOUT_MS / 1000
    tlock = _thread_lock(path)
    if not tlock.acquire(timeout=timeout):
        raise StoreBusyError("the submissions store is busy")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        owned = True
        try:
            if not _flock_within(fd, timeout):
                owned = False  # the helper thread closes it once it gets the lock
                raise StoreBusyError("the submissions store is busy")
            yield
        finally:
            if owned:
                os.close(fd)  # releases the flock; a killed process releases it too
    finally:
        tlock.release()


def _take_turn(eng: Engine) -> tuple[contextlib.ExitStack, Connection]:
    """One attempt at the writers' turn: the queue, then BEGIN IMMEDIATE or the advisory lock."""
    stack = contextlib.ExitStack()
    try:
        stack.enter_context(_writer_turn(eng))
        conn = stack.enter_context(eng.execution_options(lentera_write=True).begin())
        if conn.dialect.name == "postgresql":
            _postgres_turn(conn)
    except BaseException as exc:
        stack.__exit__(type(exc), exc, exc.__traceback__)  # roll back, give the turn back
        raise
    return stack, conn


@contextlib.contextmanager
def write_transaction() -> Iterator[Connection]:
    """A short write transaction on the configured store, writers one at a time on both engines.

    Waits for its turn up to `WRITE_ATTEMPTS` busy timeouts, then `StoreBusyError`; a full disk
    at any statement or at commit is `StoreFullError`; either way the transaction rolled back.
    """
    eng = current()
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            stack, conn = _take_turn(eng)
            break
        except (StoreBusyError, OperationalError) as exc:
            if isinstance(exc, OperationalError) and not _is_busy(exc):
                raise
            if attempt == WRITE_ATTEMPTS:
                raise StoreBusyError("the submissions store is busy") from exc
            log.warning("store busy, write waits again (attempt %d of %d)", attempt + 1,
                        WRITE_ATTEMPTS)
            time.sleep(0.05 * attempt)
    try:
        with stack:
            yield conn
    except DBAPIError as exc:
        if is_disk_full(exc):
            raise StoreFullError("the submissions store's disk is full") from exc
        raise


def _postgres_turn(conn: Connection) -> None:
    # Released at commit or rollback; READ COMMITTED then shows every earlier writer.
    try:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    except OperationalError as exc:
        if _is_busy(exc):  # lock_timeout: a writer is stuck
            raise StoreBusyError("the submissions store is busy") from exc
        raise


@contextlib.contextmanager
def read_connection() -> Iterator[Connection]:
    """A read transaction on the configured store (WAL: never blocks or is blocked by writers)."""
    with current().begin() as conn:
        yield conn


# ---------------------------------------------------------------- photo files against their rows

def referenced_photo_names() -> set[str]:
    """File names referenced by committed photo rows."""
    return _referenced(current())


def _referenced(eng: Engine) -> set[str]:
    with eng.begin() as conn:
        return set(conn.execute(select(T.photo.c.file_name)).scalars())


def sweep_orphan_photos(older_than: dt.timedelta = dt.timedelta(hours=1)) -> dict[str, int]:
    """Finish renames whose row committed, delete stale files no row references; counts."""
    url = config.submissions_url()
    _swept.add((url, str(config.uploads_dir())))  # this sweep stands for the start-up one
    return photos.sweep_orphans(_referenced(init(url)), older_than=older_than)


def _sweep_once(url: str, eng: Engine) -> None:
    # Once per store and uploads folder per process: a crash between commit and rename is rare.
    key = (url, str(config.uploads_dir()))
    with _lock:
        if key in _swept:
            return
        _swept.add(key)
    try:
        done = photos.sweep_orphans(_referenced(eng))
    except OSError:
        log.exception("photo sweep at start-up failed; `python -m lentera photos sweep` retries")
        return
    if any(done.values()):
        log.info("photo sweep at start-up: %s", done)
