"""Choose the n-gram share and the Chinese crisis thresholds from out-of-fold probabilities.

Two kinds of rows were scored out of fold: real PsySUICIDE rows (how people write to a service)
and the project's written posts (indirect phrasing: 把猫托付给朋友了, 不想再醒来). The choice keeps
false urgent on the real rows within `max_false`, and the classifier may add at most
`POSTS_EXTRA_FALSE` to what the lexicon alone flags among the benign posts (idioms, talk about
suicide). Within those limits the real rows come first: among the settings whose real-row
crisis recall is within `RECALL_GIVE` of the best, it takes the best recall on the written posts.
Chosen on the real rows alone, the classifier alone was held back (high_alone 0.95) and caught
0.40 of the written indirect crisis posts; giving up at most one point on the real rows buys
about 0.65. (An equal mean of the two gave up three points on the real rows: too much.)
"""

from __future__ import annotations

from typing import Any

from triage.calibration import fit_temperature, reliability, temper
from triage.engine import TriageEngine
from triage.models import mix
from triage.policy import Probs
from triage.settings import ClassifierThresholds
from triage.training.data import Example
from triage.training.measure import GRID, auc, prepare, tally, tally_prepared_lexicon

MIX_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
POSTS_EXTRA_FALSE = 0.05
RECALL_GIVE = 0.01
# Everyday lines that share a surface with indirect crisis signs ("I sold my car", "去药店买感冒药",
# written as near misses): the engine may flag at most this share of them. Without this limit a
# model trained on indirect crisis posts flagged half of a page of ordinary life. Strict because
# the out-of-fold figure is optimistic: one writer wrote all of them, so every fold has their
# cousins in training; on 30 near misses written separately (tests/triage/test_near_misses.py)
# English at 0.038 here still flagged 6.
NEAR_MISS_FALSE = 0.02
# Everyday traffic (triage/data/everyday, scored out of fold with whole kinds held out): the
# classifier may add at most this to the false urgent of the lexicon alone there (issue 14 target:
# 0.005 in all; each language meets it on its own, so the whole corpus does), and the classifier-
# alone medium threshold (`medium_alone`) is the lowest on MEDIUM_GRID that offers a counselor on
# at most EVERYDAY_MEDIUM of it (target 0.10; the margin is for traffic unlike the corpus).
# A stricter urgent margin (0.004) cost the written indirect crisis posts 0.557 -> 0.507 out of
# fold for one everyday line in 1,417 (second retrain, MODEL_CARD.md).
EVERYDAY_EXTRA_URGENT = 0.005
EVERYDAY_MEDIUM = 0.09
MEDIUM_GRID = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
# Kinds of benign English lines with at least this many rows get their own false-urgent budget;
# smaller kinds (25 "recovered" stories) would let one line decide.
KIND_MIN_ROWS = 50


class _Part:
    """One kind of row, prepared once for many threshold pairs."""

    def __init__(self, lex: TriageEngine, rows: list[Example], idx: list[int]) -> None:
        self.idx, self.rows = idx, [rows[i] for i in idx]
        self.prepared = prepare(lex, self.rows)

    def tally(self, probs: list[Probs], th: ClassifierThresholds) -> dict[str, float]:
        return tally(self.prepared, [probs[i] for i in self.idx], self.rows, th)

    def lexicon_only(self, th: ClassifierThresholds) -> dict[str, float]:
        return tally_prepared_lexicon(self.prepared, self.rows, th)


