"""counselors' leave requests waiting for a coordinator, and their calendar-feed tokens (hashed)

Revision ID: 0010_rota_requests
Revises: 0009_password_codes
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_rota_requests"
down_revision = "0009_password_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leave_requests",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("counselor_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leave_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["counselor_id"], ["counselors.id"], ondelete="CASCADE",
                                name=op.f("fk_leave_requests_counselor_id_counselors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leave_requests")),
    )
    op.create_index(op.f("ix_leave_requests_counselor_id"), "leave_requests", ["counselor_id"])
    op.create_index(op.f("ix_leave_requests_state"), "leave_requests", ["state"])
    op.create_table(
        "calendar_feeds",
        sa.Column("counselor_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["counselor_id"], ["counselors.id"], ondelete="CASCADE",
                                name=op.f("fk_calendar_feeds_counselor_id_counselors")),
        sa.PrimaryKeyConstraint("counselor_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feeds")
    op.drop_index(op.f("ix_leave_requests_state"), table_name="leave_requests")
    op.drop_index(op.f("ix_leave_requests_counselor_id"), table_name="leave_requests")
    op.drop_table("leave_requests")
