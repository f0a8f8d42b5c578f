"""The models behind the policy: routing by language, the n-gram model, the English head."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

import triage
from triage.calibration import temper
from triage.classifier import MODEL_DIR
from triage.english import HEAD_FILE, Encoder, EnglishClassifier
from triage.models import NGRAM_FILE
from triage.ngram import NgramModel, features, train_ngram
from triage.settings import load_settings
from triage.training.english import fit_head

CRISIS_EN = ["I want to kill myself tonight", "I've saved up my pills and wrote the letters",
             "I keep cutting my arms again", "everyone would be better off if I was gone"]
CALM_EN = ["what time does the library open", "I made pasta for dinner", "the bus was late again",
           "my cat likes the sunny window"]


def test_english_text_goes_to_the_english_model(engine: triage.TriageEngine) -> None:
    models = engine.classifier
    assert models is not None and models.english is not None
    texts = ["I feel like there's no point anymore", "我觉得没有意义了"]
    got = models.predict(texts, ["en", "zh"])
    assert got[0] == models._en([texts[0]])[0]
    assert got[0] == temper(models.english.predict([texts[0]])[0], models.temperature["en"])
    assert got[1] != models._en([texts[1]])[0]
    assert got[1] == models._zh([texts[1]])[0]


def test_the_english_model_reads_risk_without_a_keyword(engine: triage.TriageEngine) -> None:
    models = engine.classifier
    assert models is not None and models.english is not None
    risk = models.english.predict(["I gave my dog to my sister and wrote everyone letters, I won't need "
                                   "my things after this weekend"])[0]
    calm = models.english.predict(["I gave my old bike to my sister and wrote everyone postcards from "
                                   "the trip this weekend"])[0]
    assert risk.crisis > 0.5 > calm.crisis


def test_english_thresholds_are_their_own(engine: triage.TriageEngine) -> None:
    s = engine.settings
    assert engine._thresholds("en") is s.classifier_en
    assert engine._thresholds("zh") is s.classifier


def test_without_the_english_head_english_falls_back_and_says_so(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model)
    (model / HEAD_FILE).unlink()
    engine = triage.load_engine(model)
    assert engine.classifier is not None and engine.classifier.english is None
    en = engine.assess("I have the pills here and tonight is the night")
    assert en.level == "imminent"
    assert any("English classifier unavailable" in r for r in en.reasons)
    zh = engine.assess("今天天气不错")
    assert not any("English classifier" in r for r in zh.reasons)
    assert engine._thresholds("en") is engine.settings.classifier


def test_ngram_model_round_trips_through_its_file(tmp_path: Path) -> None:
    texts = ["我不想活了", "今天吃什么", "想结束这一切", "周末去公园"] * 8
    labels = [3, 0, 3, 0] * 8
    model = train_ngram(torch, texts, labels, [1.0, 1.0, 1.5, 2.0], epochs=3, orders=(1, 2))
    model.save(tmp_path / NGRAM_FILE)
    again = NgramModel.load(torch, tmp_path / NGRAM_FILE)
    assert again.orders == (1, 2)
    for a, b in zip(model.predict(texts[:4]), again.predict(texts[:4]), strict=True):
        assert a == pytest.approx(b, abs=2e-3)  # fp16 on disk
    assert again.predict(["不想活了"])[0][3] > again.predict(["吃什么"])[0][3]


def test_ngram_features_are_stable_hashes() -> None:
    # crc32, not Python's salted hash(): the same text gives the same ids in every process.
    assert features("ab") == features("ab")
    assert len(features("abc", orders=(1, 2, 3))) == 3 + 2 + 1 + 1  # grams + the word "abc"
    assert features("") == [0]


def test_an_english_head_trained_here_serves(tmp_path: Path) -> None:
    enc = Encoder(threads=1, max_tokens=64, max_windows=2)
    emb, owners = enc.embed(CRISIS_EN + CALM_EN)
    assert owners == list(range(8))
    head = fit_head(torch, emb, [3] * 4 + [0] * 4, epochs=100)
    head.save(tmp_path / HEAD_FILE)
    clf = EnglishClassifier(tmp_path, max_tokens=64, max_windows=2)
    got = clf.predict(["I want to end my life", "what should I cook tonight"])
    assert got[0].crisis > got[1].crisis


def test_a_long_english_post_counts_as_its_worst_window() -> None:
    enc = Encoder(threads=1, max_tokens=32, max_windows=8)
    long_text = " ".join(["We went to the lake and had a picnic with the kids."] * 12)
    emb, owners = enc.embed([long_text])
    assert len(owners) > 1  # read in windows, not cut at 32 tokens


def test_config_uses_the_thresholds_training_chose() -> None:
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    s = load_settings()
    zh, en = metrics["zh"], metrics["en"]
    assert (s.classifier.high, s.classifier.high_alone) == (zh["high"], zh["high_alone"])
    assert s.classifier.ngram_weight == zh["ngram_weight"]
    assert (s.classifier_en.high, s.classifier_en.high_alone) == (en["high"], en["high_alone"])
    # The classifier-alone medium threshold: chosen on the everyday corpus by training (issue 14,
    # choose.py `_medium`, out of fold); a retrain writes its own choice there.
    assert s.classifier.medium_alone == zh.get("medium_alone")
    assert s.classifier_en.medium_alone == en.get("medium_alone")
