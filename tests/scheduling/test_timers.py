"""Escalation timers survive a restart: rebuilt from the database, fire once, drop when stale."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.storage.models import Conversation, Handoff, Resident
from bot.storage.timer_store import HandoffStepStore
from bot.storage.uow import UnitOfWorkFactory
from scheduling.timers import EscalationTimers, PendingStep

WAIT_S = 10.0  # upper bound only: each test awaits an event, never a fixed delay


async def offered_case(uow: UnitOfWorkFactory, due_in: timedelta) -> int:
    now = datetime.now(UTC)
    async with uow() as u:
        s = u.session
        r = Resident(pseudonym=f"p-{now.timestamp()}", channel="web", created_at=now)
        s.add(r)
        await s.flush()
        c = Conversation(resident_id=r.id, channel="web", chat_key="k", created_at=now, updated_at=now)
        s.add(c)
        await s.flush()
        h = Handoff(conversation_id=c.id, state="offered", level="high", created_at=now, version=3, step=0,
                    next_step_at=now + due_in)
        s.add(h)
        await s.commit()
        return h.id


class Recorder:
    """The fire callback: does what the conversation service's advance would (moves the case on)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow, self.fired = uow, []  # type: ignore[var-annotated]
        self.seen: asyncio.Queue[tuple[str, PendingStep]] = asyncio.Queue()

    async def fire(self, handoff_id: int, version: int, step: int) -> None:
        self.fired.append((handoff_id, version, step))
        async with self.uow() as u:
            await u.session.execute(update(Handoff).where(Handoff.id == handoff_id).values(
                version=version + 1, step=step + 1, next_step_at=datetime.now(UTC) + timedelta(hours=1)))
            await u.commit()

    def observe(self, what: str, p: PendingStep) -> None:
        self.seen.put_nowait((what, p))

    def timers(self) -> EscalationTimers:
        return EscalationTimers(HandoffStepStore(self.uow.sessions), self.fire, observer=self.observe)


async def test_step_survives_a_rebuilt_scheduler_and_fires_exactly_once(uow: UnitOfWorkFactory) -> None:
    hid = await offered_case(uow, timedelta(milliseconds=300))
    rec = Recorder(uow)
    first = rec.timers()
    assert await first.start() == 1
    first.shutdown()  # the process dies before the step is due

    second = rec.timers()
    await second.start()
    async with asyncio.timeout(WAIT_S):
        what, p = await rec.seen.get()
    second.shutdown()
    third = rec.timers()  # another restart after it fired: step 0 is not scheduled again
    await third.start()
    rebuilt = third.job_ids()
    third.shutdown()

    assert (what, rec.fired) == ("fired", [(hid, 3, 0)])
    assert rebuilt == [f"escalate:{hid}:4:1"]  # only the next step, from the row the callback moved on


async def test_overdue_step_fires_at_once_on_start(uow: UnitOfWorkFactory) -> None:
    hid = await offered_case(uow, -timedelta(minutes=5))
    rec = Recorder(uow)
    timers = rec.timers()
    await timers.start()
    async with asyncio.timeout(WAIT_S):
        what, _ = await rec.seen.get()
    timers.shutdown()
    assert (what, rec.fired) == ("fired", [(hid, 3, 0)])


async def test_stale_job_does_nothing_when_the_case_was_accepted(uow: UnitOfWorkFactory) -> None:
    hid = await offered_case(uow, timedelta(milliseconds=300))
    rec = Recorder(uow)
    timers = rec.timers()
    await timers.start()
    async with uow() as u:  # a counselor accepts before the timeout
        await u.session.execute(update(Handoff).where(Handoff.id == hid).values(state="accepted", version=4))
        await u.commit()
    async with asyncio.timeout(WAIT_S):
        what, p = await rec.seen.get()
    timers.shutdown()
    assert (what, p.handoff_id, rec.fired) == ("stale", hid, [])
