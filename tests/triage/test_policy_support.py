"""Which lexicon words let the classifier raise a message to high at the supported threshold."""

from __future__ import annotations

from triage.lexicon import Entry, Hit
from triage.policy import Probs, decide
from triage.rules import Finding
from triage.settings import load_settings

TH = load_settings().classifier.model_copy(update={"high": 0.3, "high_alone": 0.8})
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
    assert decide("word", [], "zh", sure, TH).level == "high"
