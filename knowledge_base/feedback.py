"""What residents' ratings tell the editors: entries most often rated down, questions that fell back.

Pure: the bot stores the events (bot/ owns storage and the coordinator page) and hands them here.
An event is one of:
  Rating(entry_id, "up" | "down" | "not_what_i_asked", lang)  - a 👍/👎 or "not what I asked" on an answer
  Fallback(question, lang, best_topic)                      - a question the bot was not sure about
Question text is grouped by a normalised key (width, case, punctuation and spaces folded), so "睡不着
怎么办？" and "睡不着怎么办" count together; the report shows one example of each group. The caller
decides what text it may keep (residents are pseudonymous; message text is protected): the report
only repeats what it was given.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Vote = Literal["up", "down", "not_what_i_asked"]
VOTES: tuple[Vote, ...] = ("up", "down", "not_what_i_asked")


@dataclass(frozen=True)
class Rating:
    entry_id: str
    vote: Vote
    lang: str = "zh"


@dataclass(frozen=True)
class Fallback:
    question: str
    lang: str = "zh"
    best_topic: str | None = None


@dataclass(frozen=True)
class EntryScore:
    """One entry's ratings; `negative` = down + not-what-I-asked."""

    entry_id: str
    title: str | None
    up: int
    down: int
    not_what_i_asked: int

    @property
    def negative(self) -> int:
        return self.down + self.not_what_i_asked

    @property
    def total(self) -> int:
        return self.up + self.negative

    @property
    def negative_share(self) -> float:
        return self.negative / self.total if self.total else 0.0


@dataclass(frozen=True)
class FallbackGroup:
    """Questions that fell back, grouped by their normalised text."""

    example: str
    count: int
    lang: str
    best_topic: str | None


@dataclass(frozen=True)
class TopicGap:
    """Fallbacks per closest topic: where a new entry would help most."""

    topic: str | None
    count: int


@dataclass(frozen=True)
class FeedbackReport:
    rated_down: tuple[EntryScore, ...]
    fallbacks: tuple[FallbackGroup, ...]
    gaps: tuple[TopicGap, ...]
    ratings: int
    fallback_count: int

    def as_json(self) -> dict[str, object]:
        """A plain dictionary for the coordinator page or a JSON endpoint."""
        return {
            "ratings": self.ratings,
            "fallbacks": self.fallback_count,
            "rated_down": [{"entry_id": e.entry_id, "title": e.title, "up": e.up, "down": e.down,
                            "not_what_i_asked": e.not_what_i_asked,
                            "negative_share": round(e.negative_share, 3)} for e in self.rated_down],
            "fell_back": [{"question": g.example, "count": g.count, "lang": g.lang,
                           "best_topic": g.best_topic} for g in self.fallbacks],
            "gaps": [{"topic": g.topic, "count": g.count} for g in self.gaps],
        }


def question_key(text: str) -> str:
    """Letters and digits only, NFKC and lower-cased: the same question typed twice meets here."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


def build_report(events: Iterable[Rating | Fallback], titles: Mapping[str, str] | None = None,
                 top: int = 20, min_ratings: int = 1) -> FeedbackReport:
    """Entries by negative ratings (most first; ties by share, then id), fallback groups by count.

    titles: entry id -> title to show (e.g. from KnowledgeBase.entry); an entry rated fewer than
    `min_ratings` times is left out of `rated_down`, and so is one never rated down.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    groups: dict[str, list[Fallback]] = defaultdict(list)
    topics: Counter[str | None] = Counter()
    n_ratings = n_fallbacks = 0
    for ev in events:
        if isinstance(ev, Rating):
            if ev.vote not in VOTES:
                raise ValueError(f"unknown vote {ev.vote!r} (use {', '.join(VOTES)})")
            votes[ev.entry_id][ev.vote] += 1
            n_ratings += 1
        else:
            n_fallbacks += 1
            topics[ev.best_topic] += 1
            key = question_key(ev.question)
            if key:  # a caller that keeps no text (the bot) still counts the closest topic
                groups[key].append(ev)
    names = titles or {}
    scores = [EntryScore(eid, names.get(eid), c["up"], c["down"], c["not_what_i_asked"])
              for eid, c in votes.items()]
    down = sorted((s for s in scores if s.negative > 0 and s.total >= min_ratings),
                  key=lambda s: (-s.negative, -s.negative_share, s.entry_id))
    fell = sorted((_group(evs) for evs in groups.values()), key=lambda g: (-g.count, g.example))
    gaps = sorted((TopicGap(t, n) for t, n in topics.items()), key=lambda g: (-g.count, g.topic or ""))
    return FeedbackReport(tuple(down[:top]), tuple(fell[:top]), tuple(gaps[:top]), n_ratings, n_fallbacks)


def _group(events: list[Fallback]) -> FallbackGroup:
    """The first wording as the example; language and closest topic by majority."""
    lang = Counter(e.lang for e in events).most_common(1)[0][0]
    topic = Counter(e.best_topic for e in events).most_common(1)[0][0]
    return FallbackGroup(events[0].question.strip(), len(events), lang, topic)
