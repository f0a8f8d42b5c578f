"""Triage for the conversation service: the trained engine, degrading safely, never raising."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import triage
from triage import Assessment, TriageEngine
from triage.tracker import track

log = logging.getLogger(__name__)


class TriageAdapter:
    """Loads the full engine once at start; if it cannot, the lexicon and rules still run.

    A failure inside one assessment must never let a message through unscreened (safety rule 1),
    so it falls back to the lexicon-only engine for that message.
    """

    def __init__(self, engine: TriageEngine | None = None) -> None:
        self.lexicon_only = triage.lexicon_only_engine()
        try:
            self.engine = engine or triage.default_engine()
        except Exception as exc:  # a broken model file must not stop the bot
            log.error("triage classifier unavailable (%s); lexicon and rules only", exc.__class__.__name__)
            self.engine = self.lexicon_only

    def assess(self, text: str, lang: str | None = None) -> Assessment:
        try:
            return self.engine.assess(text, lang)
        except Exception as exc:
            log.error("triage failed (%s); lexicon-only for this message", exc.__class__.__name__)
            return self.lexicon_only.assess(text, lang)

    def quick(self, text: str, lang: str | None = None) -> Assessment:
        """Lexicon and rules only (about a millisecond even for a long post)."""
        return self.lexicon_only.assess(text, lang)

    def track(self, memory: list[dict[str, Any]], risk: Assessment, now: datetime
              ) -> tuple[Assessment, list[dict[str, Any]]]:
        # The engine's own tracker timings (config/triage.yaml), without touching the default engine.
        return track(memory, risk, now, self.engine.settings.tracker)
