"""Figures for `hotline kb eval`: accuracy, fallback rates, calibration, and a calibration fit.

Rows are {"question", "lang", "topic"}; a row whose topic is null (or absent) is out of scope and
should be refused or fall back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from knowledge_base.engine import KnowledgeBase, Ranking
from knowledge_base.model import Calibration
from knowledge_base.result import SearchResult
from knowledge_base.text import detect_lang, normalise


@dataclass(frozen=True)
class Figures:
    in_scope: int
    top1: float
    top3: float
    in_scope_fallback: float
    out_of_scope: int
    out_caught: float
    ece: float

    def lines(self) -> list[str]:
        return [
            f"in-scope questions       {self.in_scope}",
            f"  top-1 topic accuracy   {self.top1:.3f}",
            f"  top-3 topic accuracy   {self.top3:.3f}",
            f"  fallback rate          {self.in_scope_fallback:.3f}",
            f"out-of-scope questions   {self.out_of_scope}",
            f"  fallback-or-refusal    {self.out_caught:.3f}",
            f"calibration error (ECE)  {self.ece:.3f}",
        ]


def _ece(conf: Sequence[float], right: Sequence[bool], bins: int = 10) -> float:
    """Expected calibration error: |confidence - accuracy| averaged over equal-width bins."""
    c, r = np.asarray(conf, dtype=float), np.asarray(right, dtype=float)
    if len(c) == 0:
        return 0.0
    idx = np.minimum((c * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        sel = idx == b
        if sel.any():
            total += abs(float(c[sel].mean()) - float(r[sel].mean())) * int(sel.sum())
    return total / len(c)


def evaluate(kb: KnowledgeBase, rows: Iterable[dict[str, object]]) -> tuple[Figures, list[str]]:
    """Run every row through `kb.search`; figures plus one line per miss."""
    inn = out = top1 = top3 = fb = caught = 0
    conf: list[float] = []
    right: list[bool] = []
    misses: list[str] = []
    for row in rows:
        q, topic = str(row.get("question", "")), row.get("topic")
        res: SearchResult = kb.search(q, str(row.get("lang") or "") or None)
        if topic:
            inn += 1
            hit = res.topic == topic
            top1 += hit
            top3 += hit or topic in [t for t, _ in res.alternatives[:3]]
            fb += res.fallback
            if not hit:
                misses.append(f"MISS [{topic}] -> {res.kind} {res.best_topic} {res.confidence:.2f}: {q}")
        else:
            out += 1
            caught += res.fallback
            if not res.fallback:
                misses.append(f"LEAK [out] -> {res.kind} {res.topic} {res.confidence:.2f}: {q}")
        conf.append(res.confidence)
        right.append(bool(topic) and res.topic == topic)
    figs = Figures(inn, top1 / max(1, inn), top3 / max(1, inn), fb / max(1, inn), out,
                   caught / max(1, out), _ece(conf, right))
    return figs, misses


def fit_calibration(kb: KnowledgeBase, rows: Iterable[dict[str, object]], steps: int = 4000) -> Calibration:
    """Logistic regression of "the top entry's topic is right" on the ranking features.

    Out-of-scope rows count as wrong whatever a refusal pattern would do: the confidence must also
    be low for the out-of-scope questions no pattern foresaw.
    """
    feats: list[tuple[float, ...]] = []
    labels: list[float] = []
    for row in rows:
        q = normalise(str(row.get("question", "")))
        if not q:
            continue
        r: Ranking = kb.rank(q, detect_lang(q, str(row.get("lang") or "zh")))
        feats.append((1.0, *r.features.vector()))
        labels.append(float(bool(row.get("topic")) and r.topics[0] == row.get("topic")))
    x, y = np.asarray(feats), np.asarray(labels)
    w = np.zeros(x.shape[1])
    for _ in range(steps):  # plain gradient descent with a little L2: six weights, a few hundred rows
        p = 1 / (1 + np.exp(-(x @ w)))
        w -= 0.5 * (x.T @ (p - y) / len(y) + 1e-3 * np.r_[0.0, w[1:]])
    names = ("bias", "coverage", "known", "margin", "strength", "cue", "semantic")
    return Calibration(**{n: round(float(v), 3) for n, v in zip(names, w, strict=True)})
