"""The citizen submissions store: complaints (pengaduan) and proposals (usulan), never in the warehouse.

SQLAlchemy Core over `lentera.core.config.submissions_url()`: SQLite in WAL mode by default, the same
code on PostgreSQL. The schema is created and upgraded on first use (`schema_version` plus ordered
migration steps). Every write is one short parameterised transaction; on SQLite writes start with
`BEGIN IMMEDIATE` so concurrent writers queue on the busy timeout instead of failing on a lock
upgrade.

Tables: `submission` (one row per ticket; `status` mirrors the latest event), `event`
(append-only status history; triggers refuse UPDATE and DELETE), `contact` (phone/e-mail with the
consent text version, stored apart and returned by no public function), `photo` (re-encoded files
under `LENTERA_UPLOADS`), `rate_event` and `app_secret` (for `lentera.store.ratelimit`).

Times are stored as naive UTC. `public_view`/`timeline` return aware UTC datetimes; the
`*_frame` functions return local time (WIB, like the warehouse's source exports) so dashboards
can UNION them with the warehouse tables. Free text is redacted (`etl.redact.redact_text`) before
it is stored; only the redacted text is kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy handler alone
    fcntl = None

import polars as pl
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    case,
    create_engine,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError

from lentera.core import config, forms
from lentera.core.privacy import redact_text
from lentera.core.schema import PENGADUAN, STATUS_PENGADUAN, STATUS_USULAN, USULAN
from lentera.core.tickets import PREFIX_PENGADUAN, PREFIX_USULAN, new_ticket, normalize_ticket
from lentera.store.photos import (
    ProcessedPhoto,
    StagedPhoto,
    commit_staged,
    discard_staged,
    is_safe_file_name,
    process_photo,
    stage_photo,
    uploads_root,
)

log = logging.getLogger(__name__)

LOCAL_TZ = "Asia/Pontianak"  # WIB: Kalimantan Barat
BUSY_TIMEOUT_MS = 30_000
TICKET_ATTEMPTS = 8
SOURCE_FILE = "lentera:submissions"  # provenance value of live rows in the *_frame outputs
STATUS_AWAL = {"pengaduan": "diterima", "usulan": "diusulkan"}
STATUSES = {"pengaduan": STATUS_PENGADUAN, "usulan": STATUS_USULAN}
# Event to_status → PENGADUAN stage column (first time the case reached that stage).
STAGE_COLUMNS = {"diverifikasi": "tanggal_verifikasi", "didisposisi": "tanggal_disposisi",
                 "ditindaklanjuti": "tanggal_tindak_lanjut"}


class SubmissionError(Exception):
    """A submission could not be stored or changed."""


class SubmissionValidationError(SubmissionError):
    """The form data is invalid; `errors` is `{field: message_key}` (see lentera.core.forms)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}={v}" for k, v in errors.items()))
        self.errors = errors


class SubmissionNotFoundError(SubmissionError):
    """No submission has this ticket number."""


# ---------------------------------------------------------------- schema

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime, nullable=False),
)

