"""Topic cue words (topics.yaml `cues`): which topics a question names outright."""

from __future__ import annotations

import re

import ahocorasick

from knowledge_base.model import TopicName


def _automaton(cues: dict[str, list[int]]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for word, topics in cues.items():
        auto.add_word(word, (len(word), tuple(topics)))
    auto.make_automaton()
    return auto


class CueMatcher:
    """Counts the distinct cue words per topic in a question.

    Chinese cues match as substrings, all topics in one pass (Aho-Corasick). English cues match
    only where a word starts ("rent" finds "rental", not "parents"), one regex per topic, so a cue
    inside a longer cue of the same topic ("sleep" in "sleep badly") counts once.
    """

    def __init__(self, topics: dict[str, TopicName], group_factor: float = 1.0):
        self.n = len(topics)
        self.factor = [group_factor if n.group else 1.0 for n in topics.values()]
        by_lang: dict[str, dict[str, list[int]]] = {"zh": {}}
        for i, name in enumerate(topics.values()):
            for word in name.cues.zh:
                by_lang["zh"].setdefault(word, []).append(i)
        self.auto = _automaton(by_lang["zh"]) if by_lang["zh"] else None
        self.en = [re.compile(r"\b(" + "|".join(re.escape(c.lower()) for c in n.cues.en) + ")")
                   if n.cues.en else None for n in topics.values()]

    def counts(self, question: str, lang: str) -> list[int]:
        """Distinct cue words found per topic, in topics.yaml order."""
        if lang != "zh":
            q = question.lower().replace("’", "'")
            return [len(set(p.findall(q))) if p is not None else 0 for p in self.en]
        out = [0] * self.n
        if self.auto is None:
            return out
        seen: set[str] = set()
        for end, (size, topics) in self.auto.iter(question):
            word = question[end - size + 1 : end + 1]
            if word not in seen:
                seen.add(word)
                for t in topics:
                    out[t] += 1
        return out

    def bonus(self, question: str, lang: str, cap: float = 2.0) -> list[float]:
        """Hits per topic, capped, times the group factor of situation-specific topics."""
        return [min(float(n), cap) * f for n, f in zip(self.counts(question, lang), self.factor, strict=True)]
