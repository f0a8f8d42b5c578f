"""Risk levels and the Assessment value every caller receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["none", "low", "medium", "high", "imminent"]
Lang = Literal["zh", "en"]

# Ordered from no risk to danger now (docs/ARCHITECTURE.md, "Risk levels").
LEVELS: tuple[Level, ...] = ("none", "low", "medium", "high", "imminent")


def rank(level: str) -> int:
    """Position of `level` in LEVELS; unknown names count as 'none' so bad memory cannot crash."""
    return LEVELS.index(level) if level in LEVELS else 0  # type: ignore[arg-type,unused-ignore]


def level_at(index: int) -> Level:
    """The level at `index`, clamped into range."""
    return LEVELS[max(0, min(len(LEVELS) - 1, index))]


def higher(a: Level, b: Level) -> Level:
    """The more severe of two levels."""
    return a if rank(a) >= rank(b) else b


@dataclass(frozen=True)
class Assessment:
    """The verdict on one message (or a conversation, from the tracker).

    `reasons` are for a person: each quotes the words that were matched or says which signal
    decided. `third_person` is set when the person at risk is someone the writer talks about.
    """

    level: Level
    score: float
    categories: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    lang: Lang = "zh"
    third_person: bool = False
    classifier_used: bool = False
    # The message holds too little content for the classifier to judge it alone ("谢谢", "ok"):
    # its level is the lexicon's, and the conversation decides what it means (triage/tracker.py).
    thin: bool = False
    # Set by assess_in_context and the tracker: the message's level read alone, and whether the
    # returned level is carried from earlier turns or memory rather than raised by this message.
    own_level: Level | None = None
    held: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI and the tracker memory use it)."""
        return {
            "level": self.level,
            "score": round(self.score, 4),
            "categories": list(self.categories),
            "reasons": list(self.reasons),
            "lang": self.lang,
            "third_person": self.third_person,
            "classifier_used": self.classifier_used,
            "thin": self.thin,
        }
