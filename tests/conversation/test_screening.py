"""Triage runs in a worker thread: the event loop stays free, a chat keeps its order, and the
web edge's urgency check and the turn share one assessment."""

from __future__ import annotations

import asyncio
import gc
import threading

from sqlalchemy import select

import triage
from bot.adapters.triage_adapter import LOADING_NOTE, TriageAdapter
from bot.conversation.screening import Screening
from bot.storage.models import Conversation
from tests.conversation.conftest import RESIDENT, Harness
from tests.fakes.ports import KeywordTriage
from triage.levels import Assessment


class SlowTriage(KeywordTriage):
    """Holds any text starting with "LONG" in the worker until the test opens the gate (a long
    post's MiniLM windows, made as slow as the test needs); counts every assessment."""

    def __init__(self) -> None:
        self.gate, self.entered = threading.Event(), threading.Event()
        self.calls: list[str] = []

    def assess(self, text: str, lang: str | None = None) -> Assessment:
        self.calls.append(text)
        if text.startswith("LONG"):
            self.entered.set()
            self.gate.wait(10)
        return super().assess(text, lang)


def slow(h: Harness) -> SlowTriage:
    triage = SlowTriage()
    h.c.service.screening.triage = triage
    return triage


async def transcript(h: Harness) -> list[str]:
    async with h.c.uow() as uow:
        conv = await uow.session.scalar(select(Conversation).where(Conversation.chat_key == str(RESIDENT)))
        assert conv is not None
        return [text for m, text in await uow.messages.recent(conv.id, 50) if m.sender == "resident"]


async def test_the_event_loop_keeps_serving_while_a_long_message_is_triaged(h: Harness) -> None:
    triage = slow(h)
    turn = asyncio.create_task(h.send("LONG post " + "word " * 400))
    await asyncio.to_thread(triage.entered.wait, 5)

    async with h.c.uow() as uow:  # other work on the loop (here a database read) is not held up
        conversations = list(await uow.session.scalars(select(Conversation)))
    still_triaging = not turn.done()
    triage.gate.set()
    await asyncio.wait_for(turn, 10)

    assert still_triaging and conversations == []
    assert (await transcript(h))[0].startswith("LONG post")


async def test_a_short_line_never_overtakes_a_long_one_sent_just_before_it(h: Harness) -> None:
    triage = slow(h)
    await h.c.service.is_urgent("ok")  # "ok" is now remembered: its turn would not wait for triage
    first = asyncio.create_task(h.send("LONG story of my week"))
    await asyncio.to_thread(triage.entered.wait, 5)
    second = asyncio.create_task(h.send("ok"))
    await asyncio.sleep(0.1)
    triage.gate.set()
    await asyncio.wait_for(asyncio.gather(first, second), 10)

    assert await transcript(h) == ["LONG story of my week", "ok"]


async def test_the_edge_check_and_the_turn_assess_a_message_once(h: Harness) -> None:
    triage = slow(h)

    urgent = await h.c.service.is_urgent("I have the pills here")
    await h.send("I have the pills here")

    assert urgent and triage.calls == ["I have the pills here"]
    assert any("112" in t or "120" in t or "12356" in t for t in h.tg.texts(RESIDENT))


async def test_a_chat_lock_lives_only_while_its_chat_has_a_turn(h: Harness) -> None:
    for user in range(20):
        await h.send("hello", user=50_000 + user)
    gc.collect()

    assert len(h.c.service._locks) == 0


async def test_a_long_post_is_checked_at_the_edge_by_the_lexicon_not_the_worker(h: Harness) -> None:
    from bot.adapters.triage_adapter import TriageAdapter

    real = TriageAdapter()
    h.c.service.screening.triage = real
    everyday = "I went to work, cooked dinner and called my sister about the weekend. " * 10
    calls: list[str] = []
    real.engine = type("Counting", (), {"assess": lambda _s, t, lang=None: calls.append(t)})()  # type: ignore[assignment]

    urgent = await h.c.service.is_urgent(everyday + "Tonight I am going to kill myself.")
    calm = await h.c.service.is_urgent(everyday)

    assert urgent and not calm
    assert calls == []  # the full engine (the worker's job) was not asked


