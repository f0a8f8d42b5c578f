"""Thresholds and tracker timings, read once from config/triage.yaml (reasons live in the YAML)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from config.loader import parse_yaml
from triage.errors import TriageConfigError

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "config" / "triage.yaml"


class ClassifierThresholds(BaseModel):
    """Probabilities at which the classifier alone raises a message to a level."""

    model_config = ConfigDict(extra="forbid")
    high: float = Field(default=0.5, gt=0, le=1)
    high_alone: float = Field(default=0.8, gt=0, le=1)
    medium: float = Field(default=0.5, gt=0, le=1)
    # The same when no lexicon word of medium or above supports it (None: `medium`). Everyday lines
    # hold no such word, so this is the threshold ordinary traffic meets (issue 14).
    medium_alone: float | None = Field(default=None, gt=0, le=1)
    low: float = Field(default=0.6, gt=0, le=1)
    benign_confidence: float = Field(default=0.95, gt=0, le=1)
    context_cap: Literal["none", "low", "medium", "high"] = "medium"
    max_tokens: int = Field(default=64, ge=16, le=512)
    max_windows: int = Field(default=4, ge=1, le=32)
    threads: int = Field(default=1, ge=1, le=64)
    batch_size: int = Field(default=64, ge=1, le=1024)
    # Content characters/words (triage/content.py) below which the classifier alone may not raise a
    # message the lexicon found nothing in.
    min_content: int = Field(default=3, ge=0, le=50)
    # Share of the character n-gram model in the Chinese ensemble (0: BERT alone).
    ngram_weight: float = Field(default=0.0, ge=0, le=1)


class TrackerTimings(BaseModel):
    """Minutes a message's level is held, then minutes per one-step drop (conversation memory)."""

    model_config = ConfigDict(extra="forbid")
    hold_minutes: dict[str, float] = Field(
        default_factory=lambda: {"imminent": 45.0, "high": 60.0, "medium": 30.0, "low": 10.0})
    step_minutes: float = Field(default=20, gt=0)
    max_entries: int = Field(default=20, ge=1, le=1000)


class TriageSettings(BaseModel):
    """Everything of clinical or operational weight that triage reads from config."""

    model_config = ConfigDict(extra="forbid")
    classifier: ClassifierThresholds = Field(default_factory=ClassifierThresholds)
    # English text goes to its own classifier (MiniLM + head, triage/english.py), with its own
    # thresholds; without it English falls back to `classifier`.
    classifier_en: ClassifierThresholds = Field(
        default_factory=lambda: ClassifierThresholds(max_tokens=256, batch_size=32))
    tracker: TrackerTimings = Field(default_factory=TrackerTimings)
    max_chars: int = Field(default=100_000, ge=100)


def load_settings(path: Path | None = None) -> TriageSettings:
    """Read and validate the YAML; a missing default file means the safe built-in defaults."""
    p = path or DEFAULT_PATH
    if path is None and not p.exists():
        return TriageSettings()
    try:
        data = parse_yaml(p.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TriageConfigError(f"config error in {p}: cannot read ({exc.__class__.__name__})") from None
    try:
        return TriageSettings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        raise TriageConfigError(f"config error in {p}: {field}: {err['msg']}") from None
