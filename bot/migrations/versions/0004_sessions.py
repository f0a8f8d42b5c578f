"""staff sessions known to the server (logout and deactivation end them)

Revision ID: 0004_sessions
Revises: 0003_privacy
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_sessions"
down_revision = "0003_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("counselor_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["counselor_id"], ["counselors.id"],
                                name=op.f("fk_staff_sessions_counselor_id_counselors"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
    )
    op.create_index(op.f("ix_staff_sessions_counselor_id"), "staff_sessions", ["counselor_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_sessions_counselor_id"), table_name="staff_sessions")
    op.drop_table("staff_sessions")
