"""What a search returns: one frozen value the bot renders and the CLI prints as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["answer", "fallback", "refusal", "services", "social"]


@dataclass(frozen=True)
class SearchResult:
    """The knowledge base's reply to one question.

    kind: answer (an entry fits), fallback (not sure: offer `alternatives` and a counselor),
    refusal (never answered or out of scope; `refusal_reason` says which), services (the directory),
    social (hello, thanks, bye, ok: a turn of conversation answered in kind, no entry).
    topic: the answered topic; None on fallback and refusal. `best_topic` is the closest topic
    whatever the kind (for logs and evaluation). confidence: calibrated probability, 0..1, that the
    answer fits. alternatives: the closest topics as (topic id, localised name), best first.
    """

    kind: Kind
    lang: str
    text: str
    confidence: float
    topic: str | None = None
    entry_id: str | None = None
    title: str | None = None
    best_topic: str | None = None
    alternatives: tuple[tuple[str, str], ...] = ()
    refusal_reason: str | None = None
    also: tuple[str, str, str] | None = None

    @property
    def fallback(self) -> bool:
        """True when the bot does not answer from an entry or the directory."""
        return self.kind in ("fallback", "refusal", "social")

    def as_json(self) -> dict[str, object]:
        """The `kb search --jsonl` record (contract: the team's scorer, score.py, and issue 5)."""
        return {
            "topic": self.topic,
            "kind": self.kind,
            "entry_id": self.entry_id,
            "id": self.entry_id,
            "score": round(self.confidence, 4),
            "confidence": round(self.confidence, 4),
            "fallback": self.fallback,
            "answer": self.text,
            "title": self.title,
            "lang": self.lang,
            "best_topic": self.best_topic,
            "alternatives": [{"topic": t, "name": n} for t, n in self.alternatives],
            "refusal_reason": self.refusal_reason,
            "also": None if self.also is None else
            {"topic": self.also[0], "entry_id": self.also[1], "title": self.also[2]},
        }
