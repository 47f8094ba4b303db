"""Officials' weekly pages (issue 14): a default office per complaint category, editable by admin.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Admin overrides of the reference file's kode_skpd_default; a missing row = the file's value.
    op.create_table(
        "kategori_skpd",
        sa.Column("kategori", sa.String(80), primary_key=True),
        sa.Column("kode_skpd", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("the submissions store is never downgraded")