class SwappingTriage(KeywordTriage):
    """Stands in for the adapter whose classifier arrives after start: `generation` counts swaps."""

    def __init__(self) -> None:
        self.generation = 0
        self.loaded = False

    def assess(self, text: str, lang: str | None = None) -> Assessment:
        found = super().assess(text, lang)
        return Assessment(found.level, 0.0, reasons=("classifier",) if self.loaded else ("loading",))


async def test_an_answer_from_before_the_classifier_arrived_is_not_reused_after() -> None:
    triage = SwappingTriage()
    screening = Screening(triage)
    try:
        early = await screening.assess("so stressed today")
        again = await screening.assess("so stressed today")
        triage.loaded, triage.generation = True, 1
        late = await screening.assess("so stressed today")
    finally:
        screening.close()

    assert (early.reasons, again is early) == (("loading",), True)  # remembered while nothing changed
    assert late.reasons == ("classifier",)


async def test_the_real_adapter_counts_its_swaps_so_a_remembered_loading_answer_is_dropped() -> None:
    adapter = TriageAdapter(loader=triage.lexicon_only_engine)  # held until load() is called
    screening = Screening(adapter)
    try:
        before = await screening.assess("I want to die")
        adapter.load()
        after = await screening.assess("I want to die")
    finally:
        screening.close()

    assert LOADING_NOTE in before.reasons
    assert LOADING_NOTE not in after.reasons


class BatchingTriage(KeywordTriage):
    """Records each batch the worker hands over; "HOLD" keeps the worker busy until the gate
    opens; `quick` is the keyword reading (as the lexicon and rules would be)."""

    def __init__(self) -> None:
        self.gate, self.entered = threading.Event(), threading.Event()
        self.batches: list[list[str]] = []

    def assess(self, text: str, lang: str | None = None) -> Assessment:
        if text == "HOLD":
            self.entered.set()
            self.gate.wait(10)
        return super().assess(text, lang)

    def assess_batch(self, texts: list[str]) -> list[Assessment]:
        self.batches.append(list(texts))
        return [self.assess(text) for text in texts]

    def quick(self, text: str, lang: str | None = None) -> Assessment:
        return super().assess(text, lang)


async def test_lines_that_wait_for_a_busy_worker_go_together_and_a_crisis_line_goes_first() -> None:
    fake = BatchingTriage()
    screening = Screening(fake)
    try:
        held = asyncio.create_task(screening.assess("HOLD"))
        await asyncio.to_thread(fake.entered.wait, 5)
        ordinary = [asyncio.create_task(screening.assess(f"line {i}")) for i in range(3)]
        await asyncio.sleep(0)
        crisis = asyncio.create_task(screening.assess("I have the pills here"))
        await asyncio.sleep(0.05)
        fake.gate.set()
        results = await asyncio.wait_for(asyncio.gather(held, *ordinary, crisis), 10)
    finally:
        screening.close()

    # The held line went alone (a lone text is assessed directly); the four that waited went in
    # one batch, the crisis line first although it came last.
    assert fake.batches == [["I have the pills here", "line 0", "line 1", "line 2"]]
    assert [r.level for r in results] == ["none", "none", "none", "none", "imminent"]


class BrokenBatch(KeywordTriage):
    def assess_batch(self, texts: list[str]) -> list[Assessment]:
        raise RuntimeError("model broke")


async def test_a_failed_batch_still_screens_every_line_one_by_one() -> None:
    screening = Screening(BrokenBatch())
    try:
        screening._running = True  # as if the worker were busy: both lines queue up
        first = asyncio.create_task(screening.assess("I want to die"))
        second = asyncio.create_task(screening.assess("so stressed"))
        await asyncio.sleep(0)
        screening._running = False
        screening._next_batch(asyncio.get_running_loop())
        levels = [r.level for r in await asyncio.wait_for(asyncio.gather(first, second), 10)]
    finally:
        screening.close()

    assert levels == ["high", "low"]


async def _conversation_id(h: Harness) -> int:
    async with h.c.uow() as uow:
        conv = await uow.session.scalar(select(Conversation).where(Conversation.chat_key == str(RESIDENT)))
        assert conv is not None
        return conv.id


