"""A deferred imminent line whose emergency numbers already went out straight (the database was
down: ConversationService._emergency_direct) is stored as a full turn, but the numbers are not
sent a second time (issue 19: bench chaos counted emergency_repeated_after_recovery 1)."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.models import Conversation
from tests.conversation.conftest import RESIDENT, Harness

NUMBERS = "12356"


async def transcript(h: Harness) -> list[tuple[str, str]]:
    async with h.c.uow() as uow:
        conv = await uow.session.scalar(select(Conversation).where(Conversation.chat_key == str(RESIDENT)))
        assert conv is not None
        return [(m.sender, text) for m, text in await uow.messages.recent(conv.id, 50)]


async def test_a_retried_imminent_line_opens_its_handoff_and_keeps_the_numbers_unsent(h: Harness) -> None:
    await h.send("I have the pills here", numbers_sent=True)

    handoff = await h.latest_handoff()
    assert handoff.level == "imminent"
    assert "handoff" in h.tg.texts(1001)[0]  # the chain is paged as for any imminent line
    assert not any(NUMBERS in text for text in h.tg.texts(RESIDENT))  # not sent twice
    bot_lines = [text for sender, text in await transcript(h) if sender == "bot"]
    assert sum(NUMBERS in text for text in bot_lines) == 1  # the transcript says they were given


async def test_an_imminent_line_while_waiting_keeps_the_numbers_unsent_when_they_went_out(
        h: Harness) -> None:
    await h.send("I have the pills here")
    sent_before = len(h.tg.texts(RESIDENT))

    await h.send("I will jump now", numbers_sent=True)

    assert not any(NUMBERS in text for text in h.tg.texts(RESIDENT)[sent_before:])
    bot_lines = [text for sender, text in await transcript(h) if sender == "bot"]
    assert sum(NUMBERS in text for text in bot_lines) == 2  # the first turn's and this one's


async def test_without_the_mark_the_numbers_still_go_first(h: Harness) -> None:
    await h.send("I have the pills here")

    first = h.tg.to(RESIDENT)[0]
    assert NUMBERS in first.text and first.urgent
