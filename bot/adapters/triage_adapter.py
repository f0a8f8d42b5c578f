"""Triage for the conversation service: the trained engine, degrading safely, never raising."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import triage
from bot.adapters import background
from bot.adapters.background import State
from triage import Assessment, TriageEngine
from triage.engine import ReadingMemory
from triage.tracker import track

log = logging.getLogger(__name__)

LOADING_NOTE = "classifier loading: lexicon and rules only"
# Loaded before the engine counts as ready, so the first resident does not pay the first call's
# warm-up and the tokenizer is never used by the loader and the triage worker at once.
WARM_UP = ("你好，最近有点累", "hello, I had a long day")


def _noted(base: TriageEngine, note: str) -> TriageEngine:
    """The lexicon-and-rules engine whose every assessment says why the classifier took no part.

    It shares the normaliser and lexicon with `base` (no second 1.2 s load): `quick()` on the loop
    and the worker may read them at once, which is safe, as both are only read after loading (the
    OpenCC converter's Convert is const; each Aho-Corasick `iter()` has its own cursor).
    """
    return TriageEngine(base.normaliser, base.lexicon, base.settings, None, note)


class TriageAdapter:
    """The full engine (lexicon, rules, classifiers); until it is loaded, or if it cannot be, the
    lexicon and rules decide and each assessment says so.

    `TriageAdapter()` loads everything before returning, except under `hotline serve`
    (`background.enable()`), where the classifiers load in the loader thread and are swapped in
    when ready. `loader` runs in the background when `load()` is called (tests hold it back).
    A failure inside one assessment must never let a message through unscreened (safety rule 1),
    so it falls back to the lexicon-only engine for that message.
    """

    def __init__(self, engine: TriageEngine | None = None,
                 loader: Callable[[], TriageEngine] | None = None) -> None:
        self.lexicon_only = triage.lexicon_only_engine()
        # Counts engine swaps, so a remembered assessment (bot/conversation/screening.py) from the
        # loading engine is not reused once the classifier answers.
        self.generation = 0
        self.engine: TriageEngine = _noted(self.lexicon_only, LOADING_NOTE)
        self.classifier: dict[str, State] = {"zh": "loading", "en": "loading"}
        # The full engine reuses the lexicon loaded above instead of reading it again (issue 13).
        self._loader = loader or (lambda: triage.default_engine(self.lexicon_only))
        if engine is not None:
            self._swap_in(engine)
        elif loader is None and background.enabled():
            background.queue(2, self.load)
        elif loader is None:
            self.load()

    def load(self) -> None:
        """Build the full engine (seconds: torch, transformers, three models) and swap it in."""
        try:
            engine = self._loader()
            for line in WARM_UP:
                engine.assess(line)
        except Exception as exc:  # a broken model file must not stop the bot
            log.error("triage classifier unavailable (%s); lexicon and rules only", exc.__class__.__name__)
            self.engine = _noted(self.lexicon_only,
                                 f"classifier failed ({exc.__class__.__name__}): lexicon and rules only")
            self.generation += 1
            self.classifier = {"zh": "failed", "en": "failed"}
            return
        self._swap_in(engine)

    def _swap_in(self, engine: TriageEngine) -> None:
        models = engine.classifier
        if models is None:  # load_engine could not read the models; its note says why
            self.classifier = {"zh": "failed", "en": "failed"}
        else:  # without its own model English is read by the Chinese models (triage/models.py)
            self.classifier = {"zh": "ready", "en": "ready" if models.english is not None else "failed"}
        self.engine = engine  # one reference assignment: the worker sees the old or the new engine
        self.generation += 1
        log.info("triage classifier zh %s, en %s", self.classifier["zh"], self.classifier["en"])

    def readiness(self) -> dict[str, State]:
        """For /healthz: the lexicon and rules are loaded by the time this object exists."""
        return {"lexicon_rules": "ready", "classifier_zh": self.classifier["zh"],
                "classifier_en": self.classifier["en"]}

    def assess(self, text: str, lang: str | None = None) -> Assessment:
        try:
            return self.engine.assess(text, lang)
        except Exception as exc:
            log.error("triage failed (%s); lexicon-only for this message", exc.__class__.__name__)
            return self.lexicon_only.assess(text, lang)

    def in_context(self, text: str, before: list[str], own: Assessment,
                   memory: ReadingMemory | None = None) -> Assessment:
        """`own` read with the resident's turns just before it (TriageEngine.assess_in_context:
        lexicon, grammar and rules over the joined turns; the classifier is not run again;
        `memory`: the conversation's earlier readings). A failure keeps `own`: context can add
        to a reading, never block one."""
        try:
            return self.engine.assess_in_context(text, before, own.lang, own=own, memory=memory)
        except Exception as exc:
            log.error("triage in context failed (%s); the message alone decides", exc.__class__.__name__)
            return own

    def quick(self, text: str, lang: str | None = None) -> Assessment:
        """Lexicon and rules only (about a millisecond even for a long post)."""
        return self.lexicon_only.assess(text, lang)

    def track(self, memory: list[dict[str, Any]], risk: Assessment, now: datetime
              ) -> tuple[Assessment, list[dict[str, Any]]]:
        # The engine's own tracker timings (config/triage.yaml), without touching the default engine.
        return track(memory, risk, now, self.engine.settings.tracker)
