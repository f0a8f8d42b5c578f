"""Calibrate and re-choose thresholds without retraining the networks.

`hotline train triage` now trains with the everyday corpus as negatives, fits the temperatures
and chooses thresholds (pipeline.py); on a shared 2-core machine that takes long. This module
does the part that needs no training, from what is already there: the stored out-of-fold
predictions (oof.json, oof_en.json: every row scored by models that never saw it) plus the
everyday corpus scored by the shipped models, which were trained before the corpus existed and
so never saw it either. It fits a temperature per language, chooses the thresholds on the
calibrated probabilities under the everyday limits (choose.py), writes calibration.json and
returns the figures for metrics.json and the card.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from triage.calibration import CALIBRATION_FILE, fit_temperature, reliability, temper
from triage.engine import TriageEngine
from triage.models import Models
from triage.policy import Probs
from triage.training.choose import choose_english, choose_mix
from triage.training.data import PSYSUICIDE_VALID, Example, load_everyday, load_posts, load_psysuicide


def _zh_rows(model_dir: Path, models: Models) -> tuple[list[Example], list[Probs], list[Probs]]:
    oof = json.loads((model_dir / "oof.json").read_text(encoding="utf-8"))
    rows = load_psysuicide(PSYSUICIDE_VALID) + load_posts(lang="zh")
    if len(rows) != len(oof) or any(o["label"] != r.label for o, r in zip(oof, rows, strict=True)):
        raise ValueError("oof.json does not match the training rows: retrain instead")
    bert = [Probs(*o["bert"]) for o in oof]
    ngram = [Probs(*o["ngram"]) for o in oof]
    every = load_everyday(lang="zh")
    texts = [e.text for e in every]
    bert += models.bert.predict(texts)
    ngram += [Probs(*q) for q in models.ngram.predict(texts)] if models.ngram else models.bert.predict(texts)
    return rows + every, bert, ngram


def _en_rows(model_dir: Path, lex: TriageEngine, models: Models) -> tuple[list[Example], list[Probs]]:
    from triage.training.english import english_examples

    oof = json.loads((model_dir / "oof_en.json").read_text(encoding="utf-8"))
    rows = english_examples(lex, 13, everyday=False)
    if len(rows) != len(oof) or any(o["label"] != r.label for o, r in zip(oof, rows, strict=True)):
        raise ValueError("oof_en.json does not match the English rows: retrain instead")
    probs = [Probs(*o["probs"]) for o in oof]
    every = load_everyday(lang="en")
    assert models.english is not None
    probs += models.english.predict([lex.normaliser.normalise(e.text).text for e in every])
    return rows + every, probs


def recalibrate(model_dir: Path, lex: TriageEngine, max_false: float = 0.06) -> dict[str, Any]:
    """Temperatures, thresholds and figures per language; writes calibration.json."""
    settings = lex.settings
    models = Models(model_dir, settings.classifier, settings.classifier_en)
    models.temperature = {}  # raw probabilities: the temperatures are fitted here
    rows, bert, ngram = _zh_rows(model_dir, models)
    zh = choose_mix(lex, rows, bert, ngram, max_false)
    en_rows, raw = _en_rows(model_dir, lex, models)
    t_en = fit_temperature(raw, [e.label for e in en_rows])
    probs = [temper(p, t_en) for p in raw]
    th, chosen = choose_english(lex, en_rows, probs, 0.05)
    crisis = [e.label == 3 for e in en_rows]
    en = {"temperature": t_en, "high": th.high, "high_alone": th.high_alone, "medium": th.medium,
          "reliability_raw": reliability([p.crisis for p in raw], crisis),
          "reliability": reliability([p.crisis for p in probs], crisis), **chosen}
    (model_dir / CALIBRATION_FILE).write_text(json.dumps({"zh": zh["temperature"], "en": t_en}) + "\n",
                                              encoding="utf-8")
    return {"zh": zh, "en": en}
