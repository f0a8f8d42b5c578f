"""A long question with a risk sentence inside goes to a counselor first, not to an entry's answer
(issue 21 item 2; safety rule 1): the real lexicon and rules, the real knowledge base, a real
database, the real conversation service."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.models import Handoff
from knowledge_base import KnowledgeBase
from tests.conversation.conftest import RESIDENT, Harness
from tests.knowledge_base.served import h, kb

STORY = ("最近项目特别多，领导天天催，下班回家还要回消息，晚上躺下脑子里全是工作，两三点都睡不着。"
         "{risk}我该怎么才能睡得好一点？")
RISK = "有时候真觉得活着没意思，不如死了算了。"


__all__ = ["h", "kb"]  # the fixtures, used by name below


async def handoffs(h: Harness) -> list[Handoff]:
    async with h.c.uow() as uow:
        return list(await uow.session.scalars(select(Handoff)))


async def test_the_same_story_without_risk_gets_the_entry_answer(h: Harness, kb: KnowledgeBase) -> None:
    await h.send(STORY.format(risk=""))

    sleep = kb.search(STORY.format(risk=""), "zh")
    assert sleep.topic == "sleep"
    assert any(sleep.text.split("\n")[0] in t for t in h.tg.texts(RESIDENT))
    assert await handoffs(h) == []


async def test_a_risk_sentence_inside_a_long_question_goes_to_a_counselor_first(
        h: Harness, kb: KnowledgeBase) -> None:
    question = STORY.format(risk=RISK)
    await h.send(question)

    opened = await handoffs(h)
    assert [x.level for x in opened] in (["high"], ["imminent"])
    answer_start = kb.search(question, "zh").text.split("\n")[0]
    assert not any(answer_start in t for t in h.tg.texts(RESIDENT))  # no entry's advice instead
