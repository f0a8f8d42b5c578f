"""`hotline train triage`: cross-validation -> mix and thresholds -> final models -> model card."""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from triage.calibration import CALIBRATION_FILE, load_temperatures
from triage.classifier import Classifier
from triage.engine import TriageEngine, load_engine
from triage.models import NGRAM_FILE
from triage.ngram import train_ngram
from triage.policy import Probs
from triage.training.benign import benign_lines
from triage.training.card import write_card
from triage.training.choose import choose_mix
from triage.training.data import (
    OWN_DIR,
    Example,
    augment,
    load_everyday,
    load_jsonl,
    load_own,
    load_posts,
    load_psysuicide,
    refuse_exams,
)
from triage.training.english import train_english
from triage.training.fit import Progress, TrainConfig, train_model

EVERYDAY = "everyday:"


def folds_of(rows: list[Example], k: int, seed: int) -> list[int]:
    """A fold number per row, stratified by label; everyday rows by kind (a whole kind is held out
    together, so "谢谢" is scored by a model that saw no thank-you line at all)."""
    rng = random.Random(seed)
    fold = [0] * len(rows)
    kinds = sorted({e.source for e in rows if e.source.startswith(EVERYDAY)})
    for label in range(4):
        idx = [i for i, e in enumerate(rows) if e.label == label and e.source not in kinds]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            fold[i] = j % k
    for i, e in enumerate(rows):
        if e.source in kinds:
            fold[i] = kinds.index(e.source) % k
    return fold


def with_own(rows: list[Example], own: list[Example], lex: TriageEngine, rng: random.Random
             ) -> list[Example]:
    """PsySUICIDE rows + the project's lines (twice, and augmented) + everyday lines, shuffled."""
    # The project's own lines are few: repeat them so they weigh about as much as a third of the set.
    train = rows + own * 2 + augment(own, rng)
    train += [Example(t, 0, "benign") for t in benign_lines(lex, 700, 200, rng)]
    rng.shuffle(train)
    return train


def own_examples(own_dir: Path, extra: list[Path]) -> list[Example]:
    """The project's short lines (repeated and augmented in training)."""
    own = load_own(own_dir)
    for p in extra:
        own += load_jsonl(p)
    return own


def cross_validate(psy: list[Example], own: list[Example], lex: TriageEngine, cfg: TrainConfig,
                   folds: int, progress: Progress | None, timings: dict[str, float] | None = None
                   ) -> tuple[list[Probs], list[Probs]]:
    """Out-of-fold probabilities of the BERT and the n-gram model for every row.

    Rows are the PsySUICIDE rows and the project's written posts; every row is scored by models
    that never saw it, so the thresholds and the mix below are chosen on all ~1,100 real rows
    instead of a fifth of them, and the posts give an honest figure for indirect phrasing.
    """
    import torch

    norm = _normaliser(lex)
    fold = folds_of(psy, folds, cfg.seed)
    bert: list[Probs] = [Probs(1, 0, 0, 0)] * len(psy)
    ngram: list[Probs] = list(bert)
    for k in range(folds):
        t0 = time.perf_counter()
        rng = random.Random(cfg.seed + k)
        train = with_own([e for e, f in zip(psy, fold, strict=True) if f != k], own, lex, rng)
        texts = [norm(e.text) for e in train]
        held = [i for i in range(len(psy)) if fold[i] == k]
        held_texts = [norm(psy[i].text) for i in held]

        def step(msg: str, done: int, total: int, k: int = k) -> None:
            if progress:
                progress(f"fold {k + 1}/{folds} {msg}", done, total)

        with tempfile.TemporaryDirectory() as tmp:
            train_model(train, texts, Path(tmp), replace(cfg, seed=cfg.seed + k), step)
            got = Classifier(Path(tmp), cfg.threads, cfg.max_tokens).predict(held_texts)
        model = train_ngram(torch, texts, [e.label for e in train], list(cfg.class_weights),
                            cfg.seed + k, cfg.ngram_epochs, dim=cfg.ngram_dim, orders=cfg.ngram_orders)
        for i, p, q in zip(held, got, model.predict(held_texts), strict=True):
            bert[i], ngram[i] = p, Probs(*q)
        if timings is not None:
            timings[f"fold {k + 1}"] = round(time.perf_counter() - t0, 1)
        if progress:
            progress(f"fold {k + 1}/{folds} done", 1, 1)
    return bert, ngram


