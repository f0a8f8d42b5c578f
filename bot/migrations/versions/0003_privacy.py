"""anonymous counts kept when retention or /forget removes data

Revision ID: 0003_privacy
Revises: 0002_rota (0001_initial until the rota migration is in the tree)
Create Date: 2026-11-29
"""

from pathlib import Path

import sqlalchemy as sa
from alembic import op

# The table's model lives in bot/privacy/tables.py; importing it here puts it on Base.metadata for
# Alembic and the models-vs-migrations test until the registry loads bot.privacy.tables itself.
import bot.privacy.tables  # noqa: F401

revision = "0003_privacy"
# The rota migration (0002_rota) is being written alongside this one. Chain after it once it is in
# the tree, so main never has two heads in between; if it chose to chain after this one instead,
# stay after 0001 (never a cycle). Replace with the literal "0002_rota" once both have landed.
_ROTA = Path(__file__).with_name("0002_rota.py")
_ROTA_AFTER_US = _ROTA.exists() and '"0003_privacy"' in _ROTA.read_text(encoding="utf-8")
down_revision = "0002_rota" if _ROTA.exists() and not _ROTA_AFTER_US else "0001_initial"
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
