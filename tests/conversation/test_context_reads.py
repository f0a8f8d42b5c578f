"""What a turn reads from the database to judge a message in context (issue 20): the resident's
own lines only, with nothing else decrypted (safety rule 5: message text in memory only where it
is used), and nothing lost to the bot's and counselors' lines in between."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

import triage
from bot.adapters.triage_adapter import TriageAdapter
from bot.conversation.screening import Screening
from bot.crypto import Cipher
from bot.storage.models import Conversation
from tests.conversation.conftest import RESIDENT, Harness


async def _conversation_id(h: Harness) -> int:
    async with h.c.uow() as uow:
        conv = await uow.session.scalar(select(Conversation).where(Conversation.chat_key == str(RESIDENT)))
        assert conv is not None
        return conv.id


def count_decrypts(monkeypatch: pytest.MonkeyPatch, cipher: Cipher) -> list[int]:
    """Counts the cipher's decryptions (the real cipher still does them)."""
    calls: list[int] = []
    real: Callable[[bytes], str] = cipher.decrypt

    def counted(token: bytes) -> str:
        calls.append(1)
        return real(token)

    monkeypatch.setattr(cipher, "decrypt", counted)
    return calls


async def _add_staff_lines(h: Harness, conv_id: int, n: int) -> None:
    async with h.c.uow() as uow:
        for i in range(n):
            sender = "bot" if i % 2 else "counselor"
            await uow.messages.add(conv_id, sender, f"你是不是一直在想怎么死？ {i}", h.clock.now())
        await uow.commit()


async def test_context_decrypts_only_the_residents_own_lines(h: Harness, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """Before: the last six messages of every kind were decrypted to keep the resident's."""
    await h.send("我一直在想怎么死")
    conv_id = await _conversation_id(h)
    await _add_staff_lines(h, conv_id, 8)
    h.clock.advance(minutes=1)
    screening = Screening(TriageAdapter(engine=triage.lexicon_only_engine()))
    own = screening.triage.assess("楼顶我已经看好了")
    decrypts = count_decrypts(monkeypatch, h.c.uow.cipher)
    try:
        async with h.c.uow() as uow:
            read = await screening.in_context(uow, conv_id, "楼顶我已经看好了", own, h.clock.now())
    finally:
        screening.close()

    assert len(decrypts) == 1  # the resident's one line; no bot or counselor line
    assert read.level == "imminent"  # and it was read, however many staff lines came between


async def test_at_most_the_last_context_turns_are_read(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    for line in ("今天好累", "我一直在想怎么死", "不知道该怎么办", "嗯"):
        await h.send(line)
        h.clock.advance(minutes=1)
    conv_id = await _conversation_id(h)
    decrypts = count_decrypts(monkeypatch, h.c.uow.cipher)
    async with h.c.uow() as uow:
        lines = await Screening._turns_before(uow, conv_id, "楼顶我已经看好了", h.clock.now())

    assert lines == ["不知道该怎么办", "嗯"]
    assert len(decrypts) <= 3  # CONTEXT_TURNS and the one that may be this message, stored already


async def test_the_message_itself_stored_already_is_not_its_own_context(h: Harness) -> None:
    await h.send("我一直在想怎么死")
    h.clock.advance(minutes=1)
    conv_id = await _conversation_id(h)
    async with h.c.uow() as uow:
        await uow.messages.add(conv_id, "resident", "楼顶我已经看好了", h.clock.now())
        lines = await Screening._turns_before(uow, conv_id, "楼顶我已经看好了", h.clock.now())

    assert lines == ["我一直在想怎么死"]


async def test_the_caring_line_keeps_changing_through_a_long_wait(h: Harness) -> None:
    """The waiting turn counts the resident's lines since the request in the database; counted
    among the last 20 messages (decrypting every one), the count stopped at 10 after ten lines
    and the same caring line came back on every turn after."""
    await h.send("I feel hopeless")
    await h.click("talk:yes", RESIDENT)
    cares = []
    for n in range(14):
        h.clock.advance(minutes=1)
        await h.send(f"are you there {n}")
        cares.append(h.tg.to(RESIDENT)[-1].text.splitlines()[-1])

    assert len(set(cares[-4:])) == 4, cares[-4:]
