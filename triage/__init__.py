"""Triage: text -> Assessment (level, score, categories, reasons), pure after loading.

    import triage
    a = triage.assess("我不想活了")          # default engine, loaded on first use
    a.level, a.reasons
    conv, memory = triage.track(memory, a, now)  # conversation-level risk, JSON memory
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from triage.engine import TriageEngine, lexicon_only_engine, load_engine
from triage.errors import ExamDataRefused, ModelUnavailable, TriageConfigError, TriageError
from triage.levels import LEVELS, Assessment, Level
from triage.tracker import track as _track

__all__ = ["LEVELS", "Assessment", "ExamDataRefused", "Level", "ModelUnavailable", "TriageConfigError",
           "TriageEngine", "TriageError", "assess", "assess_batch", "default_engine", "lexicon_only_engine",
           "load_engine", "track"]

_lock = threading.Lock()
_engine: TriageEngine | None = None


def default_engine(base: TriageEngine | None = None) -> TriageEngine:
    """The shared engine (lexicon, rules and the trained classifier), built on first use;
    `base`: an engine whose normaliser and lexicon to reuse then (see `load_engine`)."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = load_engine(base=base)
        return _engine


def assess(text: str, lang: str | None = None) -> Assessment:
    """Assess one message with the default engine."""
    return default_engine().assess(text, lang)


def assess_batch(texts: list[str]) -> list[Assessment]:
    """Assess many messages with the default engine, batched."""
    return default_engine().assess_batch(texts)


def track(memory: list[dict[str, Any]], assessment: Assessment, now: datetime
          ) -> tuple[Assessment, list[dict[str, Any]]]:
    """Conversation-level risk with the timings of config/triage.yaml (see triage.tracker)."""
    return _track(memory, assessment, now, default_engine().settings.tracker)
