"""The static MiniLM signal, long questions with two worries, and the `also` field (real entries)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge_base import KnowledgeBase, load_kb
from knowledge_base.mixed import ask_part, segments
from knowledge_base.semantic import TABLE_FILE, encoder_dir, fingerprint, load_encoder, load_glosser


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    kb = load_kb()
    assert kb.wait_semantic(timeout=120)
    return kb


def test_static_vectors_place_paraphrases_near_each_other() -> None:
    enc = load_encoder()
    assert enc is not None
    v = enc.embed(["I can't stop drinking alcohol", "I depend on beer and wine every night",
                   "my toddler throws tantrums"])
    assert v.shape[0] == 3 and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])


def test_chinese_is_glossed_word_by_word_into_english() -> None:
    g = load_glosser()
    assert g is not None
    text = g.gloss("我离不开酒")
    assert "inseparable" in text and ("wine" in text or "liquor" in text)


def test_a_table_from_another_encoder_is_refused(tmp_path: Path) -> None:
    with np.load(TABLE_FILE) as data:
        vectors, weights, built_from = data["vectors"], data["weights"], str(data["fingerprint"])
    assert built_from == fingerprint(encoder_dir())
    stale = tmp_path / "stale.npz"
    np.savez(stale, vectors=vectors, weights=weights, fingerprint=np.asarray("0:other-model"))
    assert load_encoder(stale) is None
    assert load_encoder(tmp_path / "missing.npz") is None


def test_long_question_answers_the_asked_worry_and_names_the_other(kb: KnowledgeBase) -> None:
    q = ("最近项目特别多，领导天天催，下班回家还要回消息，晚上躺下脑子里全是工作，"
         "两三点都睡不着，白天更没精神，我该怎么才能睡得好一点")
    res = kb.search(q, "zh")

    assert res.kind == "answer" and res.topic == "sleep"
    assert res.also is not None and res.also[0] == "workplace"
    second = kb.entry(res.also[1])
    assert second is not None and second.topic == "workplace" and res.also[2] == second.zh.title
    assert res.as_json()["also"] == {"topic": "workplace", "entry_id": res.also[1], "title": res.also[2]}
    # The answer itself names the second worry (every channel shows text), before the review footer.
    named = f"如果“{second.zh.title}”也让你烦心"
    assert named in res.text and res.text.index(named) < res.text.index("尚待临床专业人员审核")


def test_a_clear_ask_outweighs_a_long_story_about_another_worry(kb: KnowledgeBase) -> None:
    # Before ask_sure_weight (round 4) the caregiving story won and anger was only named second.
    q = ("我一个人照顾得了阿尔茨海默病的妈妈，白天上班，晚上陪护，护工请不起，兄弟也不帮忙照顾。"
         "最近我对同事也没耐心，一点小事就发火。怎么控制自己的脾气？")
    res = kb.search(q, "zh")

    assert (res.topic, res.also and res.also[0]) == ("anger", "caregiver")


def test_short_question_names_no_second_worry(kb: KnowledgeBase) -> None:
    res = kb.search("I can't sleep at night", "en")
    assert res.topic == "sleep" and res.also is None and res.as_json()["also"] is None


def test_out_of_scope_still_falls_back_with_the_semantic_signal(kb: KnowledgeBase) -> None:
    for q, lang in [("what's the capital of Peru", "en"), ("帮我写一封请假条", "zh"),
                    ("how do I file my taxes online", "en"), ("what is the most painless way to go", "en")]:
        assert kb.search(q, lang).fallback, q


def test_ask_part_and_segments() -> None:
    en = ("My dad died in the spring and I still can't accept it. I'm supposed to be studying for my "
          "exams but all I do is cry. How do I cope with losing him?")
    assert ask_part(en, "en") == "How do I cope with losing him?"
    assert len(segments(en, "en")) == 3
    assert ask_part("I can't sleep", "en") is None and segments("睡不着", "zh") == []
