"""The classifier-alone medium threshold (`medium_alone`, issue 14): everyday lines the classifier
alone put just over the shared 0.5 no longer offer a counselor; lines of real concern still do.

Figures behind the value: triage/model/metrics.json zh.medium_alone and zh.everyday (chosen by
`hotline train triage`, choose.py `_medium`), MODEL_CARD.md.
"""

from __future__ import annotations

import pytest

import triage
from triage.levels import rank
from triage.policy import Probs, decide

# Ordinary lines from triage/data/everyday that the first models alone rated medium (p(crisis) +
# p(medium) 0.55-0.59, no lexicon word of medium or above). The retrained models (issue 14, fifth
# session) saw the corpus in training, so they no longer come near; the mechanism is tested below
# with set probabilities.
EVERYDAY = ["晚饭吃了火锅", "阳台上的花开了", "你们几点上班"]
# Distress with no lexicon word of medium or above (written for this test): the classifier alone,
# p(crisis) + p(medium) 0.84-0.96.
CONCERN = ["我觉得自己什么都做不好，每天都很累很烦", "这段时间每天都很压抑，一个人待着就想哭"]


def test_chinese_classifier_alone_needs_more_than_the_shared_medium_threshold(
        engine: triage.TriageEngine) -> None:
    th = engine.settings.classifier
    assert th.medium_alone is not None and th.medium_alone > th.medium


@pytest.mark.parametrize("text", EVERYDAY)
def test_an_everyday_line_does_not_offer_a_counselor(engine: triage.TriageEngine, text: str) -> None:
    a = engine.assess(text, "zh")
    assert rank(a.level) < rank("medium"), (text, a.level, a.reasons)


def test_the_classifier_alone_needs_medium_alone_a_backed_one_medium(engine: triage.TriageEngine) -> None:
    """Between `medium` and `medium_alone`: medium only with a lexicon word of medium or above."""
    th = engine.settings.classifier
    assert th.medium_alone is not None
    p = (th.medium + th.medium_alone) / 2
    probs = Probs(none=1 - p, low=0.0, medium=p * 0.6, crisis=p * 0.4)
    levels = {}
    for text in ("周末想去公园散散步，顺便买点菜回家", "同事总是骂我，周末想去公园散散步"):
        norm = engine.normaliser.normalise(text)
        findings, figurative = engine.read(norm)
        levels[text] = decide(norm.text, findings, "zh", probs, th, figurative=figurative, raw=text).level
    alone, backed = levels.values()
    assert rank(alone) < rank("medium") and backed == "medium", levels


@pytest.mark.parametrize("text", CONCERN)
def test_a_line_of_concern_still_offers_a_counselor(engine: triage.TriageEngine, text: str) -> None:
    a = engine.assess(text, "zh")
    assert a.level == "medium", (text, a.reasons)
    assert any(r.startswith("classifier: medium") for r in a.reasons)  # the classifier alone decides

