"""Counselors' own rota requests from the console (issue 16 item 13, issue 17 item 5): leave asked
for and waiting for a coordinator, and each counselor's secret calendar-feed token. Swap requests
already have their table (`swap_requests`, rota_tables.py). Migration: 0010_rota_requests.

Leave asked for is not leave: the rota reads only `rota_leave`, so a request changes nobody's duty
until a coordinator approves it, which writes the `rota_leave` row (`leave_id`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base

_PERSON = "counselors.id"


class LeaveRequestRow(Base):
    __tablename__ = "leave_requests"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    counselor_id: Mapped[str] = mapped_column(ForeignKey(_PERSON, ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(256), default="")
    state: Mapped[str] = mapped_column(String(16), default="requested", index=True)  # LeaveState
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    leave_id: Mapped[str | None] = mapped_column(String(64))  # the rota_leave row an approval made


class CalendarFeedRow(Base):
    """One live feed per counselor: the SHA-256 of its URL token, never the token (it is the only
    secret a calendar app sends). A new token replaces the row; revoking deletes it."""

    __tablename__ = "calendar_feeds"
    counselor_id: Mapped[str] = mapped_column(ForeignKey(_PERSON, ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
