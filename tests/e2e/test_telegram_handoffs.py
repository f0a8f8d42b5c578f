"""Conversations and handoffs end to end: real python-telegram-bot against the fake Bot API,
the real server, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import build
from bot.server import Server
from bot.storage.models import Counselor, Handoff, OutboxItem
from tests.e2e.conftest import e2e_ports, e2e_settings
from tests.fakes.telegram_api import FakeTelegram

RESIDENT, C1, C2, K1 = 7001, 1001, 1002, 1009
CRISIS = "我真的不想活了"
IMMINENT = "I have the pills here and I am taking them tonight"


async def seed_staff(server: Server) -> None:
    async with server.container.uow() as uow:
        for cid, tid, roles in (("c1", C1, ["counselor"]), ("c2", C2, ["counselor"]),
                                ("k1", K1, ["coordinator", "counselor"])):
            await uow.counselors.add(Counselor(id=cid, name=cid, languages=["zh", "en"], roles=roles,
                                               telegram_id=tid, alias=f"Alias-{cid}", station_id="hd"))
        await uow.commit()


async def start_server(db_url: str, tmp_path: Path, fake: FakeTelegram, **ports: Any) -> Server:
    srv = Server(build(e2e_settings(db_url, tmp_path, fake), **(ports or e2e_ports())))
    await srv.start("127.0.0.1", 0)
    return srv


@pytest.fixture
async def staffed(db_url: str, tmp_path: Path, fake_tg: FakeTelegram) -> AsyncIterator[Server]:
    srv = await start_server(db_url, tmp_path, fake_tg)
    await seed_staff(srv)
    yield srv
    await srv.stop()


def card_of(fake: FakeTelegram, chat: int) -> dict[str, Any] | None:
    for params in fake.sent("sendMessage", chat):
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            if row and str(row[0].get("callback_data", "")).startswith("acc:"):
                return params
    return None


async def test_crisis_message_puts_a_card_in_the_on_duty_counselors_chat(
        staffed: Server, fake_tg: FakeTelegram) -> None:
    await fake_tg.push_text(RESIDENT, CRISIS)
    card = await fake_tg.wait_for(lambda: card_of(fake_tg, C1))
    assert "HIGH" in card["text"] or "IMMINENT" in card["text"]
    assert card["parse_mode"] == "HTML"
    assert "12356" in fake_tg.texts(RESIDENT)[0]


async def test_accept_then_relay_both_ways(staffed: Server, fake_tg: FakeTelegram) -> None:
    await fake_tg.push_text(RESIDENT, CRISIS)
    card = await fake_tg.wait_for(lambda: card_of(fake_tg, C1))
    data = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await fake_tg.push_callback(C1, data, message_id=card.get("message_id"))
    await fake_tg.wait_for(lambda: any("joined" in t or "已加入" in t for t in fake_tg.texts(RESIDENT)))
    await fake_tg.push_text(RESIDENT, "are you there")
    await fake_tg.wait_for(lambda: any("are you there" in t for t in fake_tg.texts(C1)))
    await fake_tg.push_text(C1, "Yes, I am here with you.")
    await fake_tg.wait_for(
        lambda: any(t.endswith("Yes, I am here with you.") for t in fake_tg.texts(RESIDENT)))
    assert not any(str(C1) in t for t in fake_tg.texts(RESIDENT))


async def test_two_counselors_press_accept_at_once_exactly_one_wins(
        db_url: str, tmp_path: Path, fake_tg: FakeTelegram) -> None:
    srv = await start_server(db_url, tmp_path, fake_tg)
    await seed_staff(srv)
    try:
        await fake_tg.push_text(RESIDENT, IMMINENT)  # imminent: every on-duty counselor gets a card
        await fake_tg.wait_for(lambda: card_of(fake_tg, C1))
        async with srv.container.uow() as uow:
            h = await uow.session.scalar(select(Handoff))
        assert h is not None
        await asyncio.gather(fake_tg.push_callback(C1, f"acc:{h.id}"),
                             fake_tg.push_callback(C2, f"acc:{h.id}"))
        await fake_tg.wait_for(lambda: any("taken by another" in p.get("text", "")
                                           for p in fake_tg.sent("editMessageText")), timeout=10)
        async with srv.container.uow() as uow:
            row = await uow.session.scalar(select(Handoff))
        assert row is not None and row.state == "active" and row.counselor_id in ("c1", "c2", "k1")
        winners = [p for p in fake_tg.sent("editMessageText") if "You have handoff" in p.get("text", "")]
        assert len(winners) == 1
    finally:
        await srv.stop()


async def test_imminent_with_an_empty_rota_sends_the_numbers_first(
        db_url: str, tmp_path: Path, fake_tg: FakeTelegram) -> None:
    srv = await start_server(db_url, tmp_path, fake_tg, **e2e_ports(on_duty=[]))
    try:
        await fake_tg.push_text(RESIDENT, IMMINENT)
        texts = await fake_tg.wait_for(lambda: len(fake_tg.texts(RESIDENT)) >= 2 and fake_tg.texts(RESIDENT))
        assert "12356" in texts[0] and "110" in texts[0]
    finally:
        await srv.stop()


async def test_imminent_with_the_database_down_still_sends_the_numbers_first(
        db_url: str, tmp_path: Path, fake_tg: FakeTelegram) -> None:
    srv = await start_server(db_url, tmp_path, fake_tg)
    from bot.storage.engine import create_engine, session_factory

    # The database goes away under the running bot (connection refused on every query).
    dead = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    srv.container.uow.sessions = session_factory(dead)
    try:
        await fake_tg.push_text(RESIDENT, IMMINENT)
        texts = await fake_tg.wait_for(lambda: fake_tg.texts(RESIDENT), timeout=20)
        assert "12356" in texts[0]
    finally:
        await dead.dispose()
        await srv.stop()


async def test_stopped_after_commit_before_sending_delivers_exactly_once_after_restart(
        db_url: str, tmp_path: Path, fake_tg: FakeTelegram) -> None:
    from bot.conversation.messages import Inbound

    first = build(e2e_settings(db_url, tmp_path, fake_tg), **e2e_ports())
    # No channel is running: the turn commits its reply to the outbox and the process "dies".
    await first.service.handle(Inbound("telegram", str(RESIDENT), str(RESIDENT), "/start",
                                       kind="command", command="start", update_key="tg:u:1"))
    await first.stop()
    assert fake_tg.texts(RESIDENT) == []
    for _ in range(2):  # two restarts: the message goes out once
        srv = await start_server(db_url, tmp_path, fake_tg)
        await fake_tg.wait_for(lambda: fake_tg.texts(RESIDENT))
        await srv.container.dispatcher.deliver_due()
        await srv.stop()
    assert len(fake_tg.texts(RESIDENT)) == 1


async def test_a_429_storm_loses_nothing(staffed: Server, fake_tg: FakeTelegram) -> None:
    fake_tg.fail_next("sendMessage", 429, retry_after=1, count=3)
    for i in range(5):
        await fake_tg.push_text(RESIDENT + i, "/start")
    await fake_tg.wait_for(lambda: all(fake_tg.texts(RESIDENT + i) for i in range(5)), timeout=30)
    await staffed.container.dispatcher.deliver_due()  # waits for the pass in flight to record "sent"
    async with staffed.container.uow() as uow:
        unsent = await uow.session.scalar(select(OutboxItem).where(OutboxItem.sent_at.is_(None)))
    assert unsent is None
    assert all(len(fake_tg.texts(RESIDENT + i)) == 1 for i in range(5))


async def test_coordinator_commands_are_refused_to_residents_and_counselors(
        staffed: Server, fake_tg: FakeTelegram) -> None:
    await fake_tg.push_text(RESIDENT, "/oncall")
    await fake_tg.push_text(C1, "/gaps")
    await fake_tg.push_text(K1, "/oncall")
    await fake_tg.wait_for(lambda: fake_tg.texts(RESIDENT) and fake_tg.texts(C1) and fake_tg.texts(K1))
    assert "协调员" in fake_tg.texts(RESIDENT)[0] or "coordinators" in fake_tg.texts(RESIDENT)[0]
    assert "does not allow" in fake_tg.texts(C1)[0]
    assert "On duty" in fake_tg.texts(K1)[0]


async def test_escalation_runs_on_real_timers_each_step_once(
        db_url: str, tmp_path: Path, fake_tg: FakeTelegram) -> None:
    srv = await start_server(db_url, tmp_path, fake_tg, **e2e_ports(timeout_s=0.5))
    await seed_staff(srv)
    try:
        await fake_tg.push_text(RESIDENT, CRISIS)
        await fake_tg.wait_for(lambda: any("没有咨询师" in t for t in fake_tg.texts(RESIDENT)), timeout=20)
        assert card_of(fake_tg, C1) and card_of(fake_tg, C2)
        assert len([p for p in fake_tg.sent("sendMessage", C2) if p.get("reply_markup")]) == 1
        async with srv.container.uow() as uow:
            row = await uow.session.scalar(select(Handoff))
        assert row is not None and row.state == "fallback"
    finally:
        await srv.stop()
