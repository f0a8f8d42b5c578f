"""Waiting on Telegram, end to end (real python-telegram-bot, fake Bot API, real triage): a higher
disclosure while waiting updates the handoff and puts a card with the new level in the counselor's
chat; the resident gets an honest status with a button to withdraw, and withdrawing closes it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.server import Server
from bot.storage.models import Handoff
from tests.e2e.test_telegram_handoffs import C1, CRISIS, RESIDENT, staffed
from tests.fakes.telegram_api import FakeTelegram

__all__ = ["staffed"]  # the fixture, used by name below


def cards(fake: FakeTelegram, chat: int) -> list[dict[str, Any]]:
    return [p for p in fake.sent("sendMessage", chat)
            if any(str(row[0].get("callback_data", "")).startswith("acc:")
                   for row in (p.get("reply_markup") or {}).get("inline_keyboard", []) if row)]


def status_lines(fake: FakeTelegram) -> list[str]:
    return [t for t in fake.texts(RESIDENT) if "等了" in t or "waited" in t]


async def handoffs(server: Server) -> list[Handoff]:
    async with server.container.uow() as uow:
        return list(await uow.session.scalars(select(Handoff).order_by(Handoff.id)))


async def ask_for_a_person(fake: FakeTelegram) -> None:
    await fake.push_text(RESIDENT, "I can't sleep at night")
    await fake.wait_for(lambda: len(fake.texts(RESIDENT)) >= 1)
    await fake.push_callback(RESIDENT, "talk:yes")
    await fake.wait_for(lambda: cards(fake, C1))


async def test_a_higher_disclosure_while_waiting_updates_the_card(
        staffed: Server, fake_tg: FakeTelegram) -> None:
    await ask_for_a_person(fake_tg)
    first = cards(fake_tg, C1)[0]

    await fake_tg.push_text(RESIDENT, CRISIS)
    raised = await fake_tg.wait_for(lambda: cards(fake_tg, C1)[1:] and cards(fake_tg, C1)[-1])
    status = await fake_tg.wait_for(lambda: status_lines(fake_tg))

    rows = await handoffs(staffed)
    assert "MEDIUM" in first["text"]
    assert "HIGH" in raised["text"] or "IMMINENT" in raised["text"]
    assert len(rows) == 1 and rows[0].level in ("high", "imminent")  # the same handoff, raised
    assert f"#{rows[0].id}" in raised["text"] and f"#{rows[0].id}" in first["text"]
    assert status[-1] == fake_tg.texts(RESIDENT)[-1]  # the status comes last
    assert any("12356" in t for t in fake_tg.texts(RESIDENT)[2:])  # the raise brought the numbers


async def test_the_resident_withdraws_the_request(staffed: Server, fake_tg: FakeTelegram) -> None:
    await ask_for_a_person(fake_tg)
    await fake_tg.push_text(RESIDENT, "还要等多久")
    await fake_tg.wait_for(lambda: status_lines(fake_tg))
    buttons = [b for p in fake_tg.sent("sendMessage", RESIDENT)
               for row in (p.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
    cancel = [b for b in buttons if b.get("callback_data") == "talk:cancel"]

    await fake_tg.push_callback(RESIDENT, cancel[-1]["callback_data"])
    await fake_tg.wait_for(lambda: any("已取消" in t or "withdrawn" in t for t in fake_tg.texts(RESIDENT)))

    rows = await handoffs(staffed)
    assert [(h.state, h.outcome) for h in rows] == [("closed", "withdrawn")]
