"""`hotline train triage`: data -> model -> threshold on held-out rows -> model card."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from triage.classifier import Classifier
from triage.engine import TriageEngine, load_engine
from triage.levels import rank
from triage.policy import Probs, decide
from triage.rules import Finding, judge
from triage.settings import ClassifierThresholds
from triage.training.benign import benign_lines
from triage.training.card import write_card, write_curve
from triage.training.data import (
    OWN_DIR,
    Example,
    augment,
    load_jsonl,
    load_own,
    load_psysuicide,
    refuse_exams,
    split,
)
from triage.training.fit import Progress, TrainConfig, train_model

EXPECT = {0: "none", 1: "none", 2: "concern", 3: "crisis"}
GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(16))


def gather(psysuicide: Path | None, own_dir: Path, extra: list[Path], holdout: float, seed: int
           ) -> tuple[list[Example], list[Example]]:
    """(training examples incl. augmentation, held-out PsySUICIDE rows)."""
    for p in [*([psysuicide] if psysuicide else []), *extra]:
        refuse_exams(p)
    rng = random.Random(seed)
    psy = load_psysuicide(psysuicide) if psysuicide and psysuicide.exists() else []
    train, held = split(psy, holdout, rng)
    own = load_own(own_dir)
    for p in extra:
        own += load_jsonl(p)
    # The project's own lines are few: repeat them so they weigh about as much as a third of the set.
    train += own * 2 + augment(own, rng)
    everyday = benign_lines(load_engine(None, use_classifier=False), 700, 200, rng)
    train += [Example(t, 0, "benign") for t in everyday]
    rng.shuffle(train)
    return train, held


Prepared = list[tuple[str, list[Finding], bool]]


def prepare(engine: TriageEngine, rows: list[Example]) -> Prepared:
    """Normalised text, findings and the figurative flag per row (computed once per grid)."""
    out = []
    for ex in rows:
        norm = engine.normaliser.normalise(ex.text)
        hits = engine.lexicon.find(norm.text)
        figurative = any(h.entry.kind in ("idiom", "information") for h in hits)
        out.append((norm.text, judge(norm, hits), figurative))
    return out


def tally(prepared: Prepared, probs: list[Probs], rows: list[Example], th: ClassifierThresholds
          ) -> dict[str, float]:
    """Crisis recall, concern recall and false urgent (score.py's definitions) at thresholds `th`."""
    hit = {"crisis": [0, 0], "concern": [0, 0], "none": [0, 0]}
    for (text, findings, figurative), ex, p in zip(prepared, rows, probs, strict=True):
        a = decide(text, findings, "zh", p, th, None, figurative)
        want = EXPECT[ex.label]
        good = rank(a.level) >= 3 if want == "crisis" else rank(a.level) >= 2 if want == "concern" \
            else rank(a.level) <= 2
        hit[want][0] += good
        hit[want][1] += 1
    return {"crisis_recall": hit["crisis"][0] / max(1, hit["crisis"][1]),
            "concern_recall": hit["concern"][0] / max(1, hit["concern"][1]),
            "false_urgent": 1 - hit["none"][0] / max(1, hit["none"][1]), "n": float(len(rows))}


def choose_thresholds(prepared: Prepared, probs: list[Probs], rows: list[Example],
                      base: ClassifierThresholds, max_false: float
                      ) -> tuple[ClassifierThresholds, dict[str, float]]:
    """Crisis thresholds (with lexicon support, alone) with the best recall within `max_false`."""
    best: tuple[float, float, float, float] | None = None
    chosen = base
    for alone in GRID:
        for high in (t for t in GRID if t <= alone):
            th = base.model_copy(update={"high": high, "high_alone": alone})
            f = tally(prepared, probs, rows, th)
            key = (f["crisis_recall"], -f["false_urgent"], high, alone)
            if f["false_urgent"] <= max_false and (best is None or key > best):
                best, chosen = key, th
    return chosen, tally(prepared, probs, rows, chosen)


def run(out: Path, psysuicide: Path | None, own_dir: Path = OWN_DIR, extra: list[Path] | None = None,
        cfg: TrainConfig | None = None, holdout: float = 0.2, max_false: float = 0.08,
        progress: Progress | None = None) -> dict[str, Any]:
    """Train, pick the threshold, write the model card; returns the figures."""
    cfg = cfg or TrainConfig()
    train, held = gather(psysuicide, own_dir, extra or [], holdout, cfg.seed)
    lex = load_engine(None, use_classifier=False)
    texts = [lex.normaliser.normalise(e.text).text for e in train]
    fit = train_model(train, texts, out, cfg, progress)
    clf = Classifier(out, cfg.threads, cfg.max_tokens)
    base = lex.settings.classifier
    figures: dict[str, Any] = {"train": fit, "config": {k: v for k, v in vars(cfg).items() if k != "extra"},
                               "examples": len(train), "held_out": len(held),
                               "date": dt.date.today().isoformat()}
    if held:
        real = [e for e in held if not e.source.endswith("synthetic")]
        probs_all = clf.predict([lex.normaliser.normalise(e.text).text for e in held])
        probs_real = [p for p, e in zip(probs_all, held, strict=True) if not e.source.endswith("synthetic")]
        prepared = prepare(lex, real)
        th, chosen = choose_thresholds(prepared, probs_real, real, base, max_false)
        curve = [(t, f["crisis_recall"], f["false_urgent"]) for t in (i / 20 for i in range(1, 20))
                 for f in [tally(prepared, probs_real, real, th.model_copy(update={"high": t}))]]
        write_curve(out, curve)
        figures["held_out_auc"] = auc([p.crisis for p in probs_all], [e.label == 3 for e in held])
        figures.update(threshold={"high": th.high, "high_alone": th.high_alone}, held_out_real=chosen,
                       held_out_all=tally(prepare(lex, held), probs_all, held, th),
                       held_out_real_lexicon_only=tally_lexicon(lex, real, base))
    report = json.dumps(figures, indent=2, ensure_ascii=False) + "\n"
    (out / "metrics.json").write_text(report, encoding="utf-8")
    write_card(out, figures)
    return figures


def tally_lexicon(engine: TriageEngine, rows: list[Example], th: ClassifierThresholds) -> dict[str, float]:
    """The same figures with no classifier (what the lexicon and rules alone reach)."""
    none = Probs(1.0, 0.0, 0.0, 0.0)
    th = th.model_copy(update={"benign_confidence": 1.0})
    return tally(prepare(engine, rows), [none] * len(rows), rows, th)


def auc(scores: list[float], positive: list[bool]) -> float:
    """Area under the ROC curve of the classifier's crisis probability (rank statistic)."""
    pos = [s for s, y in zip(scores, positive, strict=True) if y]
    neg = [s for s, y in zip(scores, positive, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return round(wins / (len(pos) * len(neg)), 4)
