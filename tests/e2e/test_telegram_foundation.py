"""Real python-telegram-bot against the fake Bot API: the path from /start to a stored reply."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bot.server import Server
from bot.storage.models import Message, Resident
from tests.fakes.telegram_api import FakeTelegram


async def test_start_gets_a_reply_and_is_stored(server: Server, fake_tg: FakeTelegram) -> None:
    await fake_tg.push_text(5001, "/start", first_name="Zhang Wei")

    texts = await fake_tg.wait_for(lambda: fake_tg.texts(5001))

    assert "12356" in texts[0]
    async with server.container.uow() as uow:
        stored = await uow.session.scalar(select(func.count()).select_from(Message))
        resident = await uow.session.scalar(select(Resident))
    assert stored and stored >= 1
    assert resident is not None and "5001" not in resident.pseudonym


async def test_reply_after_429_is_delivered_exactly_once_after_the_wait(
    server: Server, fake_tg: FakeTelegram
) -> None:
    fake_tg.fail_next("sendMessage", 429, retry_after=1)
    await fake_tg.push_text(5002, "/start")

    await fake_tg.wait_for(lambda: fake_tg.texts(5002), timeout=15)

    failed = [c for c in fake_tg.calls if c.method == "FAILED:sendMessage"]
    delivered = [c for c in fake_tg.calls if c.method == "sendMessage"]
    assert len(failed) == 1 and len(delivered) == 1
    assert delivered[0].at - failed[0].at >= 0.95  # waited for retry_after
    # Nothing else arrives later: the outbox row is marked sent.
    await server.container.dispatcher.deliver_due()
    assert len(fake_tg.texts(5002)) == 1
    assert time.monotonic() - failed[0].at < 15
