"""Which lexicon words let the classifier raise a message to high at the supported threshold."""

from __future__ import annotations

from triage.lexicon import Entry, Hit
from triage.policy import Probs, decide
from triage.rules import Finding
from triage.settings import load_settings

# The test is about which words back "high"; the classifier-alone medium threshold is pinned elsewhere.
TH = load_settings().classifier.model_copy(update={"high": 0.3, "high_alone": 0.8, "medium_alone": None})
P = Probs(none=0.3, low=0.1, medium=0.1, crisis=0.5)


def _finding(level: str) -> Finding:
    entry = Entry("word", "risk", "distress", level)  # type: ignore[arg-type]
    return Finding(Hit(0, 4, entry), "live")


def test_everyday_word_does_not_back_the_classifier() -> None:
    a = decide("word", [_finding("low")], "en", P, TH)
    assert a.level == "medium"


def test_medium_word_backs_the_classifier() -> None:
    a = decide("word", [_finding("medium")], "en", P, TH)
    assert a.level == "high"


def test_confident_classifier_alone_still_raises() -> None:
    sure = Probs(none=0.05, low=0.0, medium=0.05, crisis=0.9)
    assert decide("好想睡一觉就再也不醒了", [], "zh", sure, TH).level == "high"


def test_classifier_alone_never_raises_a_line_too_thin_to_judge() -> None:
    """"谢谢" was rated high at p=0.98 (issue 14): with no lexicon hit and too little content, the
    classifier's confidence is ignored and the line says so."""
    sure = Probs(none=0.01, low=0.0, medium=0.01, crisis=0.98)
    for text in ("谢谢", "好的谢谢", "拜拜", "不是", "ok thanks", "bye"):
        a = decide(text, [], "zh", sure, TH)
        assert (a.level, a.thin, a.classifier_used) == ("none", True, True), text
    assert decide("吃过饭了，今天下雨", [], "zh", sure, TH).level == "high"  # enough to judge
