"""Limits that hold: rate events carry their own expiry and subject; one support per proposal.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rate events live minutes: the old rows (no expiry) are simply dropped.
    op.execute("DELETE FROM rate_event")
    op.add_column("rate_event", sa.Column("expires_at", sa.DateTime))
    op.add_column("rate_event", sa.Column("subject_hash", sa.String(64)))
    op.create_index("ix_rate_event_expires", "rate_event", ["expires_at"])
    op.create_index("ix_rate_event_subject", "rate_event", ["subject_hash"])
    op.create_table(
        "dukungan",
        sa.Column("ticket", sa.String(16), sa.ForeignKey("submission.ticket"), primary_key=True),
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("the submissions store is never downgraded")
