"""Every table of the submissions database in ONE SQLAlchemy MetaData, with its append-only triggers.

Times are stored as naive UTC (`utc_now`); readers turn them aware with `aware`. The tables are
created only by the Alembic revisions in lentera/store/alembic/versions (run by
`lentera.store.migrate`), which also hold the append-only triggers; no other module creates or
alters them. A change here is a new revision there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

metadata = MetaData()

# One row per ticket; `status` mirrors the latest event.
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

# Phone/e-mail with the consent text version, apart from the submission; no public reader.
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

# Append-only status history, written only by lentera.store.events.
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

# Re-encoded photo files under LENTERA_UPLOADS (see lentera.store.photos).
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

# Rate-limit attempts as salted hashes (lentera.store.ratelimit); each row deleted once expired.
rate_event = Table(
    "rate_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("key_hash", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("expires_at", DateTime),
    # the account a failed sign-in named (hashed), so a password reset can lift its throttle
    Column("subject_hash", String(64)),
    Index("ix_rate_event_key_at", "key_hash", "at"),
    Index("ix_rate_event_at", "at"),
    Index("ix_rate_event_expires", "expires_at"),
    Index("ix_rate_event_subject", "subject_hash"),
)

# One support per proposal per device and per address: salted hashes, never the values.
dukungan = Table(
    "dukungan", metadata,
    Column("ticket", String(16), ForeignKey("submission.ticket"), primary_key=True),
    Column("key_hash", String(64), primary_key=True),
    Column("at", DateTime, nullable=False),
)

app_secret = Table(
    "app_secret", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(128), nullable=False),
)

# Officials' local accounts (lentera.store.auth).
petugas_user = Table(
    "petugas_user", metadata,
    Column("username", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("kode_skpd", String(40)),
    Column("password_hash", String(255), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_count", Integer, nullable=False, default=0),
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("password_changed_at", DateTime, nullable=False),
    CheckConstraint("role IN ('admin', 'verifikator', 'opd', 'loket')", name="ck_petugas_role"),
)

# Hash-chained log of every officials' action (lentera.store.audit).
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(40), nullable=False),
    Column("ticket", String(16)),
    Column("reason_code", String(64)),
    Column("note", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_ticket", "ticket"),
)

# Officials' server-side sessions (lentera.store.auth): only a hash of the token is kept.
petugas_session = Table(
    "petugas_session", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), ForeignKey("petugas_user.username"), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("seen_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Index("ix_petugas_session_username", "username"),
    Index("ix_petugas_session_started", "started_at"),
)

# ---- officials' pages (issue 14): admin overrides of a category's default office (reference
# file kategori_pengaduan.csv, column kode_skpd_default); no row = the file's value.
kategori_skpd = Table(
    "kategori_skpd", metadata,
    Column("kategori", String(80), primary_key=True),
    Column("kode_skpd", String(40), nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(64), nullable=False),
)


# ---- the citizen's loop (issue 16): lentera.store.outbox and lentera.store.umpan_balik ----
UNSUR_IKM = tuple(f"u{i}" for i in range(1, 10))  # Permenpan RB 14/2017's nine elements

# One mail subscription per ticket with an e-mail contact: its language and unsubscription; the
# address itself stays in `contact`, the unsubscribe token is kept only as a hash.
langganan = Table(
    "langganan", metadata,
    Column("ticket", String(16), ForeignKey("submission.ticket"), primary_key=True),
    Column("lang", String(2), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("berhenti_at", DateTime),
)

# The mail queue: what to say about which ticket, never to whom; retried with backoff.
outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket", String(16), ForeignKey("submission.ticket"), nullable=False),
    Column("to_status", String(32), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("due_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("state", String(10), nullable=False, server_default="antri"),
    Column("sent_at", DateTime),
    Column("last_error", String(120)),
    CheckConstraint("state IN ('antri', 'terkirim', 'gagal', 'batal')", name="ck_outbox_state"),
    Index("ix_outbox_state_due", "state", "due_at"),
)

# "Sudah selesai?": the one answer to one move to `selesai` (sudah, belum, or none in time).
konfirmasi = Table(
    "konfirmasi", metadata,
    Column("event_id", Integer, ForeignKey("event.id"), primary_key=True),
    Column("ticket", String(16), ForeignKey("submission.ticket"), nullable=False, index=True),
    Column("jawaban", String(10), nullable=False),
    Column("at", DateTime, nullable=False),
    # "Sudah dibangun?" of a proposal: the reason of "belum" and the photo's file (revision 0008)
    Column("alasan", Text),
    Column("foto", String(64)),
    CheckConstraint("jawaban IN ('sudah', 'belum', 'otomatis')", name="ck_konfirmasi_jawaban"),
)

# Ratings on the 1..4 scale: one per ticket (desk ratings of a service carry no ticket).
penilaian = Table(
    "penilaian", metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket", String(16), ForeignKey("submission.ticket"), unique=True),
    Column("jenis", String(10), nullable=False),
    Column("kode_skpd", String(40)),
    Column("layanan", String(120)),
    Column("at", DateTime, nullable=False),
    Column("nilai", Integer, nullable=False),
    *[Column(u, Integer) for u in UNSUR_IKM],
    Column("komentar", Text),
    CheckConstraint("nilai BETWEEN 1 AND 4", name="ck_penilaian_nilai"),
    CheckConstraint("jenis IN ('pengaduan', 'usulan', 'perizinan')", name="ck_penilaian_jenis"),
    Index("ix_penilaian_skpd", "kode_skpd"),
)


def utc_now() -> dt.datetime:
    """Now as the store keeps times: naive UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored (naive UTC) time as an aware UTC datetime."""
    return value.replace(tzinfo=dt.UTC) if value is not None else None
