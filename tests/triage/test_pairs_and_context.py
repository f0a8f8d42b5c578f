"""Chinese and English agree (tests/triage/data/pairs_zh_en.jsonl), and a short line is read
against the turns before it (tests/triage/data/context_turns.jsonl). Both tables were written by a
helper who never ran the engine; the floors below are the figures measured when this test was
written (see triage/model/MODEL_CARD.md), so they keep the engine from sliding back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from triage import TriageEngine
from triage.levels import rank
from triage.tracker import track

DATA = Path(__file__).parent / "data"
# Measured: see MODEL_CARD.md, "Chinese and English agree" and "Conversation context".
# Retrained models (fifth session): same level 0.775, same side 0.892 of 102; context 0.718 of 312.
PAIRS_SAME_LEVEL = 0.77
PAIRS_SAME_SIDE = 0.89  # both urgent (high or above) or both not
# Measured with the conversation tracked as the bot tracks it (no re-reading of the tracker's
# memory): 0.641 of 312, the same as before a line that only repeats its turns' level kept its own
# reading. The earlier 0.70 came from a harness that re-read the memory (reread_since), which let
# later turns lower earlier ones; the bot never did that, it holds a raised level (safety rule 1).
CONTEXT_AS_EXPECTED = 0.71
T0 = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def _rows(name: str) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def pair_figures(engine: TriageEngine) -> tuple[float, float]:
    rows = _rows("pairs_zh_en.jsonl")
    zh = engine.assess_batch([r["zh"] for r in rows])
    en = engine.assess_batch([r["en"] for r in rows])
    same = sum(a.level == b.level for a, b in zip(zh, en, strict=True)) / len(rows)
    side = sum((rank(a.level) >= 3) == (rank(b.level) >= 3) for a, b in zip(zh, en, strict=True)) / len(rows)
    return same, side


def conversation(engine: TriageEngine, turns: list[str]) -> list[Any]:
    """Each turn read with the turns before it and tracked, one minute apart, as the bot does
    (bot/conversation/screening.py in_context, then the tracker holding what earlier turns raised)."""
    memory: list[dict[str, Any]] = []
    out = []
    for i, text in enumerate(turns):
        a = engine.assess_in_context(text, turns[:i])
        conv, memory = track(memory, a, T0 + timedelta(minutes=i), engine.settings.tracker)
        out.append(conv)
    return out


def context_figure(engine: TriageEngine) -> float:
    rows = _rows("context_turns.jsonl")
    ok = 0
    for r in rows:
        last = conversation(engine, r["turns"])[-1]
        ok += rank(r["last_level_min"]) <= rank(last.level) <= rank(r["last_level_max"])
    return ok / len(rows)


def test_the_pairs_table_is_big_enough() -> None:
    rows = _rows("pairs_zh_en.jsonl")
    assert len(rows) >= 60 and all(r["zh"] and r["en"] for r in rows)


def test_chinese_and_english_agree(engine: TriageEngine) -> None:
    same, side = pair_figures(engine)
    assert same >= PAIRS_SAME_LEVEL and side >= PAIRS_SAME_SIDE, (round(same, 3), round(side, 3))


def test_the_named_pair_agrees(engine: TriageEngine) -> None:
    """Issue 14: 最近觉得活着没意思 was high and "lately I feel life is pointless" medium."""
    a, b = engine.assess_batch(["最近觉得活着没意思", "lately I feel life is pointless"])
    assert a.level == b.level == "high"


def test_context_snippets_end_as_expected(engine: TriageEngine) -> None:
    got = context_figure(engine)
    assert got >= CONTEXT_AS_EXPECTED, round(got, 3)


def test_thanks_after_a_self_help_question_ends_quietly(engine: TriageEngine) -> None:
    last = conversation(engine, ["怎么才能睡得好一点", "好的谢谢"])[-1]
    assert last.level in ("none", "low") and last.own_level == "none" and last.thin


def test_nothing_is_lowered_after_pills_in_hand(engine: TriageEngine) -> None:
    convs = conversation(engine, ["药就在我手里，我现在就要吃", "好的谢谢", "嗯"])
    assert [c.level for c in convs] == ["imminent"] * 3
    assert convs[0].held is False  # the message itself raised it
    assert convs[2].held is True and convs[2].own_level in ("none", "low")  # carried, not raised


def test_a_later_turn_explains_an_earlier_one(engine: TriageEngine) -> None:
    """"The pills are in my hand" after "my cat needs her medicine" is the cat's medicine."""
    last = conversation(engine, ["我家猫要吃药，她一直吐出来", "药在我手里了，她还是不肯吃"])[-1]
    assert rank(last.level) <= 2
