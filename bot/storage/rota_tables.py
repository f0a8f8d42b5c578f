"""Rota tables (stations, rotations and their members, overrides, leave, swap requests) on the
app's `Base`. Counselors live in `counselors` (models.py). Who is on duty is never stored: the
scheduling package computes it from these rows. Migration: 0002_rota.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base

_PERSON = "counselors.id"
_STATION = "stations.id"


class StationRow(Base):
    __tablename__ = "stations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))  # city | district | street | community
    # Checked on import (no loops, known ids); no foreign key so a whole tree can be replaced.
    parent_id: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)


class RotationRow(Base):
    __tablename__ = "rotations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(ForeignKey(_STATION, ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    shift_s: Mapped[int] = mapped_column(Integer)
    start: Mapped[datetime]
    tz: Mapped[str] = mapped_column(String(64))
    weekdays: Mapped[list[Any]] = mapped_column(JSON, default=list)  # 0 = Monday
    windows: Mapped[list[Any]] = mapped_column(JSON, default=list)  # ["18:00-02:00"]
    backup: Mapped[list[Any]] = mapped_column(JSON, default=list)  # counselor ids
    position: Mapped[int] = mapped_column(Integer, default=0)


class RotationMemberRow(Base):
    __tablename__ = "rotation_members"
    rotation_id: Mapped[str] = mapped_column(ForeignKey("rotations.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    counselor_id: Mapped[str] = mapped_column(ForeignKey(_PERSON, ondelete="CASCADE"), index=True)


class OverrideRow(Base):
    __tablename__ = "rota_overrides"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    counselor_id: Mapped[str] = mapped_column(ForeignKey(_PERSON, ondelete="CASCADE"), index=True)
    station_id: Mapped[str] = mapped_column(ForeignKey(_STATION, ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    replaces: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime | None]


class LeaveRow(Base):
    __tablename__ = "rota_leave"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    counselor_id: Mapped[str] = mapped_column(ForeignKey(_PERSON, ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(256), default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime | None]


class SwapRow(Base):
    __tablename__ = "swap_requests"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    requester_id: Mapped[str] = mapped_column(ForeignKey(_PERSON, ondelete="CASCADE"), index=True)
    other_id: Mapped[str] = mapped_column(ForeignKey(_PERSON, ondelete="CASCADE"))
    station_id: Mapped[str] = mapped_column(ForeignKey(_STATION, ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="requested", index=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    decided_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
