"""Safety rule 1: without a classifier the lexicon and rules still catch an imminent message."""

from __future__ import annotations

from pathlib import Path

import triage


def test_missing_model_degrades_to_lexicon_and_says_so(tmp_path: Path) -> None:
    engine = triage.load_engine(tmp_path / "no-model")
    a = engine.assess("I have the pills here")
    assert a.level == "imminent"
    assert any("classifier unavailable" in r for r in a.reasons)


def test_broken_model_file_degrades_too(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not a model")
    engine = triage.load_engine(tmp_path)
    assert engine.classifier is None
    assert engine.assess("我已经准备好绳子了").level == "imminent"


def test_batch_and_single_agree(engine: triage.TriageEngine) -> None:
    texts = ["你好", "我想死", "I want to kill myself tonight", "今天热死了"]
    assert [a.level for a in engine.assess_batch(texts)] == [engine.assess(t).level for t in texts]


def test_public_api_default_engine() -> None:
    a = triage.assess("我不想活了")
    assert a.level in ("high", "imminent")
    assert triage.LEVELS == ("none", "low", "medium", "high", "imminent")
    assert issubclass(triage.ModelUnavailable, triage.TriageError)
