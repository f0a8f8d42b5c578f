"""Satisfaction at close on Telegram, end to end (real python-telegram-bot, fake Bot API, real
server, SQLite and PostgreSQL): the counselor closes, the resident is asked once to rate 1-5 or
skip, the answer is stored and counted for reports; a second press or a forged button changes
nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.conversation import satisfaction
from bot.server import Server
from bot.storage.models import Feedback, Handoff, ProcessedUpdate
from tests.e2e.test_telegram_handoffs import C1, CRISIS, RESIDENT, card_of, staffed
from tests.fakes.telegram_api import FakeTelegram

__all__ = ["staffed"]  # the fixture, used by name below
OTHER = 7002


def buttons(fake: FakeTelegram, chat: int) -> list[dict[str, Any]]:
    return [b for p in fake.sent("sendMessage", chat)
            for row in (p.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def closed_chat(fake: FakeTelegram, resident: int = RESIDENT) -> int:
    """A crisis chat that C1 accepted and closed (outcome resolved); the handoff id."""
    await fake.push_text(resident, CRISIS)
    card = await fake.wait_for(lambda: card_of(fake, C1))
    await fake.push_callback(C1, card["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
                             message_id=card.get("message_id"))
    await fake.wait_for(lambda: any("已加入" in t or "joined" in t for t in fake.texts(resident)))
    await fake.push_text(C1, "/close")
    outcome = await fake.wait_for(lambda: [b for b in buttons(fake, C1)
                                           if b["callback_data"].endswith(":resolved")])
    await fake.push_callback(C1, outcome[-1]["callback_data"])
    await fake.wait_for(lambda: any("打 1 到 5 分" in t or "from 1 to 5" in t for t in fake.texts(resident)))
    return int(outcome[-1]["callback_data"].split(":")[1])


def said(fake: FakeTelegram, *needles: str) -> bool:
    return any(n in t for t in fake.texts(RESIDENT) for n in needles)


async def handled(server: Server, key: str) -> bool:
    async with server.container.uow() as uow:
        return await uow.session.get(ProcessedUpdate, key) is not None


async def ratings(server: Server) -> list[tuple[str | None, int]]:
    async with server.container.uow() as uow:
        return [(f.subject, f.value) for f in await uow.session.scalars(
            select(Feedback).where(Feedback.kind == "satisfaction").order_by(Feedback.id))]


async def test_the_resident_rates_the_closed_chat_once(staffed: Server, fake_tg: FakeTelegram) -> None:
    hid = await closed_chat(fake_tg)
    offered = [b["callback_data"] for b in buttons(fake_tg, RESIDENT)
               if b["callback_data"].startswith("rate:")]

    await fake_tg.push_callback(RESIDENT, f"rate:{hid}:4")
    await fake_tg.wait_for(lambda: said(fake_tg, "谢谢你的评分", "Thank you for rating"))
    await fake_tg.push_callback(RESIDENT, f"rate:{hid}:1")  # a second press does not count
    await fake_tg.wait_for(lambda: said(fake_tg, "已经评过分", "rated already"))
    now = staffed.container.clock.now()
    async with staffed.container.uow() as uow:
        report = await satisfaction.summary(uow, now - timedelta(hours=1), now + timedelta(hours=1))

    assert offered == [f"rate:{hid}:{v}" for v in ("1", "2", "3", "4", "5", "skip")]
    assert await ratings(staffed) == [(f"handoff:{hid}", 4)]
    assert report == {"rated": 1, "skipped": 0, "satisfied_share": 1.0, "mean": 4.0}


async def test_skipping_counts_as_answered_and_a_forged_button_changes_nothing(
        staffed: Server, fake_tg: FakeTelegram) -> None:
    hid = await closed_chat(fake_tg)
    before = len(fake_tg.texts(OTHER))

    await fake_tg.push_callback(OTHER, f"rate:{hid}:1", query_id="forged")  # another resident forges it
    for _ in range(200):
        if await handled(staffed, "tg:cq:forged"):
            break
        await asyncio.sleep(0.05)
    await fake_tg.push_callback(RESIDENT, f"rate:{hid}:skip")
    await fake_tg.wait_for(lambda: said(fake_tg, "不用评分", "no rating"))
    await fake_tg.push_callback(RESIDENT, f"rate:{hid}:5")
    await fake_tg.wait_for(lambda: said(fake_tg, "已经评过分", "rated already"))
    async with staffed.container.uow() as uow:
        handoff = await uow.session.get(Handoff, hid)

    assert await handled(staffed, "tg:cq:forged")
    assert await ratings(staffed) == [(f"handoff:{hid}", 0)]
    assert len(fake_tg.texts(OTHER)) == before  # the forged press was ignored, nothing said
    assert handoff is not None and handoff.state == "closed"
