"""The knowledge-base adapter never makes a turn wait on the event loop for a slow load."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.kb_adapter import STARTING, KnowledgeAdapter
from knowledge_base import KnowledgeBase, load_kb, text

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def test_a_chinese_question_before_jiebas_dictionary_loads_gets_the_not_yet_answer(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: the turn called kb.answer on the event loop, which waited seconds for jieba's
    # dictionary while every other resident's reply (the emergency numbers too) was held up.
    monkeypatch.setattr(text, "_jieba_tok", None)
    adapter = KnowledgeAdapter(kb)

    answer = adapter.answer("晚上总是睡不着怎么办", "zh", NOW)

    assert answer.kind == "fallback" and answer.text == STARTING["zh"]
    assert text._jieba_tok is None  # nothing started loading the dictionary on this thread


def test_english_is_answered_while_the_chinese_dictionary_loads(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "_jieba_tok", None)

    answer = KnowledgeAdapter(kb).answer("I can't sleep at night, what can I do?", "en", NOW)

    assert answer.kind == "answer" and answer.topic == "sleep"


def test_once_loaded_a_chinese_question_is_answered(kb: KnowledgeBase) -> None:
    text.warm_up()

    answer = KnowledgeAdapter(kb).answer("晚上总是睡不着怎么办", "zh", NOW)

    assert answer.kind == "answer" and answer.topic == "sleep"


def test_outside_demo_mode_the_bot_serves_no_unpublished_entry() -> None:
    # The deployment's mode (settings.demo, HOTLINE_DEMO) decides; no entry is published yet.
    adapter = KnowledgeAdapter(demo=False)

    answer = adapter.answer("I can't sleep at night, what can I do?", "en", NOW)

    assert adapter.state == "ready"
    assert answer.kind == "fallback" and answer.entry_id is None and "waiting for review" in answer.text
    assert adapter.answer("where is your nearest station, is it open now", "en", NOW).kind == "services"
