""""Sudah dibangun?" for funded proposals: the citizen's reason and photo beside the answer.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain nullable columns: ADD COLUMN works alike on SQLite and PostgreSQL
    op.add_column("konfirmasi", sa.Column("alasan", sa.Text))
    op.add_column("konfirmasi", sa.Column("foto", sa.String(64)))


def downgrade() -> None:
    raise NotImplementedError("the submissions store is never downgraded")