def choose_mix(lex: TriageEngine, rows: list[Example], bert: list[Probs], ngram: list[Probs],
               max_false: float, calibrate: bool = True) -> dict[str, Any]:
    """The n-gram share and (high, high_alone) as described above, with the figures behind them;
    `calibrate`: on probabilities at the temperature fitted for each share (triage/calibration.py)."""
    base = lex.settings.classifier
    real = _Part(lex, rows, [i for i, e in enumerate(rows) if e.source.startswith("psysuicide:")
                             and not e.source.endswith("synthetic")])
    posts = _Part(lex, rows, [i for i, e in enumerate(rows) if e.source.startswith("written:")])
    near = _near_misses(lex, rows)
    every = _everyday(lex, rows)
    lexicon = {"real": real.lexicon_only(base)}
    if posts.idx:
        lexicon["posts"] = posts.lexicon_only(base)
    urgent_budget = every.lexicon_only(base)["false_urgent"] + EVERYDAY_EXTRA_URGENT if every.idx else 1.0
    labels = [e.label for e in rows]
    temps = {w: fit_temperature(mix(bert, ngram, w), labels) if calibrate else 1.0 for w in MIX_GRID}
    fits: list[tuple[float, float, float, float, float, ClassifierThresholds]] = []
    for w in MIX_GRID:
        probs = [temper(p, temps[w]) for p in mix(bert, ngram, w)]
        for th in _pairs(base):
            f = real.tally(probs, th)
            if f["false_urgent"] > max_false:
                continue
            g = posts.tally(probs, th) if posts.idx else {"crisis_recall": 0.0, "false_urgent": 0.0}
            if posts.idx and g["false_urgent"] > lexicon["posts"]["false_urgent"] + POSTS_EXTRA_FALSE:
                continue
            if near.idx and near.tally(probs, th)["false_urgent"] > NEAR_MISS_FALSE:
                continue
            if every.idx and every.tally(probs, th)["false_urgent"] > urgent_budget:
                continue
            fits.append((f["crisis_recall"], g["crisis_recall"], -f["false_urgent"], th.high, w, th))
    if fits:
        top = max(f[0] for f in fits)
        close = [f for f in fits if f[0] >= top - RECALL_GIVE]
        best = max(close, key=lambda f: (round(f[1], 6), f[0], f[2], f[3]))
        w, th = best[4], best[5]
    else:  # nothing fits the budget: the strictest setting
        w, th = 0.0, base.model_copy(update={"high": GRID[-1], "high_alone": GRID[-1]})
    raw = mix(bert, ngram, w)
    probs = [temper(p, temps.get(w, 1.0)) for p in raw]
    th = _medium(every, probs, th)
    psy = [i for i, e in enumerate(rows) if e.source.startswith("psysuicide:")]
    crisis = [y == 3 for y in labels]
    return {"ngram_weight": w, "high": th.high, "high_alone": th.high_alone, "medium": th.medium,
            "medium_alone": th.medium_alone, "temperature": temps.get(w, 1.0),
            "reliability_raw": reliability([p.crisis for p in raw], crisis),
            "reliability": reliability([p.crisis for p in probs], crisis),
            "everyday": every.tally(probs, th) if every.idx else None,
            "everyday_lexicon_only": every.lexicon_only(base) if every.idx else None,
            "everyday_by_kind": _by_kind(lex, rows, probs, th),
            "real": real.tally(probs, th), "all": _Part(lex, rows, psy).tally(probs, th),
            "posts": posts.tally(probs, th) if posts.idx else None,
            "near_misses": near.tally(probs, th) if near.idx else None,
            "real_lexicon_only": lexicon["real"], "posts_lexicon_only": lexicon.get("posts"),
            "auc_all": auc([p.crisis for p in probs], [e.label == 3 for e in rows]),
            "auc_bert": auc([p.crisis for p in bert], [e.label == 3 for e in rows]),
            "auc_ngram": auc([p.crisis for p in ngram], [e.label == 3 for e in rows])}


def _everyday(lex: TriageEngine, rows: list[Example]) -> _Part:
    return _Part(lex, rows, [i for i, e in enumerate(rows) if e.source.startswith("everyday:")])


def _medium(every: _Part, probs: list[Probs], th: ClassifierThresholds) -> ClassifierThresholds:
    """The lowest classifier-alone medium threshold (`medium_alone`) that offers a counselor on at
    most EVERYDAY_MEDIUM of the everyday lines (the highest on the grid when none does). `medium`,
    where a lexicon word of medium or above backs the classifier, stays: everyday lines hold no
    such word, and a single medium threshold raised for them cost concern recall elsewhere."""
    if not every.idx:
        return th
    for m in MEDIUM_GRID:
        cand = th.model_copy(update={"medium_alone": m})
        if every.tally(probs, cand)["medium_on_benign"] <= EVERYDAY_MEDIUM:
            return cand
    return th.model_copy(update={"medium_alone": MEDIUM_GRID[-1]})


