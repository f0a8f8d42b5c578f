"""outbox lease: the instance delivering a row and until when (several instances on one database)

Revision ID: 0005_cluster
Revises: 0004_sessions
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_cluster"
down_revision = "0004_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("claimed_by", sa.String(length=64), nullable=True))
    op.add_column("outbox", sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("outbox", "claimed_until")
    op.drop_column("outbox", "claimed_by")
