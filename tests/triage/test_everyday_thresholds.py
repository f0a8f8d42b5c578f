"""The classifier-alone medium threshold (`medium_alone`, issue 14): everyday lines the classifier
alone put just over the shared 0.5 no longer offer a counselor; lines of real concern still do.

Figures behind the value: triage/model/metrics.json zh.medium_alone_choice, MODEL_CARD.md.
"""

from __future__ import annotations

import pytest

import triage
from triage.levels import rank
from triage.policy import decide

# Ordinary lines from triage/data/everyday that the shipped classifier alone rated medium
# (p(crisis) + p(medium) 0.55-0.59, no lexicon word of medium or above).
EVERYDAY = ["晚饭吃了火锅", "阳台上的花开了", "你们几点上班"]
# Distress with no lexicon word of medium or above (written for this test): the classifier alone,
# p(crisis) + p(medium) 0.84-0.96.
CONCERN = ["我觉得自己什么都做不好，每天都很累很烦", "这段时间每天都很压抑，一个人待着就想哭"]


def _level_at(engine: triage.TriageEngine, text: str, medium_alone: float | None) -> str:
    """The level `decide` gives the message with the classifier-alone medium threshold replaced."""
    assert engine.classifier is not None
    norm = engine.normaliser.normalise(text)
    findings, figurative = engine.read(norm)
    probs = engine.classifier.predict([norm.text], [norm.lang])[0]
    th = engine._thresholds(norm.lang).model_copy(update={"medium_alone": medium_alone})
    lang = engine._lang(norm, None)
    return decide(norm.text, findings, lang, probs, th, figurative=figurative, raw=text).level


def test_chinese_classifier_alone_needs_more_than_the_shared_medium_threshold(
        engine: triage.TriageEngine) -> None:
    th = engine.settings.classifier
    assert th.medium_alone is not None and th.medium_alone > th.medium


@pytest.mark.parametrize("text", EVERYDAY)
def test_an_everyday_line_no_longer_offers_a_counselor(engine: triage.TriageEngine, text: str) -> None:
    assert _level_at(engine, text, None) == "medium"  # the shared threshold offered one
    a = engine.assess(text, "zh")
    assert rank(a.level) < rank("medium"), (text, a.level, a.reasons)


@pytest.mark.parametrize("text", CONCERN)
def test_a_line_of_concern_still_offers_a_counselor(engine: triage.TriageEngine, text: str) -> None:
    a = engine.assess(text, "zh")
    assert a.level == "medium", (text, a.reasons)
    assert any(r.startswith("classifier: medium") for r in a.reasons)  # the classifier alone decides

