"""Feedback closes the loop (issue 21 items 2 and 4), through the real conversation service, the
real knowledge base and a real database: an answer can be marked "not what I asked", a second worry
in a long question gets its own button, and every fallback is counted by its closest topic (never
the words) for the editors' report on /admin/kb."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.models import Feedback
from knowledge_base import KnowledgeBase
from tests.conversation.conftest import RESIDENT, Harness
from tests.knowledge_base.served import h, kb

# Written for this test: a job lost, money worries and, asked last, sleep.
TWO_WORRIES = ("公司裁员我被辞退了，两个月投简历都没回音，晚上一想到房贷就失眠到凌晨。"
               "我最想问：怎么才能睡个好觉？")
NOT_OURS = "我家的猫最近不爱吃东西怎么办"


__all__ = ["h", "kb"]  # the fixtures, used by name below


async def feedback_rows(h: Harness) -> list[tuple[str, str | None, int]]:
    async with h.c.uow() as uow:
        rows = await uow.session.scalars(select(Feedback).order_by(Feedback.id))
        return [(r.kind, r.subject, r.value) for r in rows]


async def test_not_what_i_asked_is_stored_against_the_entry_and_offers_a_person(
        h: Harness, kb: KnowledgeBase) -> None:
    await h.send(TWO_WORRIES)
    answer = h.tg.to(RESIDENT)[-1]
    entry = kb.search(TWO_WORRIES, "zh").entry_id
    data = [b.data for row in answer.buttons for b in row]
    assert data[:3] == [f"fb:1:{entry}", f"fb:-1:{entry}", f"fb:miss:{entry}"]

    await h.click(f"fb:miss:{entry}", RESIDENT)

    assert await feedback_rows(h) == [("answer_miss", entry, -1)]
    thanks = h.tg.to(RESIDENT)[-1]
    assert "换个说法" in thanks.text and thanks.buttons[0][0].data == "talk:yes"


async def test_a_second_worry_has_its_own_button_that_opens_its_topic(h: Harness, kb: KnowledgeBase) -> None:
    found = kb.search(TWO_WORRIES, "zh")
    assert found.kind == "answer" and found.also is not None  # the engine names a second worry
    second_topic, _, title = found.also

    await h.send(TWO_WORRIES)
    rows = h.tg.to(RESIDENT)[-1].buttons
    button = next(b for row in rows for b in row if b.data == f"topic:{second_topic}")
    assert button.label == title[:60]
    assert rows[-1][0].data == "talk:yes"  # a person stays the last choice

    await h.click(button.data, RESIDENT)

    opened = kb.topic_answer(second_topic, "zh")
    assert h.tg.to(RESIDENT)[-1].text.split("\n")[0] == opened.text.split("\n")[0]


async def test_a_fallback_is_counted_by_its_closest_topic_without_the_words(
        h: Harness, kb: KnowledgeBase) -> None:
    unsure = kb.search(NOT_OURS, "zh")
    assert unsure.kind == "fallback"

    await h.send(NOT_OURS)

    assert await feedback_rows(h) == [("fallback", unsure.best_topic or "", 0)]
