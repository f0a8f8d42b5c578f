"""Repositories for what surrounds a chat: follow-up check-ins, staff invite codes, feedback on
answers, and the channel updates already handled. Like the others they never commit."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Feedback, FollowUp, InviteCode
from bot.storage.repositories import mark_update_processed


def code_hash(code: str) -> str:
    """Invite codes are stored only as this hash (case and surrounding spaces do not matter)."""
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


class FollowUpRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, handoff_id: int, counselor_id: str, kind: str, due_at: datetime) -> FollowUp:
        fu = FollowUp(handoff_id=handoff_id, counselor_id=counselor_id, kind=kind, due_at=due_at)
        self.s.add(fu)
        await self.s.flush()
        return fu

    async def get(self, followup_id: int) -> FollowUp | None:
        return await self.s.get(FollowUp, followup_id)

    async def open(self) -> list[FollowUp]:
        """Check-ins not yet sent (their timers are rebuilt at start)."""
        return list(await self.s.scalars(select(FollowUp).where(FollowUp.done_at.is_(None))))


class InviteRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, code: str, counselor_id: str, now: datetime, expires_at: datetime) -> InviteCode:
        invite = InviteCode(code_hash=code_hash(code), counselor_id=counselor_id, created_at=now,
                            expires_at=expires_at)
        self.s.add(invite)
        return invite

    async def by_code(self, code: str) -> InviteCode | None:
        return await self.s.get(InviteCode, code_hash(code))


class FeedbackRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def add(self, conversation_id: int, kind: str, subject: str, value: int, at: datetime) -> None:
        self.s.add(Feedback(conversation_id=conversation_id, kind=kind, subject=subject, value=value, at=at))

    async def count(self, kind: str, subject: str) -> int:
        """How many answers of `kind` were given about `subject`."""
        q = (select(func.count()).select_from(Feedback)
             .where(Feedback.kind == kind, Feedback.subject == subject))
        return int(await self.s.scalar(q) or 0)

    async def values(self, kind: str, since: datetime, until: datetime) -> list[int]:
        """The values of answers of `kind` given in [since, until)."""
        q = select(Feedback.value).where(Feedback.kind == kind, Feedback.at >= since, Feedback.at < until)
        return list(await self.s.scalars(q))


class UpdateRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def mark_processed(self, key: str, now: datetime) -> bool:
        """False when the update was handled before (a replay or a double click)."""
        return await mark_update_processed(self.s, key, now)