submission = Table(
    "submission", metadata,
    Column("ticket", String(16), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("status", String(32), nullable=False),
    Column("kategori", String(80)),
    Column("klasifikasi", String(32)),
    Column("judul", Text),
    Column("isi", Text),
    Column("kode_desa", String(20)),
    Column("kode_kecamatan", String(16)),
    Column("lat", Float),
    Column("lng", Float),
    Column("rahasia", Boolean, nullable=False),
    Column("anonim", Boolean, nullable=False),
    Column("kanal", String(20), nullable=False, server_default="web"),
    Column("kode_skpd", String(40)),
    Column("usulan", Text),
    Column("permasalahan", Text),
    Column("volume", Float),
    Column("satuan", String(32)),
    Column("perkiraan_biaya", Numeric(18, 2, asdecimal=False)),
    Column("bidang_urusan", String(120)),
    Column("tahun_rkpd", Integer),
    Column("support_of", String(16), ForeignKey("submission.ticket")),
    Column("support_count", Integer, nullable=False, server_default="0"),
    CheckConstraint("kind IN ('pengaduan', 'usulan')", name="ck_submission_kind"),
    Index("ix_submission_kind_created", "kind", "created_at"),
)

contact = Table(
    "contact", metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket", String(16), ForeignKey("submission.ticket"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("value", String(254), nullable=False),
    Column("consent_text_version", String(32), nullable=False),
    Column("consent_at", DateTime, nullable=False),
    CheckConstraint("kind IN ('phone', 'email')", name="ck_contact_kind"),
)

event = Table(
    "event", metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket", String(16), ForeignKey("submission.ticket"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("from_status", String(32)),
    Column("to_status", String(32), nullable=False),
    Column("reason_code", String(64)),
    Column("public_note", Text),
    Index("ix_event_ticket", "ticket", "id"),
)

photo = Table(
    "photo", metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket", String(16), ForeignKey("submission.ticket"), nullable=False, index=True),
    Column("file_name", String(64), nullable=False, unique=True),
    Column("sha256", String(64), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

rate_event = Table(
    "rate_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("key_hash", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_rate_event_key_at", "key_hash", "at"),
    Index("ix_rate_event_at", "at"),
)

app_secret = Table(
    "app_secret", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(128), nullable=False),
)

_APPEND_ONLY_SQL = {
    "sqlite": [
        "CREATE TRIGGER event_no_update BEFORE UPDATE ON event "
        "BEGIN SELECT RAISE(ABORT, 'event is append-only'); END",
        "CREATE TRIGGER event_no_delete BEFORE DELETE ON event "
        "BEGIN SELECT RAISE(ABORT, 'event is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION lentera_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'event is append-only'; END $$",
        "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event "
        "FOR EACH ROW EXECUTE FUNCTION lentera_event_append_only()",
    ],
}


def _m1_core(conn: Connection) -> None:
    for table in (submission, contact, event, photo):
        table.create(conn)
    for statement in _APPEND_ONLY_SQL.get(conn.dialect.name, []):
        conn.exec_driver_sql(statement)


def _m2_ratelimit(conn: Connection) -> None:
    rate_event.create(conn)
    app_secret.create(conn)


# Ordered, append-only: a released step never changes; later changes are new steps (ALTER …).
MIGRATIONS = ((1, _m1_core), (2, _m2_ratelimit))
SCHEMA_VERSION = MIGRATIONS[-1][0]


# ---------------------------------------------------------------- engine and transactions

_lock = threading.Lock()
_engines: dict[str, Engine] = {}


def _new_engine(url: str) -> Engine:
    u = make_url(url)
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


def _migrate(engine: Engine) -> None:
    with engine.execution_options(lentera_write=True).begin() as conn:
        if conn.dialect.name == "postgresql":
            # Serialise concurrent first starts of several app replicas.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7414221)")
        schema_version.create(conn, checkfirst=True)
        current = conn.execute(select(func.max(schema_version.c.version))).scalar() or 0
        for version, step in MIGRATIONS:
            if version > current:
                step(conn)
                conn.execute(insert(schema_version).values(version=version, applied_at=_now()))


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
            _migrate(engine)
            _engines[url] = engine
    return engine


def engine() -> Engine:
    """The engine of the configured store (initialised on first use)."""
    return init()


def dispose_all() -> None:
    """Close every pooled connection (tests, forks, shutdown)."""
    with _lock:
        for eng in _engines.values():
            eng.dispose()
        _engines.clear()


def schema_version_of(url: str | None = None) -> int:
    """The schema version recorded in the store."""
    with init(url).connect() as conn:
        return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0


def _lock_file(eng: Engine) -> str | None:
    if fcntl is None or eng.dialect.name != "sqlite":
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
        raise SubmissionError("the submissions store is busy")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        owned = True
        try:
            if not _flock_within(fd, timeout):
                owned = False  # the helper thread closes it once it gets the lock
                raise SubmissionError("the submissions store is busy")
            yield
        finally:
            if owned:
                os.close(fd)  # releases the flock; a killed process releases it too
    finally:
        tlock.release()


@contextlib.contextmanager
def write_transaction() -> Iterator[Connection]:
    """A short write transaction on the configured store (BEGIN IMMEDIATE on SQLite)."""
    eng = engine()
    with _writer_turn(eng), eng.execution_options(lentera_write=True).begin() as conn:
        yield conn


@contextlib.contextmanager
def read_connection() -> Iterator[Connection]:
    """A read transaction on the configured store (WAL: never blocks or is blocked by writers)."""
    with engine().begin() as conn:
        yield conn


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None else None


# ---------------------------------------------------------------- redaction

def _redact_all(**fields) -> dict[str, str | None]:
    """Cleaned, redacted free text per field (None when empty). The raw text is never stored."""
    cleaned = {k: forms.clean_text(v) for k, v in fields.items()}
    present = [k for k, v in cleaned.items() if v is not None]
    if present:
        for k in present:
            cleaned[k] = redact_text(cleaned[k])
    return cleaned


def _redact(value) -> str | None:
    """One cleaned, redacted text (None when empty)."""
    return _redact_all(t=value)["t"]


# ---------------------------------------------------------------- writes

def _flag(value, default: bool) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return forms._truthy(value)


def _insert_submission(conn: Connection, row: dict) -> None:
    conn.execute(insert(submission).values(**row))


def _insert_event(conn: Connection, **values) -> None:
    conn.execute(insert(event).values(**values))


def _insert_contact(conn: Connection, ticket: str, value: dict, at: dt.datetime) -> None:
    conn.execute(insert(contact).values(ticket=ticket, kind=value["kind"], value=value["value"],
                                        consent_text_version=value["consent_text_version"],
                                        consent_at=at))


def _insert_photo(conn: Connection, ticket: str, staged: StagedPhoto, at: dt.datetime) -> None:
    p = staged.photo
    conn.execute(insert(photo).values(ticket=ticket, file_name=staged.file_name, sha256=p.sha256,
                                      width=p.width, height=p.height, bytes=p.size,
                                      created_at=at))


def _increment_support(conn: Connection, ticket: str) -> int:
    result = conn.execute(
        update(submission)
        .where(submission.c.ticket == ticket, submission.c.kind == "usulan")
        .values(support_count=submission.c.support_count + 1))
    if result.rowcount != 1:
        raise SubmissionNotFoundError(ticket)
    return conn.execute(select(submission.c.support_count)
                        .where(submission.c.ticket == ticket)).scalar_one()


def _ticket_exists(ticket: str) -> bool:
    with read_connection() as conn:
        return conn.execute(select(submission.c.ticket)
                            .where(submission.c.ticket == ticket)).first() is not None


def _store(row: dict, photos: list[ProcessedPhoto], contact_value: dict | None, prefix: str,
           actor: str, role: str) -> str:
    """Insert one submission with its first event, contact and photos; files land after commit."""
    staged: list[StagedPhoto] = []
    try:
        for p in photos:
            staged.append(stage_photo(p))
        for _attempt in range(TICKET_ATTEMPTS):
            ticket = new_ticket(prefix)
            now = _now()
            try:
                with write_transaction() as conn:
                    if row.get("support_of"):
                        # First, so an unknown proposal is a clear error, not a foreign-key one.
                        _increment_support(conn, row["support_of"])
                    _insert_submission(conn, {**row, "ticket": ticket, "created_at": now})
                    _insert_event(conn, ticket=ticket, at=now, actor=actor, role=role,
                                  from_status=None, to_status=row["status"])
                    if contact_value:
                        _insert_contact(conn, ticket, contact_value, now)
                    for s in staged:
                        _insert_photo(conn, ticket, s, now)
                break
            except IntegrityError:
                if _ticket_exists(ticket):
                    continue  # 40-bit collision: draw another number
                raise
        else:
            raise SubmissionError("no free ticket number")
    except BaseException:
        for s in staged:
            discard_staged(s)
        raise
    for s in staged:
        try:
            commit_staged(s)
        except OSError:
            # The row is committed: photos.sweep_orphans finishes this rename later.
            log.exception("photo rename failed after commit; sweep_orphans will finish it")
    return ticket


def _contact_value(contact_in: dict | None) -> dict | None:
    value = forms.normalize_contact(contact_in)
    if value is None:
        return None
    value["consent_text_version"] = str(contact_in.get("consent_text_version")
                                        or forms.CONSENT_TEXT_VERSION)
    return value


def _point(data: dict) -> tuple[float | None, float | None]:
    return forms.number_or_none(data.get("lat")), forms.number_or_none(data.get("lng"))


def create_pengaduan(data: dict, photos: list[bytes], contact: dict | None = None, *,
                     actor: str = "warga", role: str = "warga") -> str:
    """Validate and store a complaint with its photos and optional contact; returns the ticket.

    Raises `SubmissionValidationError` (field errors), `PhotoError` (a refused photo).
    `contact` is `{"value": phone or e-mail, "consent": True}`; anonymous by default.
    """
    photos = list(photos or [])
    errors = forms.validate_pengaduan(data, len(photos), contact)
    if errors:
        raise SubmissionValidationError(errors)
    processed = [process_photo(p) for p in photos]
    desa = forms.desa_info(data["kode_desa"])
    lat, lng = _point(data)
    row = {
        "kind": "pengaduan", "status": STATUS_AWAL["pengaduan"],
        "kategori": data["kategori"], "klasifikasi": data.get("klasifikasi") or "pengaduan",
        **_redact_all(judul=data["judul"], isi=data["isi"]),
        "kode_desa": desa["kode_desa"], "kode_kecamatan": desa["kode_kecamatan"],
        "lat": lat, "lng": lng,
        "rahasia": _flag(data.get("rahasia"), False), "anonim": _flag(data.get("anonim"), True),
        "kanal": data.get("kanal") or "web", "kode_skpd": data.get("kode_skpd") or None,
    }
    return _store(row, processed, _contact_value(contact), PREFIX_PENGADUAN, actor, role)


def create_usulan(data: dict, photos: list[bytes], contact: dict | None = None, *,
                  actor: str = "warga", role: str = "warga") -> str:
    """Validate and store a proposal (optionally supporting another: `support_of`); returns the ticket."""
    photos = list(photos or [])
    errors = forms.validate_usulan(data, len(photos), contact)
    if errors:
        raise SubmissionValidationError(errors)
    processed = [process_photo(p) for p in photos]
    desa = forms.desa_info(data["kode_desa"])
    lat, lng = _point(data)
    biaya = forms.number_or_none(data.get("perkiraan_biaya"))
    created_year = dt.datetime.now(dt.UTC).year
    row = {
        "kind": "usulan", "status": STATUS_AWAL["usulan"],
        **_redact_all(usulan=data["usulan"], permasalahan=data.get("permasalahan")),
        "kode_desa": desa["kode_desa"], "kode_kecamatan": desa["kode_kecamatan"],
        "lat": lat, "lng": lng,
        "volume": forms.number_or_none(data["volume"]), "satuan": data["satuan"],
        "perkiraan_biaya": round(biaya, 2) if biaya is not None else None,
        "bidang_urusan": data["bidang_urusan"],
        # Musrenbang in year N plans the RKPD of year N+1.
        "tahun_rkpd": data.get("tahun_rkpd") or created_year + 1,
        "support_of": normalize_ticket(data.get("support_of")) if data.get("support_of") else None,
        "rahasia": False, "anonim": _flag(data.get("anonim"), True),
        "kanal": data.get("kanal") or "web", "kode_skpd": data.get("kode_skpd") or None,
    }
    return _store(row, processed, _contact_value(contact), PREFIX_USULAN, actor, role)


def support(ticket: str) -> int:
    """Add one supporter to a proposal; returns its new support count."""
    canonical = normalize_ticket(ticket)
    if canonical is None:
        raise SubmissionNotFoundError(str(ticket))
    with write_transaction() as conn:
        return _increment_support(conn, canonical)


def append_event(ticket: str, to_status: str, actor: str, role: str,
                 reason_code: str | None = None, public_note: str | None = None, *,
                 kode_skpd: str | None = None) -> dict:
    """Append a status change (the submission's status follows in the same transaction).

    `kode_skpd` sets the office a complaint is disposed to. Returns the event's public fields.
    """
    canonical = normalize_ticket(ticket)
    if canonical is None:
        raise SubmissionNotFoundError(str(ticket))
    if not (isinstance(actor, str) and actor.strip() and isinstance(role, str) and role.strip()):
        raise SubmissionError("actor and role are required")
    if kode_skpd is not None and kode_skpd not in forms.skpd_codes():
        raise SubmissionError(f"unknown kode_skpd {kode_skpd!r}")
    note = _redact(public_note)
    now = _now()
    with write_transaction() as conn:
        current = conn.execute(
            select(submission.c.kind, submission.c.status)
            .where(submission.c.ticket == canonical).with_for_update()).first()
        if current is None:
            raise SubmissionNotFoundError(canonical)
        if to_status not in STATUSES[current.kind]:
            raise SubmissionError(f"status {to_status!r} is not a {current.kind} status")
        values = {"ticket": canonical, "at": now, "actor": actor.strip()[:64],
                  "role": role.strip()[:32], "from_status": current.status,
                  "to_status": to_status, "reason_code": reason_code, "public_note": note}
        _insert_event(conn, **values)
        changes: dict = {"status": to_status}
        if kode_skpd is not None:
            changes["kode_skpd"] = kode_skpd
        conn.execute(update(submission).where(submission.c.ticket == canonical).values(**changes))
    return {k: values[k] for k in ("from_status", "to_status", "reason_code", "public_note",
                                   "role")} | {"at": _aware(now)}


# ---------------------------------------------------------------- public reads

@lru_cache(maxsize=2)
def _calendar(reference_dir: str):
    from lentera.warehouse.sla import Calendar

    return Calendar.from_reference()


def _local_date(value: dt.datetime) -> dt.date:
    return _aware(value).astimezone(_local_zone()).date()


@lru_cache(maxsize=1)
def _local_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(LOCAL_TZ)


def _paused_days(events: list, cal, as_of: dt.date) -> int:
    """Working days spent in `ditunda` (each pause runs until the next event, or to `as_of`)."""
    total = 0
    for i, ev in enumerate(events):
        if ev.to_status == "ditunda":
            end = _local_date(events[i + 1].at) if i + 1 < len(events) else as_of
            total += max(0, cal.working_days_between(_local_date(ev.at), end))
    return total


def _sla_view(row, events: list) -> dict:
    """Target date, working days used and left (or past target) of a complaint, via lentera.warehouse.sla."""
    from lentera.warehouse import sla
    target = forms.kategori_target_hari_kerja(row.kategori)
    out = {"target_hari_kerja": target, "target_date": None, "hari_kerja": None,
           "sisa_hari_kerja": None, "hari_lewat": None, "terbuka": row.status not in
           ("selesai", *sla.STATUS_BERAKHIR_PENGADUAN)}
    try:
        cal = _calendar(str(config.reference_dir()))
        as_of = dt.datetime.now(_local_zone()).date()
        done = [e for e in events if e.to_status == "selesai"]
        end = _local_date(done[-1].at) if row.status == "selesai" and done else None
        ended = row.status in sla.STATUS_BERAKHIR_PENGADUAN
        if ended and end is None:
            ended_at = [e for e in events if e.to_status == row.status]
            end = _local_date(ended_at[-1].at) if ended_at else None
        result = sla.case_sla(_local_date(row.created_at), end, target,
                              _paused_days(events, cal, as_of), as_of=as_of, cal=cal, ended=ended)
    except ValueError:  # CalendarRangeError and friends: show no date rather than fail
        return out
    out.update(target_date=result.target_date, hari_kerja=result.hari_kerja,
               hari_lewat=result.hari_lewat, terbuka=result.terbuka)
    if target is not None and result.hari_kerja is not None and result.terbuka:
        out["sisa_hari_kerja"] = max(0, target - result.hari_kerja)
    return out


def public_view(ticket: str) -> dict | None:
    """What anyone holding the ticket may see (None if unknown) — nothing about the submitter.

    Confidential complaints show no judul/isi and no photos; a complaint's exact point is never
    shown. Complaints carry their SLA: target date, working days used, left, or past target.
    """
    canonical = normalize_ticket(ticket)
    if canonical is None:
        return None
    with read_connection() as conn:
        row = conn.execute(select(submission).where(submission.c.ticket == canonical)).first()
        if row is None:
            return None
        events = conn.execute(select(event.c.at, event.c.to_status)
                              .where(event.c.ticket == canonical)
                              .order_by(event.c.at, event.c.id)).all()
        files = conn.execute(select(photo.c.file_name, photo.c.width, photo.c.height)
                             .where(photo.c.ticket == canonical).order_by(photo.c.id)).all()
    desa = forms.desa_info(row.kode_desa) or {}
    view = {
        "ticket": row.ticket, "kind": row.kind, "status": row.status,
        "created_at": _aware(row.created_at), "updated_at": _aware(events[-1].at) if events else None,
        "kanal": row.kanal, "kode_desa": row.kode_desa, "nama_desa": desa.get("nama_desa"),
        "kode_kecamatan": row.kode_kecamatan, "nama_kecamatan": desa.get("nama_kecamatan"),
        "kode_skpd": row.kode_skpd, "rahasia": bool(row.rahasia),
        "photos": [] if row.rahasia else [{"file_name": f.file_name, "width": f.width,
                                           "height": f.height} for f in files],
    }
    if row.kind == "pengaduan":
        view |= {"kategori": row.kategori, "klasifikasi": row.klasifikasi,
                 "judul": None if row.rahasia else row.judul,
                 "isi": None if row.rahasia else row.isi}
        view |= _sla_view(row, events)
    else:
        view |= {"usulan": row.usulan, "permasalahan": row.permasalahan, "volume": row.volume,
                 "satuan": row.satuan, "perkiraan_biaya": row.perkiraan_biaya,
                 "bidang_urusan": row.bidang_urusan, "tahun_rkpd": row.tahun_rkpd,
                 "lat": row.lat, "lng": row.lng, "support_count": row.support_count,
                 "support_of": row.support_of}
    return view


def timeline(ticket: str) -> list[dict]:
    """The public status history, oldest first: at, role, from/to status, reason, public note."""
    canonical = normalize_ticket(ticket)
    if canonical is None:
        return []
    with read_connection() as conn:
        rows = conn.execute(
            select(event.c.at, event.c.role, event.c.from_status, event.c.to_status,
                   event.c.reason_code, event.c.public_note)
            .where(event.c.ticket == canonical).order_by(event.c.at, event.c.id)).all()
    return [{"at": _aware(r.at), "role": r.role, "from_status": r.from_status,
             "to_status": r.to_status, "reason_code": r.reason_code,
             "public_note": r.public_note} for r in rows]


def submission_count(kind: str | None = None) -> int:
    """Number of stored submissions (of one kind, or all)."""
    q = select(func.count()).select_from(submission)
    if kind is not None:
        q = q.where(submission.c.kind == kind)
    with read_connection() as conn:
        return conn.execute(q).scalar_one()


def tickets(kind: str | None = None) -> list[str]:
    """All ticket numbers, oldest first (for officials' queues and tests)."""
    q = select(submission.c.ticket).order_by(submission.c.created_at, submission.c.ticket)
    if kind is not None:
        q = q.where(submission.c.kind == kind)
    with read_connection() as conn:
        return list(conn.execute(q).scalars())


# ---------------------------------------------------------------- photos

def referenced_photo_names() -> set[str]:
    """File names referenced by committed photo rows."""
    with read_connection() as conn:
        return set(conn.execute(select(photo.c.file_name)).scalars())


def photo_path(file_name: str) -> Path | None:
    """The file of a photo that a committed row references and that is on disk; else None."""
    if not isinstance(file_name, str) or not is_safe_file_name(file_name):
        return None
    with read_connection() as conn:
        known = conn.execute(select(photo.c.id).where(photo.c.file_name == file_name)).first()
    path = uploads_root() / file_name
    return path if known is not None and path.is_file() else None


# ---------------------------------------------------------------- frames for the dashboards

_POLARS_TYPES = {"VARCHAR": pl.String, "TIMESTAMP": pl.Datetime("us"), "DATE": pl.Date,
                 "INTEGER": pl.Int32, "BOOLEAN": pl.Boolean, "DOUBLE": pl.Float64,
                 "DECIMAL(18,2)": pl.Decimal(18, 2)}


def _schema_of(source) -> dict:
    return {c.name: _POLARS_TYPES[c.sql_type] for c in source.columns}


def _local(col: str) -> pl.Expr:
    return (pl.col(col).dt.replace_time_zone("UTC").dt.convert_time_zone(LOCAL_TZ)
            .dt.replace_time_zone(None))


def _desa_frame() -> pl.DataFrame:
    return pl.DataFrame(forms.desa_options(), schema={"kode_desa": pl.String,
                                                      "nama_desa": pl.String,
                                                      "kode_kecamatan": pl.String,
                                                      "nama_kecamatan": pl.String})


def _rows_frame(rows, names: list[str], schema: dict) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in rows], schema={n: schema[n] for n in names},
                        orient="row")


