"""The citizen's loop (issue 16): mail outbox, "is it fixed?" answers, ratings.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled by the citizen-loop work (issue 16)


def downgrade() -> None:
    pass
