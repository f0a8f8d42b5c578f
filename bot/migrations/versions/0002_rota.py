"""rota: stations, rotations and members, overrides, leave, swap requests

Revision ID: 0002_rota
Revises: 0001_initial
Create Date: 2026-11-29

Tables are in bot/storage/rota_tables.py.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_rota"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.String(64), nullable=False)


def _fk(table: str, col: str, target: str) -> sa.ForeignKeyConstraint:
    ref = target.split(".")[0]
    return sa.ForeignKeyConstraint([col], [target], name=op.f(f"fk_{table}_{col}_{ref}"), ondelete="CASCADE")


def _person_fk(table: str, col: str = "counselor_id") -> sa.ForeignKeyConstraint:
    return _fk(table, col, "counselors.id")


def _index(table: str, *cols: str) -> None:
    for col in cols:
        op.create_index(op.f(f"ix_{table}_{col}"), table, [col], unique=False)


def upgrade() -> None:
    op.create_table(
        "stations", _id(),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
    )
    op.create_table(
        "rotations", _id(),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("shift_s", sa.Integer(), nullable=False),
        sa.Column("start", TS, nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("backup", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("rotations", "station_id", "stations.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rotations")),
    )
    _index("rotations", "station_id")
    op.create_table(
        "rotation_members",
        sa.Column("rotation_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.String(64), nullable=False),
        _fk("rotation_members", "rotation_id", "rotations.id"),
        _person_fk("rotation_members"),
        sa.PrimaryKeyConstraint("rotation_id", "position", name=op.f("pk_rotation_members")),
    )
    _index("rotation_members", "counselor_id")
    op.create_table(
        "rota_overrides", _id(),
        sa.Column("counselor_id", sa.String(64), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("replaces", sa.String(64), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=True),
        _person_fk("rota_overrides"),
        _fk("rota_overrides", "station_id", "stations.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_overrides")),
    )
    _index("rota_overrides", "counselor_id", "starts_at")
    op.create_table(
        "rota_leave", _id(),
        sa.Column("counselor_id", sa.String(64), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("reason", sa.String(256), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=True),
        _person_fk("rota_leave"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_leave")),
    )
    _index("rota_leave", "counselor_id", "starts_at")
    op.create_table(
        "swap_requests", _id(),
        sa.Column("requester_id", sa.String(64), nullable=False),
        sa.Column("other_id", sa.String(64), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("created_at", TS, nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        _person_fk("swap_requests", "requester_id"),
        _person_fk("swap_requests", "other_id"),
        _fk("swap_requests", "station_id", "stations.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_swap_requests")),
    )
    _index("swap_requests", "requester_id", "state")


def downgrade() -> None:
    for table in ("swap_requests", "rota_leave", "rota_overrides", "rotation_members", "rotations",
                  "stations"):
        op.drop_table(table)