def events_frame(kind: str = "pengaduan") -> pl.DataFrame:
    """Public event history in local time: ticket, at, from_status, to_status, reason_code."""
    q = (select(event.c.ticket, event.c.at, event.c.from_status, event.c.to_status,
                event.c.reason_code)
         .join(submission, submission.c.ticket == event.c.ticket)
         .where(submission.c.kind == kind).order_by(event.c.ticket, event.c.at, event.c.id))
    with read_connection() as conn:
        rows = conn.execute(q).all()
    schema = {"ticket": pl.String, "at": pl.Datetime("us"), "from_status": pl.String,
              "to_status": pl.String, "reason_code": pl.String}
    return _rows_frame(rows, list(schema), schema).with_columns(_local("at"))


def _hari_ditunda(events: pl.DataFrame) -> pl.DataFrame:
    """Working days each complaint spent `ditunda` (vectorised over the calendar's idx)."""
    if events.is_empty():
        return pl.DataFrame(schema={"nomor_tiket": pl.String, "hari_ditunda": pl.Int32})
    cal = _calendar(str(config.reference_dir()))
    today = dt.datetime.now(_local_zone()).replace(tzinfo=None)
    spans = (events.with_columns(pl.col("at").shift(-1).over("ticket").alias("until"))
             .filter(pl.col("to_status") == "ditunda")
             .with_columns(pl.col("until").fill_null(today)))
    if spans.is_empty():
        return pl.DataFrame(schema={"nomor_tiket": pl.String, "hari_ditunda": pl.Int32})
    start = cal.idx_series(spans["at"].dt.date())
    end = cal.idx_series(spans["until"].dt.date())
    return (spans.select(pl.col("ticket").alias("nomor_tiket"))
            .with_columns((end - start).clip(lower_bound=0).alias("hari_ditunda"))
            .group_by("nomor_tiket").agg(pl.col("hari_ditunda").sum().cast(pl.Int32)))


