"""What a turn and its reply read from the database (issue 20): for context the resident's own
lines only, with nothing else decrypted (safety rule 5: message text in memory only where it is
used) and nothing lost to the bot's and counselors' lines in between; no history or risk memory
decrypted to deliver a reply; one statement to drop a replayed update."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import event, select

import triage
from bot.adapters.triage_adapter import TriageAdapter
from bot.bench.turn import RecordingSocket
from bot.conversation.messages import Inbound
from bot.conversation.screening import Screening
from bot.crypto import Cipher
from bot.storage.models import Conversation
from bot.web.web_channel import WebChannel
from tests.conversation.conftest import RESIDENT, Harness
from triage.levels import LEVELS


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


async def test_the_web_chat_reads_a_conversations_standing_without_decrypting(
        h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The state frame after every delivered line needs three columns; it loaded the whole row,
    decrypting the risk memory (the words triage matched) each time."""
    await h.c.service.handle(Inbound(channel="web", chat_key="w1", user_key="t1", text="I want to die",
                                     update_key="web:w1:1"))
    decrypts = count_decrypts(monkeypatch, h.c.uow.cipher)

    frame = await WebChannel(h.c.uow).state_frame("w1")

    assert frame == {"type": "state", "state": "waiting", "risk": "high", "lang": "en"}
    assert decrypts == []
    assert await WebChannel(h.c.uow).state_frame("nobody") is None


async def _statements(h: Harness, *inbound: Inbound) -> tuple[list[str], list[str]]:
    """The SQL statements the turns ran, and their outcomes."""
    statements: list[str] = []

    def seen(conn: object, cursor: object, sql: str, *rest: object) -> None:
        statements.append(" ".join(sql.split()[:3]).upper())

    sync_engine = h.c.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", seen)
    try:
        outcomes = [(await h.c.service.handle(one)).outcome for one in inbound]
    finally:
        event.remove(sync_engine, "before_cursor_execute", seen)
    return statements, outcomes


def _line(text: str, n: int) -> Inbound:
    return Inbound(channel="web", chat_key="w1", user_key="t1", text=text, update_key=f"web:w1:{n}")


async def test_a_turn_drops_a_replayed_update_with_one_statement(h: Harness) -> None:
    statements, outcomes = await _statements(h, _line("hello", 1), _line("hello", 1))

    dedupe = [s for s in statements if "PROCESSED_UPDATES" in s]
    assert dedupe == ["INSERT INTO PROCESSED_UPDATES"] * 2  # before: a SELECT, then an INSERT when new
    assert outcomes == ["done", "replayed"]


async def test_an_answered_turn_updates_its_conversation_once(h: Harness) -> None:
    """The version went up after the reply was written: a second UPDATE in every turn."""
    await h.c.service.handle(_line("hello", 1))

    statements, _ = await _statements(h, _line("I can't sleep", 2))

    assert statements.count("UPDATE CONVERSATIONS SET") == 1, statements


async def test_context_readings_are_remembered_as_levels_under_digests_and_dropped_on_close(
        h: Harness) -> None:
    """The next turn reuses this turn's readings (issue 20) without keeping any text (rule 5)."""
    lines = ("我一直在想怎么死", "楼顶我已经看好了", "今晚")
    screening = Screening(TriageAdapter(engine=triage.lexicon_only_engine()))
    conv_id = 0
    for line in lines:
        await h.send(line)
        conv_id = await _conversation_id(h)
        h.clock.advance(minutes=1)
    async with h.c.uow() as uow:
        own = screening.triage.assess("我准备好了")
        await screening.in_context(uow, conv_id, "我准备好了", own, h.clock.now())
    _, readings = screening._readings[conv_id]
    stored = list(readings._levels.items())
    screening.close()

    assert stored and all(len(k) == 16 and v in LEVELS for k, v in stored)
    assert not any(line.encode() in key for line in lines for key, _ in stored)
    assert not screening._readings


async def test_a_turn_that_moves_the_conversation_on_updates_it_once(h: Harness) -> None:
    """welcome -> self-help, self-help -> offered (a medium line), offered -> self-help: the state
    was set after the reply was written, a second UPDATE in each of these turns."""
    for n, line in enumerate(("hello", "I feel hopeless", "I can't sleep")):
        h.clock.advance(minutes=6)  # past the fake tracker's memory: the medium line is not held
        statements, _ = await _statements(h, _line(line, n))

        assert statements.count("UPDATE CONVERSATIONS SET") == 1, (line, statements)
    async with h.c.uow() as uow:
        conv = await uow.conversations.open_for("web", "w1")
    assert conv is not None and conv.state == "self_help"


async def test_the_outbox_pass_reads_where_web_chats_stand_once_for_all_its_lines(h: Harness) -> None:
    """The state frame after each delivered line comes from one read in the claim, not from a
    session per line; the frames are what the page always got."""
    channel = WebChannel(h.c.uow)
    sockets = {key: RecordingSocket() for key in ("w1", "w2")}
    for key, sock in sockets.items():
        channel.attach(key, sock)
    h.c.senders["web"] = channel
    await h.c.service.handle(Inbound(channel="web", chat_key="w1", user_key="t1", text="I can't sleep",
                                     update_key="web:w1:1"))
    await h.c.service.handle(Inbound(channel="web", chat_key="w2", user_key="t2", text="I want to die",
                                     update_key="web:w2:1"))
    statements: list[str] = []

    def seen(conn: object, cursor: object, sql: str, *rest: object) -> None:
        statements.append(" ".join(sql.split()))

    event.listen(h.c.engine.sync_engine, "before_cursor_execute", seen)
    try:
        await h.c.dispatcher.deliver_due()
    finally:
        event.remove(h.c.engine.sync_engine, "before_cursor_execute", seen)

    assert sum("FROM conversations" in s for s in statements) == 1, statements  # before: one per line
    states = {key: [f for f in sock.frames if isinstance(f, dict) and f.get("type") == "state"]
              for key, sock in sockets.items()}
    assert states["w1"] and all(f == {"type": "state", "state": "self_help", "risk": "none", "lang": "en"}
                                for f in states["w1"])
    assert states["w2"] and states["w2"][-1] == {"type": "state", "state": "waiting", "risk": "high",
                                                 "lang": "en"}
    assert await channel.state_frame("w2") == states["w2"][-1]  # the same as a read of its own
