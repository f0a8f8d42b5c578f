"""anonymous counts kept when retention or /forget removes data

Revision ID: 0003_privacy
Revises: 0002_rota
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_privacy"
down_revision = "0002_rota"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anonymous_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymous_counts")),
        sa.UniqueConstraint("day", "source", "kind", name="uq_anonymous_counts_day_source_kind"),
    )


def downgrade() -> None:
    op.drop_table("anonymous_counts")
