"""A flooding resident is slowed with one gentle notice; crisis words inside the flood still act."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.storage.models import Handoff, Message
from tests.conversation.conftest import RESIDENT, Harness


async def test_flood_gets_one_slow_down_and_every_message_is_still_stored(h: Harness) -> None:
    for i in range(30):
        await h.send(f"how do I sleep {i}")
    texts = h.tg.texts(RESIDENT)
    slow = [t for t in texts if "slow down" in t or "请慢一点" in t]
    assert len(slow) == 1
    assert len(texts) < 30  # answers paused during the flood
    async with h.c.uow() as uow:
        stored = await uow.session.scalar(
            select(func.count()).select_from(Message).where(Message.sender == "resident"))
    assert stored == 30


async def test_crisis_inside_a_flood_still_opens_a_handoff(h: Harness) -> None:
    for i in range(20):
        await h.send(f"spam {i}")
    await h.send("I have the pills here")
    async with h.c.uow() as uow:
        handoff = await uow.session.scalar(select(Handoff))
    assert handoff is not None and handoff.level == "imminent"
    assert "12356" in h.tg.texts(RESIDENT)[-2] or any("12356" in t for t in h.tg.texts(RESIDENT)[-3:])
