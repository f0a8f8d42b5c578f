"""case notes: transfer, hand-back and close notes (encrypted), safety check and risk at close

Revision ID: 0007_case_notes
Revises: 0006_login_throttle
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_case_notes"
down_revision = "0006_login_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("safety_check", sa.String(length=24), nullable=True),
        sa.Column("risk_at_close", sa.String(length=12), nullable=True),
        sa.Column("note_enc", sa.LargeBinary(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], ondelete="CASCADE",
                                name=op.f("fk_case_notes_handoff_id_handoffs")),
        sa.ForeignKeyConstraint(["counselor_id"], ["counselors.id"], ondelete="SET NULL",
                                name=op.f("fk_case_notes_counselor_id_counselors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    op.create_index(op.f("ix_case_notes_handoff_id"), "case_notes", ["handoff_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_notes_handoff_id"), table_name="case_notes")
    op.drop_table("case_notes")
