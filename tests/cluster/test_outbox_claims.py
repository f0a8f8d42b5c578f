"""Several instances deliver one outbox: each row once, each chat in order, a dead one's rows retaken.

The instances are separate dispatchers with their own engines (their own connection pools), as
separate processes have; the race runs on PostgreSQL, where FOR UPDATE SKIP LOCKED does the work.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.channels.outbox import OutboxDispatcher
from bot.cluster import claims
from bot.conversation.messages import Outbound
from bot.crypto import Cipher
from bot.storage.engine import create_engine, session_factory
from bot.storage.models import OutboxItem
from bot.storage.uow import UnitOfWorkFactory
from tests.fakes.clock import FakeClock
from tests.fakes.sender import RecordingSender

CHATS, PER_CHAT = 12, 8


class SharedLog(RecordingSender):
    """Records (instance, chat, text) into one list shared by every instance, in send order."""

    def __init__(self, name: str, log: list[tuple[str, str, str]]) -> None:
        super().__init__("test")
        self.name, self.log = name, log

    async def send(self, message: Outbound) -> str | None:
        await asyncio.sleep(0.002)  # a network call: lets the other instance's pass interleave
        self.log.append((self.name, message.chat_key, message.text))
        return await super().send(message)


@pytest.fixture
async def instances(db_url: str, cipher: Cipher) -> AsyncIterator[list[UnitOfWorkFactory]]:
    if db_url.startswith("sqlite"):
        pytest.skip("several instances need PostgreSQL (one SQLite instance is the leader)")
    engines = [create_engine(db_url) for _ in range(3)]
    yield [UnitOfWorkFactory(session_factory(e), cipher) for e in engines]
    for e in engines:
        await e.dispose()


async def _fill(uow: UnitOfWorkFactory, clock: FakeClock) -> None:
    async with uow() as u:
        for n in range(PER_CHAT):
            for chat in range(CHATS):
                text = f"{chat}:{n}"
                await u.outbox.add("test", f"c{chat}", Outbound("test", f"c{chat}", text).to_payload(),
                                   clock.now())
        await u.commit()


async def test_three_instances_send_every_row_once_and_keep_each_chats_order(
        instances: list[UnitOfWorkFactory]) -> None:
    clock = FakeClock()
    await _fill(instances[0], clock)
    log: list[tuple[str, str, str]] = []
    dispatchers = [OutboxDispatcher(u, {"test": SharedLog(f"i{k}", log)}, clock, instance=f"i{k}")
                   for k, u in enumerate(instances)]

    async def drain(d: OutboxDispatcher) -> None:
        for _ in range(50):
            await d.deliver_due()
            if len(log) >= CHATS * PER_CHAT:
                return
            await asyncio.sleep(0)

    await asyncio.gather(*(drain(d) for d in dispatchers))

    texts = [text for _, _, text in log]
    assert len(texts) == CHATS * PER_CHAT and len(set(texts)) == len(texts)  # none lost, none doubled
    for chat in range(CHATS):
        in_order = [t for _, c, t in log if c == f"c{chat}"]
        assert in_order == [f"{chat}:{n}" for n in range(PER_CHAT)]
    assert len({name for name, _, _ in log}) > 1  # the work was really shared
    async with instances[0]() as u:
        left = await u.session.scalars(select(OutboxItem).where(OutboxItem.sent_at.is_(None)))
        assert list(left) == []
        held = await u.session.scalars(select(OutboxItem).where(OutboxItem.claimed_by.is_not(None)))
        assert list(held) == []  # sent rows carry no claim


async def test_a_dead_instances_rows_wait_for_the_lease_then_go_out_once(
        instances: list[UnitOfWorkFactory]) -> None:
    clock = FakeClock()
    await _fill(instances[0], clock)
    async with instances[0]() as u:  # "dead" claims chat heads and is killed before sending
        taken = await claims.claim(u.session, ["test"], "dead", clock.now(), 30.0, PER_CHAT)
        await u.commit()
    assert {c.chat_key for c in taken} == {f"c{n}" for n in range(CHATS)}
    sender = RecordingSender("test")
    live = OutboxDispatcher(instances[1], {"test": sender}, clock, instance="live", lease_s=30.0)

    wait = await live.deliver_due()
    assert sender.sent == []  # the lease still runs: the rows are the dead instance's
    assert 0 < wait <= 5.0  # no spinning on another instance's rows

    clock.advance(seconds=31)
    for _ in range(PER_CHAT):
        await live.deliver_due()
    for chat in range(CHATS):
        assert sender.texts(f"c{chat}") == [f"{chat}:{n}" for n in range(PER_CHAT)]


async def test_a_chat_whose_head_another_instance_holds_is_not_started_behind_it(
        instances: list[UnitOfWorkFactory]) -> None:
    clock = FakeClock()
    await _fill(instances[0], clock)
    async with instances[0]() as u:  # "other" holds only the first row of c0
        first = await u.session.scalar(select(OutboxItem).where(OutboxItem.chat_key == "c0")
                                       .order_by(OutboxItem.id).limit(1))
        assert first is not None
        first.claimed_by, first.claimed_until = "other", clock.now().replace(year=2030)
        await u.commit()
    sender = RecordingSender("test")
    live = OutboxDispatcher(instances[1], {"test": sender}, clock, instance="live")
    for _ in range(PER_CHAT):
        await live.deliver_due()
    assert sender.texts("c0") == []  # c0:1.. would overtake c0:0
    assert sender.texts("c1") == [f"1:{n}" for n in range(PER_CHAT)]
