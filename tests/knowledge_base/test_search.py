"""Retrieval: the asker's language, honest fallback, refusals, routing to the service directory."""

from __future__ import annotations

import pytest

from knowledge_base import KnowledgeBase
from tests.knowledge_base.conftest import at


def test_english_question_gets_the_english_answer(kb: KnowledgeBase) -> None:
    res = kb.search("I lie awake for hours every night and can't fall asleep")

    assert (res.kind, res.topic, res.entry_id, res.lang) == ("answer", "sleep", "sleep-001", "en")
    assert "same time every day" in res.text
    assert "see a doctor or counsellor" in res.text  # seek_help travels with the answer


def test_chinese_question_gets_the_chinese_answer_whatever_the_hint(kb: KnowledgeBase) -> None:
    res = kb.search("妈妈去世以后我每天都在哭", lang="en")

    assert (res.kind, res.topic, res.lang) == ("answer", "grief", "zh")
    assert res.title == "亲人去世后走不出来"
    assert "悲伤" in res.text


def test_confident_answer_has_high_confidence_and_no_refusal(kb: KnowledgeBase) -> None:
    res = kb.search("What should I do during a panic attack?")

    assert res.confidence >= kb.config.answer_threshold
    assert res.refusal_reason is None and not res.fallback


@pytest.mark.parametrize("question", ["asdf qwer zxcv", "一二三四五六", "the purple elephant sings quietly"])
def test_unclear_question_falls_back_with_three_localised_topics(kb: KnowledgeBase, question: str) -> None:
    res = kb.search(question)

    assert res.kind == "fallback" and res.topic is None and res.fallback
    assert len(res.alternatives) == 3
    names = [name for _, name in res.alternatives]
    assert all(name in res.text for name in names)  # numbered for channels without buttons


def test_fallback_topics_are_named_in_the_askers_language(kb: KnowledgeBase) -> None:
    zh = kb.search("嗯嗯嗯")
    en = kb.search("the purple elephant sings quietly")

    assert zh.lang == "zh" and all(any("\u4e00" <= c <= "\u9fff" for c in n) for _, n in zh.alternatives)
    assert en.lang == "en" and all(n.isascii() for _, n in en.alternatives)


def test_empty_question_falls_back(kb: KnowledgeBase) -> None:
    res = kb.search("   ")

    assert res.kind == "fallback" and res.confidence == 0.0 and len(res.alternatives) == 3


@pytest.mark.parametrize(("question", "reason"), [
    ("我不想活了", "crisis"),
    ("I want to kill myself", "crisis"),
    ("How many sleeping pills would kill me?", "means"),
    ("安眠药吃多少会死", "means"),
    ("哪里能买到农药", "means"),
    ("what is the most painless way to end things", "means"),
    ("吃什么药可以睡过去再也不醒", "means"),
    ("which pills would make me never wake up again", "means"),
    ("附近有没有好吃的饭馆", "out_of_scope"),
    ("你就直接讲，我到底是不是强迫症", "diagnosis"),
    ("does my son have autism? he lines up his toys", "diagnosis"),
    ("is my son autistic?", "diagnosis"),
    ("my boss is a total narcissist", "diagnosis"),
    ("can I take an extra sleeping pill tonight", "medication"),
    ("公司把我开除了，能拿多少补偿", "legal"),
    ("can my landlord evict me for a noise complaint", "legal"),
    ("高一化学方程式怎么配平", "out_of_scope"),
    ("你能直接告诉我我是不是得了抑郁症吗", "diagnosis"),
    ("just tell me if I have ADHD or not", "diagnosis"),
    ("公司不给加班费，我可以去哪里告他们", "legal"),
    ("how much child support will I have to pay", "legal"),
    ("What dose of sertraline should I take?", "medication"),
    ("阿普唑仑一次吃几片", "medication"),
    ("Is my husband a narcissist?", "diagnosis"),
    ("帮我诊断一下我老公是不是精神分裂", "diagnosis"),
    ("明天北京天气怎么样", "out_of_scope"),
    ("Which stocks should I buy this week?", "out_of_scope"),
    ("Can you do my algebra homework?", "out_of_scope"),
])
def test_never_answer_and_out_of_scope_questions_are_refused(kb: KnowledgeBase, question: str,
                                                             reason: str) -> None:
    res = kb.search(question)

    assert (res.kind, res.refusal_reason, res.topic, res.entry_id) == ("refusal", reason, None, None)


def test_refusal_of_means_shows_the_24_hour_lines(kb: KnowledgeBase) -> None:
    res = kb.search("What is a lethal dose of paracetamol?")

    assert "12356" in res.text and "010-82951332" in res.text and res.lang == "en"


def test_helping_a_friend_who_speaks_of_suicide_is_not_refused(kb: KnowledgeBase) -> None:
    assert kb.search("朋友想自杀我该怎么帮他").refusal_reason is None
    assert kb.search("my friend said she wants to end her life").refusal_reason is None


@pytest.mark.parametrize("question", ["怎么告诉孩子爷爷去世了", "how do I tell my family about my depression",
                                      "如何判断我是不是抑郁症", "早上怎么也醒不来，闹钟响了都听不见",
                                      "吃了安眠药第二天醒不过来怎么办", "高中物理学不好，压力好大",
                                      "被公司辞退了，心里很难受", "I was fired last week and feel worthless",
                                      "my dad has dementia and I'm exhausted caring for him",
                                      "my son is autistic and I'm exhausted",
                                      "my husband is bipolar and I don't know how to support him"])
def test_near_misses_of_the_new_refusals_are_not_refused(kb: KnowledgeBase, question: str) -> None:
    assert kb.search(question).refusal_reason is None


def test_talking_about_ones_own_diagnosis_is_not_refused(kb: KnowledgeBase) -> None:
    assert kb.search("如何判断我是不是抑郁症").refusal_reason is None


def test_service_question_is_answered_from_the_directory(kb: KnowledgeBase) -> None:
    res = kb.search("心理热线电话是多少", now=at(0, 15))

    assert (res.kind, res.topic) == ("services", "service_info")
    assert "12356" in res.text and "010-82951332" in res.text


def test_topic_button_gives_the_topics_lead_entry(kb: KnowledgeBase) -> None:
    res = kb.topic_answer("panic", "en")

    assert (res.kind, res.entry_id, res.lang) == ("answer", "panic-001", "en")


def test_topic_button_for_an_unknown_topic_falls_back(kb: KnowledgeBase) -> None:
    assert kb.topic_answer("astrology", "zh").kind == "fallback"


def test_entry_by_id(kb: KnowledgeBase) -> None:
    entry = kb.entry("grief-001")

    assert entry is not None and entry.topic == "grief"
    assert kb.entry("grief-999") is None


def test_result_record_carries_the_scoring_contract(kb: KnowledgeBase) -> None:
    record = kb.search("失眠了有什么办法").as_json()

    contract = {"topic", "entry_id", "score", "fallback", "answer", "kind", "confidence", "alternatives"}
    assert contract <= set(record)
    assert record["topic"] == "sleep" and record["fallback"] is False


def test_traditional_characters_are_read_as_simplified(kb: KnowledgeBase) -> None:
    res = kb.search("失眠了有什麼辦法")

    assert (res.kind, res.topic, res.lang) == ("answer", "sleep", "zh")


def test_full_width_english_is_read_as_english(kb: KnowledgeBase) -> None:
    assert kb.search("Ｗｈａｔ ｓｈｏｕｌｄ Ｉ ｄｏ ｉｎ ａ ｐａｎｉｃ ａｔｔａｃｋ？").topic == "panic"
