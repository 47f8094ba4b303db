"""Core tables: submission, contact, event (append-only), photo. Was hand-rolled step 1.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Released: the tables are spelled out here, never taken from lentera.store.tables.
EVENT_APPEND_ONLY = {
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


def upgrade() -> None:
    op.create_table(
        "submission",
        sa.Column("ticket", sa.String(16), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("kategori", sa.String(80)),
        sa.Column("klasifikasi", sa.String(32)),
        sa.Column("judul", sa.Text),
        sa.Column("isi", sa.Text),
        sa.Column("kode_desa", sa.String(20)),
        sa.Column("kode_kecamatan", sa.String(16)),
        sa.Column("lat", sa.Float),
        sa.Column("lng", sa.Float),
        sa.Column("rahasia", sa.Boolean, nullable=False),
        sa.Column("anonim", sa.Boolean, nullable=False),
        sa.Column("kanal", sa.String(20), nullable=False, server_default="web"),
        sa.Column("kode_skpd", sa.String(40)),
        sa.Column("usulan", sa.Text),
        sa.Column("permasalahan", sa.Text),
        sa.Column("volume", sa.Float),
        sa.Column("satuan", sa.String(32)),
        sa.Column("perkiraan_biaya", sa.Numeric(18, 2)),
        sa.Column("bidang_urusan", sa.String(120)),
        sa.Column("tahun_rkpd", sa.Integer),
        sa.Column("support_of", sa.String(16), sa.ForeignKey("submission.ticket")),
        sa.Column("support_count", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("kind IN ('pengaduan', 'usulan')", name="ck_submission_kind"),
    )
    op.create_index("ix_submission_kind_created", "submission", ["kind", "created_at"])
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket", sa.String(16), sa.ForeignKey("submission.ticket"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.String(254), nullable=False),
        sa.Column("consent_text_version", sa.String(32), nullable=False),
        sa.Column("consent_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("kind IN ('phone', 'email')", name="ck_contact_kind"),
    )
    op.create_index("ix_contact_ticket", "contact", ["ticket"])
    op.create_table(
        "event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket", sa.String(16), sa.ForeignKey("submission.ticket"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(32)),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("reason_code", sa.String(64)),
        sa.Column("public_note", sa.Text),
    )
    op.create_index("ix_event_ticket", "event", ["ticket", "id"])
    op.create_table(
        "photo",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket", sa.String(16), sa.ForeignKey("submission.ticket"), nullable=False),
        sa.Column("file_name", sa.String(64), nullable=False, unique=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("bytes", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_photo_ticket", "photo", ["ticket"])
    for statement in EVENT_APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the submissions store is never downgraded")
