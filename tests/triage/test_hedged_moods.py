"""A hedge before a mood that comes in degrees ("有点孤单", "a bit lonely") is everyday low mood.

Issue 14: the everyday corpus (triage/data/everyday, mild_low_mood) was offered a counselor on
lines like "一个人吃饭有点孤单" and "bit overwhelmed with deadlines" because the lexicon read the
mood word alone. A hedge only softens a mood: never a wish to die, hopelessness or self-harm.
"""

from __future__ import annotations

import pytest

from triage import TriageEngine
from triage.lexicon import Entry, Hit
from triage.policy import Probs, decide
from triage.rules import Finding
from triage.settings import load_settings


@pytest.mark.parametrize("text", [
    "一个人吃饭有点孤单", "今天有点孤独 但还好", "一個人在外地，有時候會覺得孤單", "我最近有点自卑",
    "feeling kinda lonely tonight", "bit overwhelmed with deadlines", "i'm bored and a bit lonely",
    "有点崩溃", "sometimes i get a little lonely on sundays",
])
def test_a_hedged_mood_is_low(lexicon_engine: TriageEngine, text: str) -> None:
    a = lexicon_engine.assess(text)
    assert a.level == "low" and any("hedged" in r for r in a.reasons), (text, a.reasons)


@pytest.mark.parametrize("text", ["好孤单", "我很孤单", "i am so lonely", "I'm lonely", "我最近很自卑",
                                  "有点快崩溃了"])
def test_the_same_mood_said_plainly_still_offers_a_counselor(lexicon_engine: TriageEngine, text: str) -> None:
    assert lexicon_engine.assess(text).level == "medium", text


@pytest.mark.parametrize("text", ["有点想死", "有点孤单，活着没意思", "a bit lonely and i want to die",
                                  "有点不想活了", "i sometimes want to kill myself"])
def test_a_hedge_never_softens_risk(lexicon_engine: TriageEngine, text: str) -> None:
    assert lexicon_engine.assess(text).level in ("high", "imminent"), text


def test_a_hedge_in_another_clause_does_not_count(lexicon_engine: TriageEngine) -> None:
    assert lexicon_engine.assess("今天有点累。好孤单").level == "medium"


def test_a_hedged_mood_does_not_back_the_classifier() -> None:
    """A supporting word lowers the classifier's high threshold (policy._supported); a hedged mood
    is everyday low mood, so the classifier alone must reach its own, higher threshold."""
    th = load_settings().classifier.model_copy(update={"high": 0.3, "high_alone": 0.8, "medium": 0.5,
                                                       "medium_alone": None})
    mood = Finding(Hit(2, 4, Entry("孤单", "risk", "distress", "medium", mood=True)), "live", mild=True)
    p = Probs(none=0.3, low=0.1, medium=0.1, crisis=0.5)
    assert decide("有点孤单", [mood], "zh", p, th).level == "medium"
