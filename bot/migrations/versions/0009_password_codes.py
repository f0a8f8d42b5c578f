"""one-time codes to set a staff password (admin account management, issue 17)

Revision ID: 0009_password_codes
Revises: 0008_sealed_reasons
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_password_codes"
down_revision = "0008_sealed_reasons"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_codes",
        sa.Column("counselor_id", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["counselor_id"], ["counselors.id"], ondelete="CASCADE",
                                name=op.f("fk_password_codes_counselor_id_counselors")),
        sa.PrimaryKeyConstraint("counselor_id", name=op.f("pk_password_codes")),
    )


def downgrade() -> None:
    op.drop_table("password_codes")