def _normaliser(lex: TriageEngine) -> Callable[[str], str]:
    return lambda t: lex.normaliser.normalise(t).text


def run(out: Path, psysuicide: Path | None, own_dir: Path = OWN_DIR, extra: list[Path] | None = None,
        cfg: TrainConfig | None = None, folds: int = 5, max_false: float = 0.06, english: bool = True,
        progress: Progress | None = None) -> dict[str, Any]:
    """Cross-validate, choose mix and thresholds, train the final models on everything, write the card."""
    import torch

    cfg = cfg or TrainConfig()
    extra = extra or []
    for p in [*([psysuicide] if psysuicide else []), *extra]:
        refuse_exams(p)
    lex = load_engine(None, use_classifier=False)
    norm = _normaliser(lex)
    # Rows used once each and cross-validated: PsySUICIDE and the project's written posts.
    psy = load_psysuicide(psysuicide) if psysuicide and psysuicide.exists() else []
    real_rows = len(psy)
    psy += load_posts(own_dir, "zh")
    posts = len(psy) - real_rows
    psy += load_everyday(lang="zh") if own_dir == OWN_DIR else []
    own = own_examples(own_dir, extra)
    figures: dict[str, Any] = {"config": {k: v for k, v in vars(cfg).items() if k != "extra"},
                               "psysuicide_rows": real_rows, "posts": posts,
                               "everyday_zh": len(psy) - real_rows - posts,
                               "own_examples": len(own), "folds": folds,
                               "date": dt.date.today().isoformat()}
    # Wall seconds per stage (the machine is shared: read them with its load).
    timings: dict[str, float] = {}
    figures["seconds"] = timings
    if real_rows and folds > 1:
        bert, ngram = cross_validate(psy, own, lex, cfg, folds, progress, timings)
        # Kept beside the model so the threshold choice can be re-examined without retraining.
        (out / "oof.json").parent.mkdir(parents=True, exist_ok=True)
        (out / "oof.json").write_text(json.dumps(
            [{"source": e.source, "label": e.label, "bert": list(vars(b).values()),
              "ngram": list(vars(n).values())} for e, b, n in zip(psy, bert, ngram, strict=True)]),
            encoding="utf-8")
        t0 = time.perf_counter()
        figures["zh"] = choose_mix(lex, psy, bert, ngram, max_false)
        timings["choose zh"] = round(time.perf_counter() - t0, 1)
        if progress:
            progress("zh thresholds chosen", 1, 1)
        (out / CALIBRATION_FILE).write_text(json.dumps(
            {"zh": figures["zh"]["temperature"]}), encoding="utf-8")
    train = with_own(psy, own, lex, random.Random(cfg.seed))
    texts = [norm(e.text) for e in train]
    figures["examples"] = len(train)
    t0 = time.perf_counter()
    figures["train"] = train_model(train, texts, out, cfg, progress)
    train_ngram(torch, texts, [e.label for e in train], list(cfg.class_weights), cfg.seed,
                cfg.ngram_epochs, dim=cfg.ngram_dim, orders=cfg.ngram_orders).save(out / NGRAM_FILE)
    timings["final zh models"] = round(time.perf_counter() - t0, 1)
    if english:
        t0 = time.perf_counter()
        figures["en"] = train_english(out, lex, cfg.seed, folds, progress,
                                      everyday=own_dir == OWN_DIR)
        timings["english"] = round(time.perf_counter() - t0, 1)
        temps = load_temperatures(out)
        temps["en"] = figures["en"]["temperature"]
        (out / CALIBRATION_FILE).write_text(json.dumps(temps), encoding="utf-8")
    report = json.dumps(figures, indent=2, ensure_ascii=False) + "\n"
    (out / "metrics.json").write_text(report, encoding="utf-8")
    write_card(out, figures)
    return figures


