"""The outbox loop never sleeps on a row that was committed while a pass was running."""

from __future__ import annotations

import asyncio

from bot.channels.outbox import OutboxDispatcher
from bot.clock import SystemClock
from bot.conversation.messages import Outbound
from bot.storage.uow import UnitOfWorkFactory
from tests.fakes.sender import RecordingSender


class SignallingSender(RecordingSender):
    def __init__(self, channel: str) -> None:
        super().__init__(channel)
        self.got = asyncio.Event()

    async def send(self, message: Outbound) -> str | None:
        ref = await super().send(message)
        self.got.set()
        return ref


class CommitDuringPass(OutboxDispatcher):
    """Between a pass's query and its end, a turn commits a row and wakes the loop, once.

    This is the order a resident's reply meets when it arrives while the previous reply is
    being delivered; the loop's idle wait is made long so a lost wake-up cannot hide.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.passes = 0

    async def _next_wait(self) -> float:
        self.passes += 1
        if self.passes == 1:
            async with self.uow() as uow:
                out = Outbound("test", "c1", "sent while the first pass ran")
                await uow.outbox.add("test", "c1", out.to_payload(), self.clock.now())
                await uow.commit()
            self.wake()
        return 60.0


async def test_a_row_committed_during_a_pass_goes_out_without_waiting_for_the_idle_timeout(
        uow: UnitOfWorkFactory) -> None:
    sender = SignallingSender("test")
    dispatcher = CommitDuringPass(uow, {"test": sender}, SystemClock())
    await dispatcher.start()
    try:
        # far below the 60 s idle wait a lost wake-up would cost
        await asyncio.wait_for(sender.got.wait(), timeout=10)
    finally:
        await dispatcher.stop()

    assert sender.texts("c1") == ["sent while the first pass ran"]


async def test_flood_control_answers_do_not_park_a_message_within_the_hour(uow: UnitOfWorkFactory) -> None:
    """Chaos finding 3: 429s counted toward max_attempts parked (lost) replies in a storm."""
    from tests.fakes.clock import FakeClock

    clock = FakeClock()
    sender = RecordingSender("test")
    sender.fail_next = [1.0] * 30  # Telegram says "retry after 1 s" thirty times
    dispatcher = OutboxDispatcher(uow, {"test": sender}, clock, max_attempts=20)
    async with uow() as u:
        await u.outbox.add("test", "c1", Outbound("test", "c1", "held").to_payload(), clock.now())
        await u.commit()
    for _ in range(31):
        await dispatcher.deliver_due()
        clock.advance(seconds=2)
    assert sender.texts("c1") == ["held"]  # 30 refusals, then delivered, not parked


async def test_a_row_failing_for_over_an_hour_is_parked_for_a_human(uow: UnitOfWorkFactory) -> None:
    from sqlalchemy import select

    from bot.storage.models import OutboxItem
    from tests.fakes.clock import FakeClock

    clock = FakeClock()
    sender = RecordingSender("test")
    sender.fail_next = [1.0] * 100
    dispatcher = OutboxDispatcher(uow, {"test": sender}, clock, max_attempts=3)
    async with uow() as u:
        await u.outbox.add("test", "c1", Outbound("test", "c1", "never").to_payload(), clock.now())
        await u.commit()
    for _ in range(5):
        await dispatcher.deliver_due()
        clock.advance(minutes=20)
    async with uow() as u:
        row = await u.session.scalar(select(OutboxItem))
        assert row is not None and row.failed
    assert sender.texts("c1") == []


async def test_stop_ends_the_loop_even_when_a_wake_up_meets_the_cancellation(uow: UnitOfWorkFactory) -> None:
    """The CI hang: a row woke the loop in the very iteration the server stopped it."""
    dispatcher = OutboxDispatcher(uow, {"test": RecordingSender("test")}, SystemClock())
    await dispatcher.start()
    await asyncio.sleep(0.2)  # the first pass is done; the loop sleeps on its wake-up
    dispatcher.wake()
    await asyncio.sleep(0)  # the wake-up's waiter has finished, the loop has not run yet
    stopping = asyncio.ensure_future(dispatcher.stop())
    done, _ = await asyncio.wait({stopping}, timeout=10)

    assert done, "stop() hung: the cancellation was swallowed"
