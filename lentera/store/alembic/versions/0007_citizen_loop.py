"""The citizen's loop (issue 16): mail outbox, "is it fixed?" answers, ratings.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UNSUR_IKM = tuple(f"u{i}" for i in range(1, 10))


def upgrade() -> None:
    op.create_table(
        "langganan",
        sa.Column("ticket", sa.String(16), sa.ForeignKey("submission.ticket"), primary_key=True),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("berhenti_at", sa.DateTime),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket", sa.String(16), sa.ForeignKey("submission.ticket"), nullable=False),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("due_at", sa.DateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("state", sa.String(10), nullable=False, server_default="antri"),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("last_error", sa.String(120)),
        sa.CheckConstraint("state IN ('antri', 'terkirim', 'gagal', 'batal')",
                           name="ck_outbox_state"),
    )
    op.create_index("ix_outbox_state_due", "outbox", ["state", "due_at"])
    op.create_table(
        "konfirmasi",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("event.id"), primary_key=True),
        sa.Column("ticket", sa.String(16), sa.ForeignKey("submission.ticket"), nullable=False),
        sa.Column("jawaban", sa.String(10), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.CheckConstraint("jawaban IN ('sudah', 'belum', 'otomatis')",
                           name="ck_konfirmasi_jawaban"),
    )
    op.create_index("ix_konfirmasi_ticket", "konfirmasi", ["ticket"])
    op.create_table(
        "penilaian",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket", sa.String(16), sa.ForeignKey("submission.ticket"), unique=True),
        sa.Column("jenis", sa.String(10), nullable=False),
        sa.Column("kode_skpd", sa.String(40)),
        sa.Column("layanan", sa.String(120)),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("nilai", sa.Integer, nullable=False),
        *[sa.Column(u, sa.Integer) for u in UNSUR_IKM],
        sa.Column("komentar", sa.Text),
        sa.CheckConstraint("nilai BETWEEN 1 AND 4", name="ck_penilaian_nilai"),
        sa.CheckConstraint("jenis IN ('pengaduan', 'usulan', 'perizinan')",
                           name="ck_penilaian_jenis"),
    )
    op.create_index("ix_penilaian_skpd", "penilaian", ["kode_skpd"])


def downgrade() -> None:
    raise NotImplementedError("the submissions store is never downgraded")