def pengaduan_frame() -> pl.DataFrame:
    """Live complaints shaped exactly like the warehouse `pengaduan` table (local time).

    Stage dates come from the events (first time each stage was reached; `tanggal_selesai` the
    last move to `selesai` while the status is `selesai`); judul/isi are null when rahasia.
    """
    stages = [func.min(case((event.c.to_status == status, event.c.at))).label(column)
              for status, column in STAGE_COLUMNS.items()]
    stage_q = (select(event.c.ticket, *stages,
                      func.max(case((event.c.to_status == "selesai", event.c.at)))
                      .label("tanggal_selesai"))
               .group_by(event.c.ticket).subquery())
    s = submission
    q = (select(s.c.ticket, s.c.created_at, s.c.kategori, s.c.status, s.c.kanal, s.c.klasifikasi,
                case((s.c.rahasia, None), else_=s.c.judul).label("judul"),
                case((s.c.rahasia, None), else_=s.c.isi).label("isi"),
                s.c.kode_desa, s.c.kode_skpd, *[stage_q.c[c] for c in STAGE_COLUMNS.values()],
                case((s.c.status == "selesai", stage_q.c.tanggal_selesai))
                .label("tanggal_selesai"), s.c.anonim, s.c.rahasia)
         .select_from(s.outerjoin(stage_q, stage_q.c.ticket == s.c.ticket))
         .where(s.c.kind == "pengaduan").order_by(s.c.created_at, s.c.ticket))
    with read_connection() as conn:
        rows = conn.execute(q).all()
    schema = _schema_of(PENGADUAN) | {"nomor_tiket": pl.String}
    names = ["nomor_tiket", "tanggal_masuk", "kategori", "status", "kanal", "klasifikasi", "judul",
             "isi", "kode_desa", "kode_skpd", *STAGE_COLUMNS.values(), "tanggal_selesai",
             "anonim", "rahasia"]
    frame = _rows_frame(rows, names, schema)
    times = ["tanggal_masuk", *STAGE_COLUMNS.values(), "tanggal_selesai"]
    frame = (frame.with_columns([_local(c) for c in times])
             .join(_desa_frame(), on="kode_desa", how="left")
             .join(_hari_ditunda(events_frame("pengaduan")), on="nomor_tiket", how="left")
             .with_columns(pl.col("hari_ditunda").fill_null(0),
                           pl.lit(SOURCE_FILE).alias("source_file"),
                           pl.lit(None, dtype=pl.Int32).alias("source_row")))
    return frame.select([pl.col(n).cast(t) for n, t in _schema_of(PENGADUAN).items()])


