"""The escalation timers' store (scheduling.timers.StepStore) over the handoffs table."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import Handoff
from scheduling.timers import PendingStep


class HandoffStepStore:
    """Cases in state 'offered' with a `next_step_at` are waiting for an acknowledgement."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def pending_steps(self) -> list[PendingStep]:
        async with self.sessions() as s:
            rows = await s.execute(
                select(Handoff.id, Handoff.version, Handoff.step, Handoff.next_step_at)
                .where(Handoff.state == "offered", Handoff.next_step_at.is_not(None))
                .order_by(Handoff.next_step_at))
            return [PendingStep(i, v, st, due) for i, v, st, due in rows if due is not None]

    async def is_current(self, handoff_id: int, version: int, step: int) -> bool:
        async with self.sessions() as s:
            row = (await s.execute(select(Handoff.state, Handoff.version, Handoff.step)
                                   .where(Handoff.id == handoff_id))).first()
        return row is not None and tuple(row) == ("offered", version, step)
