"""failed staff logins, keyed hashes only (login throttle shared by every instance)

Revision ID: 0006_login_throttle
Revises: 0005_cluster
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_login_throttle"
down_revision = "0005_cluster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login_tag", sa.String(length=64), nullable=False),
        sa.Column("address_tag", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(op.f("ix_login_failures_login_tag"), "login_failures", ["login_tag"])
    op.create_index(op.f("ix_login_failures_address_tag"), "login_failures", ["address_tag"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_failures_address_tag"), table_name="login_failures")
    op.drop_index(op.f("ix_login_failures_login_tag"), table_name="login_failures")
    op.drop_table("login_failures")