def usulan_frame(with_support: bool = False) -> pl.DataFrame:
    """Live citizen proposals shaped exactly like the warehouse `usulan` table.

    `with_support` appends tanggal_masuk, support_count and support_of after the contract columns.
    """
    latest = (select(func.max(event.c.id).label("id")).group_by(event.c.ticket)).subquery()
    note_q = (select(event.c.ticket, event.c.public_note)
              .join(latest, latest.c.id == event.c.id).subquery())
    s = submission
    q = (select(s.c.ticket, s.c.tahun_rkpd, s.c.usulan, s.c.permasalahan, s.c.kode_desa,
                s.c.lat, s.c.lng, s.c.volume, s.c.satuan, s.c.perkiraan_biaya, s.c.kode_skpd,
                s.c.bidang_urusan, s.c.status,
                case((s.c.status.in_(("ditolak", "dikembalikan")), note_q.c.public_note))
                .label("alasan"), s.c.created_at, s.c.support_count, s.c.support_of)
         .select_from(s.outerjoin(note_q, note_q.c.ticket == s.c.ticket))
         .where(s.c.kind == "usulan").order_by(s.c.created_at, s.c.ticket))
    with read_connection() as conn:
        rows = conn.execute(q).all()
    extra = {"tanggal_masuk": pl.Datetime("us"), "support_count": pl.Int32,
             "support_of": pl.String, "perkiraan_biaya": pl.Float64}
    schema = _schema_of(USULAN) | {"kode_skpd": pl.String} | extra
    names = ["id_usulan", "tahun_rkpd", "usulan", "permasalahan", "kode_desa", "lat", "lng",
             "volume", "satuan", "perkiraan_biaya", "kode_skpd", "bidang_urusan", "status",
             "alasan", "tanggal_masuk", "support_count", "support_of"]
    frame = (_rows_frame(rows, names, schema)
             .with_columns(_local("tanggal_masuk"),
                           pl.col("kode_skpd").alias("kode_skpd_tujuan"),
                           pl.lit("warga").alias("sumber"), pl.lit("desa").alias("tahap"),
                           pl.lit(None, dtype=pl.String).alias("alamat"),
                           pl.lit(None, dtype=pl.String).alias("kode_sub_kegiatan"),
                           pl.lit(SOURCE_FILE).alias("source_file"),
                           pl.lit(None, dtype=pl.Int32).alias("source_row"))
             .drop("kode_skpd")
             .join(_desa_frame().drop("kode_kecamatan"), on="kode_desa", how="left")
             .join(_desa_frame().select("kode_desa", "kode_kecamatan"), on="kode_desa",
                   how="left"))
    cols = [pl.col(n).cast(t) for n, t in _schema_of(USULAN).items()]
    if with_support:
        cols += [pl.col("tanggal_masuk"), pl.col("support_count"), pl.col("support_of")]
    return frame.select(cols)