def _by_kind(lex: TriageEngine, rows: list[Example], probs: list[Probs], th: ClassifierThresholds
             ) -> dict[str, dict[str, float]]:
    """False urgent and medium-or-above per everyday kind."""
    kinds: dict[str, list[int]] = {}
    for i, e in enumerate(rows):
        if e.source.startswith("everyday:"):
            kinds.setdefault(e.source.split(":", 1)[1], []).append(i)
    out = {}
    for kind, idx in sorted(kinds.items()):
        f = _Part(lex, rows, idx).tally(probs, th)
        out[kind] = {"n": f["n"], "false_urgent": round(f["false_urgent"], 4),
                     "medium_on_benign": round(f["medium_on_benign"], 4)}
    return out


def _pairs(base: ClassifierThresholds) -> list[ClassifierThresholds]:
    """Every (high, high_alone) on the grid with high <= high_alone."""
    return [base.model_copy(update={"high": high, "high_alone": alone})
            for alone in GRID for high in GRID if high <= alone]


def _near_misses(lex: TriageEngine, rows: list[Example]) -> _Part:
    return _Part(lex, rows, [i for i, e in enumerate(rows) if e.source == "written:near_miss"])


def choose_english(lex: TriageEngine, rows: list[Example], probs: list[Probs], extra_false: float
                   ) -> tuple[ClassifierThresholds, dict[str, Any]]:
    """English (high, high_alone): the best crisis recall while, for every kind of benign line
    (near misses, supportive replies, therapists' answers, everyday questions, ...), the classifier
    adds at most `extra_false` to what the lexicon alone flags there, and flags at most
    NEAR_MISS_FALSE of the near misses. Per kind, because one pooled budget was spent on the kinds
    the lexicon leaves alone (everyday lines) while the big pools hid it."""
    base = lex.settings.classifier_en
    whole = _Part(lex, rows, list(range(len(rows))))
    near = _near_misses(lex, rows)
    kinds: dict[str, list[int]] = {}
    for i, e in enumerate(rows):
        if e.label <= 1:
            kinds.setdefault(e.source, []).append(i)
    groups = [_Part(lex, rows, idx) for idx in kinds.values() if len(idx) >= KIND_MIN_ROWS]
    budgets = [g.lexicon_only(base)["false_urgent"] + extra_false for g in groups]
    every = _everyday(lex, rows)
    urgent_budget = every.lexicon_only(base)["false_urgent"] + EVERYDAY_EXTRA_URGENT if every.idx else 1.0
    best: tuple[tuple[float, ...], ClassifierThresholds] | None = None
    for th in _pairs(base):
        if any(g.tally(probs, th)["false_urgent"] > b for g, b in zip(groups, budgets, strict=True)):
            continue
        if every.idx and every.tally(probs, th)["false_urgent"] > urgent_budget:
            continue
        if near.idx and near.tally(probs, th)["false_urgent"] > NEAR_MISS_FALSE:
            continue
        f = whole.tally(probs, th)
        key = (f["crisis_recall"], -f["false_urgent"], th.high, th.high_alone)
        if best is None or key > best[0]:
            best = (key, th)
    th = best[1] if best else base.model_copy(update={"high": GRID[-1], "high_alone": GRID[-1]})
    th = _medium(every, probs, th)
    return th, {"all": whole.tally(probs, th), "lexicon_only": whole.lexicon_only(base),
                "everyday": every.tally(probs, th) if every.idx else None,
                "everyday_lexicon_only": every.lexicon_only(base) if every.idx else None,
                "everyday_by_kind": _by_kind(lex, rows, probs, th),
                "near_misses": near.tally(probs, th) if near.idx else None,
                "benign_by_kind": {rows[g.idx[0]].source: g.tally(probs, th)["false_urgent"] for g in groups}}
