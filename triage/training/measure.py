"""Figures of the full engine (lexicon + rules + classifier) on labelled rows.

The definitions are score.py's: crisis recall (level >= high), concern (>= medium), false urgent
(benign rows at high or above).
"""

from __future__ import annotations

from triage.engine import TriageEngine
from triage.levels import rank
from triage.policy import Probs, decide
from triage.rules import Finding
from triage.settings import ClassifierThresholds
from triage.training.data import Example

EXPECT = {0: "none", 1: "none", 2: "concern", 3: "crisis"}
GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(16))


Prepared = list[tuple[str, list[Finding], bool]]


def prepare(engine: TriageEngine, rows: list[Example]) -> Prepared:
    """Normalised text, findings and the figurative flag per row (computed once per grid)."""
    out = []
    for ex in rows:
        norm = engine.normaliser.normalise(ex.text)
        out.append((norm.text, *engine.read(norm)))
    return out


def tally(prepared: Prepared, probs: list[Probs], rows: list[Example], th: ClassifierThresholds
          ) -> dict[str, float]:
    """Crisis recall, concern recall and false urgent (score.py's definitions) at thresholds `th`."""
    hit = {"crisis": [0, 0], "concern": [0, 0], "none": [0, 0]}
    offered = 0  # benign rows at medium or above: each offers a counselor
    for (text, findings, figurative), ex, p in zip(prepared, rows, probs, strict=True):
        a = decide(text, findings, "zh", p, th, None, figurative)
        want = EXPECT[ex.label]
        good = rank(a.level) >= 3 if want == "crisis" else rank(a.level) >= 2 if want == "concern" \
            else rank(a.level) <= 2
        hit[want][0] += good
        hit[want][1] += 1
        offered += want == "none" and rank(a.level) >= 2
    return {"crisis_recall": hit["crisis"][0] / max(1, hit["crisis"][1]),
            "concern_recall": hit["concern"][0] / max(1, hit["concern"][1]),
            "false_urgent": 1 - hit["none"][0] / max(1, hit["none"][1]),
            "medium_on_benign": offered / max(1, hit["none"][1]), "n": float(len(rows))}


def tally_prepared_lexicon(prepared: Prepared, rows: list[Example], th: ClassifierThresholds
                           ) -> dict[str, float]:
    """The same figures with no classifier (what the lexicon and rules alone reach)."""
    none = Probs(1.0, 0.0, 0.0, 0.0)
    th = th.model_copy(update={"benign_confidence": 1.0})
    return tally(prepared, [none] * len(rows), rows, th)


def auc(scores: list[float], positive: list[bool]) -> float:
    """Area under the ROC curve of the classifier's crisis probability (rank statistic)."""
    pos = [s for s, y in zip(scores, positive, strict=True) if y]
    neg = [s for s, y in zip(scores, positive, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return round(wins / (len(pos) * len(neg)), 4)
