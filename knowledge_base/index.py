"""BM25 over entry units (title, each question paraphrase, answer) for one language.

An entry's score is its best-matching title or paraphrase (weighted) plus a smaller share of its
answer's score: residents ask in the words of the paraphrases far more often than in the words of
the answers. Nothing here reads files; everything is built from the entries handed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt

from knowledge_base.model import Entry, FieldWeights
from knowledge_base.tokcache import CACHE_DIR, tokenize_all

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Match:
    """Scores of every entry for one query, and how much of the query the best entry covers."""

    scores: FloatArray
    topic_scores: FloatArray
    token_weights: dict[str, float]
    query_mass: float


class Postings:
    """A built bm25s index read as per-token postings: a query's scores in one bincount.

    bm25s precomputes every (token, document) score; its query path converts, checks and loops in
    Python around that (~0.2 ms a call, three calls a question). Summing the same stored scores
    here gives the same numbers in a fraction of the time (see `hotline bench kb`).
    """

    def __init__(self, model: bm25s.BM25):
        data = np.asarray(model.scores["data"], dtype=np.float64)
        indices = np.asarray(model.scores["indices"], dtype=np.int64)
        indptr = np.asarray(model.scores["indptr"], dtype=np.int64)
        self.n_docs = int(model.scores["num_docs"])
        self.postings = {tok: (indices[indptr[i]:indptr[i + 1]], data[indptr[i]:indptr[i + 1]])
                         for tok, i in model.vocab_dict.items() if i < len(indptr) - 1}
        # bm25s adds "" to its vocabulary without a column; no token of ours is empty

    def scores(self, tokens: Sequence[str]) -> FloatArray:
        """BM25 score of every document (a repeated query token counts again, as in bm25s)."""
        hits = [self.postings[t] for t in tokens if t in self.postings]
        if not hits:
            return np.zeros(self.n_docs)
        docs = np.concatenate([h[0] for h in hits])
        vals = np.concatenate([h[1] for h in hits])
        return np.bincount(docs, weights=vals, minlength=self.n_docs).astype(np.float64, copy=False)


class GroupMax:
    """Each group's largest value, groups given per item (-1: no group); 0 for an empty group.

    np.maximum.at does the same one element at a time (~10 us a call); sorting the items by group
    once lets one reduceat do it.
    """

    def __init__(self, group_of: Sequence[int] | npt.NDArray[np.int64], n_groups: int):
        groups = np.asarray(group_of, dtype=np.int64)
        kept = np.flatnonzero(groups >= 0)
        self.order = kept[np.argsort(groups[kept], kind="stable")]
        sorted_groups = groups[self.order]
        self.starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]) \
            if sorted_groups.size else np.zeros(0, dtype=np.int64)
        self.present = sorted_groups[self.starts]
        self.n_groups = n_groups

    def __call__(self, values: FloatArray) -> FloatArray:
        out = np.zeros(self.n_groups)
        if self.present.size:
            out[self.present] = np.maximum(np.maximum.reduceat(values[self.order], self.starts), 0.0)
        return out


def _postings(docs: list[list[str]], k1: float, b: float) -> Postings:
    model = bm25s.BM25(k1=k1, b=b)
    model.index(docs, show_progress=False)
    return Postings(model)


class LangIndex:
    """The BM25 index of one language over all entries."""

    def __init__(self, entries: Sequence[Entry], lang: str, weights: FieldWeights, k1: float, b: float,
                 topic_names: dict[str, str], token_cache: Path | None = CACHE_DIR):
        self.lang = lang
        self.topic_ids = tuple(topic_names)
        owner: list[int] = []
        unit_weight: list[float] = []
        unit_texts: list[str] = []
        answer_texts: list[str] = []
        for i, entry in enumerate(entries):
            v = entry.version(lang)
            for text, w in [(v.title, weights.title)] + [(q, weights.question) for q in v.questions]:
                unit_texts.append(text)
                owner.append(i)
                unit_weight.append(w)
            answer_texts.append(v.answer + "\n" + v.seek_help)
        names = list(topic_names.values())
        cut = tokenize_all(unit_texts + answer_texts + names, lang, token_cache)
        docs = [d or ["<empty>"] for d in cut[: len(unit_texts)]]
        answers = [d or ["<empty>"] for d in cut[len(unit_texts) : len(unit_texts) + len(answer_texts)]]
        name_tokens = dict(zip(topic_names, cut[len(unit_texts) + len(answer_texts) :], strict=True))
        self.entry_tokens: list[frozenset[str]] = [frozenset() for _ in entries]
        for doc, i in zip(docs, owner, strict=True):
            self.entry_tokens[i] = self.entry_tokens[i] | frozenset(doc)
        self.n_entries = len(entries)
        self.owner = np.asarray(owner, dtype=np.int64)
        self.starts = np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]])
        self.unit_weight = np.asarray(unit_weight, dtype=np.float64)
        self.answer_weight = weights.answer
        self.units = _postings(docs, k1, b)
        self.answers = _postings(answers, k1, b)
        self.idf = _idf(docs)
        self.vocabulary = frozenset(t for d in docs + answers for t in d)
        self.topics = _postings(self._topic_docs(entries, name_tokens, docs, owner, answers), k1, b)
        self.max_idf = math.log(1 + (len(docs) + 0.5) / 0.5)

    def _topic_docs(self, entries: Sequence[Entry], names: dict[str, list[str]], docs: list[list[str]],
                    owner: list[int], answers: list[list[str]]) -> list[list[str]]:
        """One document per topic: its name and every title, paraphrase and answer of its entries.

        A question worded unlike any single paraphrase often still shares words with the topic as a
        whole (an answer about grief says 去世, 离世, 想念...). Built from the tokens already cut.
        """
        out = {t: list(tokens) for t, tokens in names.items()}
        for doc, i in zip(docs, owner, strict=True):
            out.setdefault(entries[i].topic, []).extend(doc)
        for e, doc in zip(entries, answers, strict=True):
            out.setdefault(e.topic, []).extend(doc)
        return [out[t] or ["<empty>"] for t in self.topic_ids]

    def token_weight(self, token: str) -> float:
        """Inverse document frequency over titles and paraphrases; unseen tokens weigh most."""
        return self.idf.get(token, self.max_idf)

    def match(self, tokens: list[str]) -> Match:
        """Score every entry for the query tokens."""
        n = self.n_entries
        if not tokens or n == 0:
            return Match(np.zeros(n), np.zeros(len(self.topic_ids)), {}, 0.0)
        unit = self.units.scores(tokens) * self.unit_weight
        best = np.maximum.reduceat(unit, self.starts)
        scores = best + self.answer_weight * self.answers.scores(tokens)
        topic_scores = self.topics.scores(tokens)
        weights = {t: self.token_weight(t) for t in tokens}
        return Match(scores, topic_scores, weights, sum(weights.values()))

    def known(self, m: Match) -> float:
        """Share of the query's weight made of words that occur anywhere in the entries."""
        if m.query_mass <= 0:
            return 0.0
        return sum(w for t, w in m.token_weights.items() if t in self.vocabulary) / m.query_mass

    def coverage(self, m: Match, entry: int) -> float:
        """Share of the query's weight (IDF) found in the entry's title and paraphrases."""
        if m.query_mass <= 0:
            return 0.0
        have = self.entry_tokens[entry]
        return sum(w for t, w in m.token_weights.items() if t in have) / m.query_mass


def _idf(docs: list[list[str]]) -> dict[str, float]:
    df: dict[str, int] = {}
    for d in docs:
        for t in set(d):
            df[t] = df.get(t, 0) + 1
    n = len(docs)
    return {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
