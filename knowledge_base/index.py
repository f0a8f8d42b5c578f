"""BM25 over entry units (title, each question paraphrase, answer) for one language.

An entry's score is its best-matching title or paraphrase (weighted) plus a smaller share of its
answer's score: residents ask in the words of the paraphrases far more often than in the words of
the answers. Nothing here reads files; everything is built from the entries handed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
import numpy.typing as npt

from knowledge_base.model import Entry, FieldWeights
from knowledge_base.text import tokenize

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Match:
    """Scores of every entry for one query, and how much of the query the best entry covers."""

    scores: FloatArray
    coverage: FloatArray
    query_mass: float


class LangIndex:
    """The BM25 index of one language over all entries."""

    def __init__(self, entries: Sequence[Entry], lang: str, weights: FieldWeights, k1: float, b: float):
        self.lang = lang
        docs: list[list[str]] = []
        owner: list[int] = []
        unit_weight: list[float] = []
        answers: list[list[str]] = []
        self.entry_tokens: list[frozenset[str]] = []
        for i, entry in enumerate(entries):
            v = entry.version(lang)
            units = [(v.title, weights.title)] + [(q, weights.question) for q in v.questions]
            for text, w in units:
                docs.append(tokenize(text, lang) or ["<empty>"])
                owner.append(i)
                unit_weight.append(w)
            answers.append(tokenize(v.answer + "\n" + v.seek_help, lang) or ["<empty>"])
            self.entry_tokens.append(frozenset(t for d in docs[len(owner) - len(units):] for t in d))
        self.n_entries = len(entries)
        self.owner = np.asarray(owner, dtype=np.int64)
        self.starts = np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]])
        self.unit_weight = np.asarray(unit_weight, dtype=np.float64)
        self.answer_weight = weights.answer
        self.units = bm25s.BM25(k1=k1, b=b)
        self.units.index(docs, show_progress=False)
        self.answers = bm25s.BM25(k1=k1, b=b)
        self.answers.index(answers, show_progress=False)
        self.idf = _idf(docs)
        self.max_idf = math.log(1 + (len(docs) + 0.5) / 0.5)

    def token_weight(self, token: str) -> float:
        """Inverse document frequency over titles and paraphrases; unseen tokens weigh most."""
        return self.idf.get(token, self.max_idf)

    def match(self, tokens: list[str]) -> Match:
        """Score every entry for the query tokens."""
        n = self.n_entries
        if not tokens or n == 0:
            return Match(np.zeros(n), np.zeros(n), 0.0)
        unit = np.asarray(self.units.get_scores(tokens), dtype=np.float64) * self.unit_weight
        best = np.maximum.reduceat(unit, self.starts)
        answer = np.asarray(self.answers.get_scores(tokens), dtype=np.float64)
        scores = best + self.answer_weight * answer
        weights = {t: self.token_weight(t) for t in tokens}
        mass = sum(weights.values())
        coverage = np.zeros(n)
        for i in np.argsort(-scores)[:5]:
            have = self.entry_tokens[i]
            coverage[i] = sum(w for t, w in weights.items() if t in have) / mass
        return Match(scores, coverage, mass)


def _idf(docs: list[list[str]]) -> dict[str, float]:
    df: dict[str, int] = {}
    for d in docs:
        for t in set(d):
            df[t] = df.get(t, 0) + 1
    n = len(docs)
    return {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
