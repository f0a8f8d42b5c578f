"""`hotline train triage` end to end on a small slice: cross-validation, mix, thresholds, files, card."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import triage
from triage.training.data import PSYSUICIDE_VALID as VALID
from triage.training.data import Example
from triage.training.fit import TrainConfig
from triage.training.pipeline import folds_of, run

OWN_ZH = Path(__file__).resolve().parents[2] / "triage" / "data" / "train" / "own_zh.yaml"


def test_folds_are_stratified_and_cover_every_row() -> None:
    rows = [Example(str(i), i % 4, "x") for i in range(40)]
    fold = folds_of(rows, 5, seed=1)
    assert sorted(set(fold)) == [0, 1, 2, 3, 4]
    for label in range(4):
        got = sorted(f for f, r in zip(fold, rows, strict=True) if r.label == label)
        assert got == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


@pytest.mark.slow  # started first (tests/conftest.py)
def test_a_small_training_run_writes_a_model_the_engine_loads(tmp_path: Path) -> None:
    rows = json.loads(VALID.read_text(encoding="utf-8"))
    random.Random(3).shuffle(rows)
    small = tmp_path / "valid_slice.json"
    small.write_text(json.dumps(rows[:60], ensure_ascii=False), encoding="utf-8")
    own = tmp_path / "own"
    own.mkdir()
    (own / "own_zh.yaml").write_text(OWN_ZH.read_text(encoding="utf-8"), encoding="utf-8")
    (own / "zh_posts_x.jsonl").write_text(
        json.dumps({"text": "把猫托付给朋友了，以后不用管我了", "label": "crisis", "kind": "preparation"},
                   ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "model"
    # The pipeline end to end, not the model's quality: a tiny model and one pass of each (the
    # default size took 140-200 s here, and over CI's 900 s per-test limit on a loaded machine).
    tiny = TrainConfig(epochs=1, hidden=64, layers=1, heads=2, intermediate=128, max_tokens=32,
                       ngram_epochs=1, ngram_dim=16)
    figures = run(out, small, own, cfg=tiny, folds=2, english=False)
    assert figures["psysuicide_rows"] == 60 and figures["posts"] == 1
    zh = figures["zh"]
    assert zh["ngram_weight"] in (0.0, 0.25, 0.5, 0.75, 1.0)
    assert 0.2 <= zh["high"] <= zh["high_alone"] <= 0.95
    assert zh["real"]["false_urgent"] <= 0.06 or zh["high"] == zh["high_alone"] == 0.95
    for name in ("model.safetensors", "ngram.safetensors", "metrics.json", "MODEL_CARD.md",
                 "calibration.json"):
        assert (out / name).exists(), name
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["zh"]["high"] == zh["high"]
    engine = triage.load_engine(out)
    assert engine.classifier is not None
    assert engine.assess("我已经准备好绳子了").level == "imminent"
