"""Topic cue words (topics.yaml `cues`): which topics a question names outright."""

from __future__ import annotations

import re

from knowledge_base.model import TopicName


class CueMatcher:
    """Counts the cue words per topic in a question.

    Chinese cues match as substrings, English cues as word starts.
    """

    def __init__(self, topics: dict[str, TopicName], group_factor: float = 1.0):
        self.factor = [group_factor if n.group else 1.0 for n in topics.values()]
        self.zh = [tuple(n.cues.zh) for n in topics.values()]
        self.en = [re.compile(r"\b(" + "|".join(re.escape(c.lower()) for c in n.cues.en) + ")")
                   if n.cues.en else None for n in topics.values()]

    def counts(self, question: str, lang: str) -> list[int]:
        """Cue hits per topic, in topics.yaml order."""
        if lang == "zh":
            return [sum(1 for c in cues if c in question) for cues in self.zh]
        q = question.lower().replace("’", "'")
        return [len(set(p.findall(q))) if p is not None else 0 for p in self.en]

    def bonus(self, question: str, lang: str, cap: float = 2.0) -> list[float]:
        """Hits per topic, capped, times the group factor of situation-specific topics."""
        return [min(float(n), cap) * f for n, f in zip(self.counts(question, lang), self.factor, strict=True)]
