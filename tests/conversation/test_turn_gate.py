"""The turn gate: at most `slots` turns in the database at once, crisis lines admitted first, a
long wait answered with an honest 'many people are writing now', nothing lost."""

from __future__ import annotations

import asyncio

from bot.services.turn_gate import BUSY_TEXT, TurnGate
from tests.conversation.conftest import Harness


async def test_waiting_turns_are_admitted_urgent_first_then_in_arrival_order() -> None:
    gate = TurnGate(1)
    assert gate.try_enter()
    order: list[str] = []

    async def turn(name: str, urgent: bool) -> None:
        async with gate.enter(urgent):
            order.append(name)

    tasks = [asyncio.create_task(turn("a", False)), asyncio.create_task(turn("b", False))]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(turn("crisis", True)))
    await asyncio.sleep(0)
    gate.leave()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)

    assert order == ["crisis", "a", "b"]
    assert gate.inside == 0 and gate.waiting == 0


async def test_a_waiter_that_gives_up_does_not_keep_a_slot() -> None:
    gate = TurnGate(1)
    assert gate.try_enter()
    quitter = asyncio.create_task(gate.enter(False).__aenter__())
    await asyncio.sleep(0)
    quitter.cancel()
    await asyncio.sleep(0)
    gate.leave()

    assert gate.inside == 0 and gate.try_enter()


async def test_a_crisis_line_overtakes_a_crowd_and_ordinary_lines_hear_they_are_coming(h: Harness) -> None:
    service = h.c.service
    service.gate = TurnGate(1)
    assert service.gate.try_enter()  # the database is busy with someone else's turn
    crowd = [asyncio.create_task(h.send("hello there", user=7000 + i)) for i in range(3)]
    await asyncio.sleep(0.2)
    crisis = asyncio.create_task(h.send("I have the pills here", user=7100))
    await asyncio.sleep(1.3)  # past BUSY_NOTICE_S for the crowd
    crowd_texts = [h.tg.texts(7000 + i) for i in range(3)]
    service.gate.leave()
    await asyncio.wait_for(asyncio.gather(*crowd, crisis), 10)

    assert all(texts and texts[-1] in BUSY_TEXT.values() for texts in crowd_texts), crowd_texts
    assert sum(m.text in BUSY_TEXT.values() for m in h.tg.sent) == 3  # one notice per waiting line
    assert h.tg.texts(7100) and not any(t in BUSY_TEXT.values() for t in h.tg.texts(7100))
    # Admitted first although it came last: its reply was the first sent once the slot freed.
    firsts = [m.chat_key for m in h.tg.sent if m.text not in BUSY_TEXT.values()]
    assert firsts[0] == "7100"
    for i in range(3):  # every ordinary line still got its stored reply after the notice
        assert len(h.tg.texts(7000 + i)) >= 2
