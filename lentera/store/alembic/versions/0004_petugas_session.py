"""Officials' server-side sessions: token hash, user, started, last seen, revoked.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "petugas_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), sa.ForeignKey("petugas_user.username"),
                  nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("seen_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
    )
    op.create_index("ix_petugas_session_username", "petugas_session", ["username"])
    op.create_index("ix_petugas_session_started", "petugas_session", ["started_at"])


def downgrade() -> None:
    raise NotImplementedError("the submissions store is never downgraded")
