"""Officials' weekly pages (issue 14): a default office per complaint category, editable by admin.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled by the officials' work (issue 14)


def downgrade() -> None:
    pass