async def _in_context(h: Harness, text: str) -> tuple[Assessment, Assessment]:
    """(the message alone, the message read with the stored turns before it), by the real
    adapter on the lexicon, grammar and rules."""
    screening = Screening(TriageAdapter(engine=triage.lexicon_only_engine()))
    own = screening.triage.assess(text)
    conv_id = await _conversation_id(h)
    try:
        async with h.c.uow() as uow:
            return own, await screening.in_context(uow, conv_id, text, own, h.clock.now())
    finally:
        screening.close()


async def test_a_plan_spread_over_two_messages_is_read_together(h: Harness) -> None:
    """Issue 14: "I keep thinking how to die" then "I've picked the rooftop": each line alone says
    less than both (the second alone is nothing); read with the turn before it, a plan."""
    await h.send("我一直在想怎么死")
    h.clock.advance(minutes=2)

    own, read = await _in_context(h, "楼顶我已经看好了")

    assert (own.level, read.level) == ("none", "imminent")
    assert any("read with the 1 turn(s) before it" in r for r in read.reasons)


async def test_an_old_turn_is_not_read_with_a_new_message(h: Harness) -> None:
    await h.send("我一直在想怎么死")
    h.clock.advance(minutes=45)

    own, read = await _in_context(h, "楼顶我已经看好了")

    assert read == own


async def test_only_the_residents_own_turns_are_read(h: Harness) -> None:
    """The bot's and counselors' lines name the very words the lexicon looks for (a safety
    message); they are never read as the resident's context."""
    await h.send("你好")
    conv_id = await _conversation_id(h)
    async with h.c.uow() as uow:
        await uow.messages.add(conv_id, "counselor", "你是不是一直在想怎么死？", h.clock.now())
        await uow.commit()
    h.clock.advance(minutes=1)

    _, read = await _in_context(h, "楼顶我已经看好了")

    assert read.level == "none"


async def test_context_never_explains_away_an_urgent_message(h: Harness) -> None:
    """The engine reads "the medicine is in my hand" after "my cat needs its medicine" as the
    cat's (near miss); a message urgent on its own keeps its level in the conversation (safety
    rule 1: the emergency numbers are never held back by the lines before)."""
    await h.send("我家猫要吃药")
    h.clock.advance(minutes=1)

    own, read = await _in_context(h, "药就在我手里，我现在就要吃")

    assert own.level == read.level == "imminent"


async def test_a_port_without_context_reading_keeps_the_message_alone(h: Harness) -> None:
    await h.send("我一直在想怎么死")
    screening = Screening(KeywordTriage())  # the unit tests' fake has no in_context
    own = Assessment("none", 0.0)
    try:
        async with h.c.uow() as uow:
            read = await screening.in_context(uow, await _conversation_id(h), "楼顶我已经看好了", own,
                                              h.clock.now())
    finally:
        screening.close()

    assert read is own


async def test_the_turn_rates_a_line_by_the_lines_before_it(h: Harness) -> None:
    """Through the conversation service: the second line alone is nothing ("the rooftop, I've
    picked it"); after "I keep thinking how to die" the turn stores it as imminent and the
    conversation's level follows."""
    adapter = TriageAdapter(engine=triage.lexicon_only_engine())
    h.c.service.triage, h.c.service.screening = adapter, Screening(adapter)
    await h.send("我一直在想怎么死")
    h.clock.advance(minutes=2)
    await h.send("楼顶我已经看好了")
    h.c.service.screening.close()

    async with h.c.uow() as uow:
        conv = await uow.session.scalar(select(Conversation).where(Conversation.chat_key == str(RESIDENT)))
        assert conv is not None
        levels = [(m.sender, m.risk_level) for m, _ in await uow.messages.recent(conv.id, 10)
                  if m.sender == "resident"]
    assert levels == [("resident", "high"), ("resident", "imminent")]
    assert conv.risk_level == "imminent"


async def test_a_line_that_adds_nothing_keeps_its_own_reading(h: Harness) -> None:
    """"好的谢谢" after a crisis line is no new crisis line: read as the joined turns it would draw
    the emergency numbers again on every line for half an hour. The conversation's level stays
    with the tracker, which holds what the crisis line raised."""
    await h.send("我不想活了，今晚就吃药")
    h.clock.advance(minutes=1)

    own, read = await _in_context(h, "好的谢谢")

    assert (own.level, read.level) == ("none", "none")
