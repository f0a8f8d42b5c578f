"""Reads and writes of `staff_sessions` (bot/storage/session_tables.py), inside a unit of work."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.storage.session_tables import StaffSessionRow
from bot.storage.uow import UnitOfWork

# Rows of a counselor older than this are dropped at their next login: cookies expire 12 hours
# after their last write, so a day leaves room for a session rewritten late in a shift.
STALE_AFTER = timedelta(hours=24)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


async def open_session(uow: UnitOfWork, counselor_id: str, session_id: str, now: datetime) -> None:
    """Record a new login (and forget this counselor's stale rows)."""
    await uow.session.execute(delete(StaffSessionRow).where(
        StaffSessionRow.counselor_id == counselor_id, StaffSessionRow.created_at < now - STALE_AFTER))
    uow.session.add(StaffSessionRow(id=_digest(session_id), counselor_id=counselor_id, created_at=now))


async def is_live(uow: UnitOfWork, counselor_id: str, session_id: str) -> bool:
    found = await uow.session.scalar(select(StaffSessionRow.id).where(
        StaffSessionRow.id == _digest(session_id), StaffSessionRow.counselor_id == counselor_id))
    return found is not None


async def end_session(uow: UnitOfWork, session_id: str) -> None:
    """Logout: this session only."""
    await uow.session.execute(delete(StaffSessionRow).where(StaffSessionRow.id == _digest(session_id)))

