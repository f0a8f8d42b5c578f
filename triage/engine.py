"""The triage engine: normalise, match, judge context, classify, decide."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Protocol, cast

from triage.classifier import MODEL_DIR
from triage.errors import ModelUnavailable
from triage.levels import Assessment, Lang, Level, higher, rank
from triage.lexicon import DATA_DIR, Lexicon, load_lexicon, load_slang
from triage.models import Models
from triage.normalise import Normalised, Normaliser
from triage.policy import Probs, decide
from triage.rules import Finding, judge
from triage.settings import ClassifierThresholds, TriageSettings, load_settings

# Turns before a message that are read with it (assess_in_context): enough for "I'm in the car" /
# "on the highway" / "the next bridge", short enough that an old topic does not colour a new one.
CONTEXT_TURNS = 2


class ReadingMemory(Protocol):
    """Lexicon-and-rules levels of texts read before, kept by the caller (one conversation's, in
    bot/conversation/screening.py): assess_in_context asks it before reading a text again. The
    level of such a reading does not depend on the language hint, only on the text."""

    def get(self, text: str) -> Level | None: ...

    def put(self, text: str, level: Level) -> None: ...


class TriageEngine:
    """Text -> Assessment; pure after construction. Without a classifier the lexicon still decides."""

    def __init__(self, normaliser: Normaliser, lexicon: Lexicon, settings: TriageSettings,
                 classifier: Models | None, classifier_note: str | None = None) -> None:
        self.normaliser, self.lexicon, self.settings = normaliser, lexicon, settings
        self.classifier = classifier
        self.classifier_note = classifier_note

    def _clip(self, text: object) -> str:
        s = text if isinstance(text, str) else ("" if text is None else str(text))
        s = s.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot crash matching
        limit = self.settings.max_chars
        return s if len(s) <= limit else s[: limit // 2] + "\n" + s[-(limit // 2):]

    def _lang(self, norm: Normalised, lang: str | None) -> Lang:
        return cast(Lang, lang if lang in ("zh", "en") else norm.lang)

    def _thresholds(self, text_lang: str) -> ClassifierThresholds:
        """English text has its own thresholds when its own classifier is there."""
        english = self.classifier is not None and self.classifier.english is not None
        return self.settings.classifier_en if text_lang == "en" and english else self.settings.classifier

    def assess(self, text: str, lang: str | None = None) -> Assessment:
        """Assess one message."""
        return self.assess_batch([text], [lang])[0]

    def assess_in_context(self, text: str, before: list[str], lang: str | None = None,
                          own: Assessment | None = None, memory: ReadingMemory | None = None) -> Assessment:
        """Assess a message read together with the turns just before it (oldest first).

        A short line means what its conversation means: "在口袋里" after "我把刀带在身上了" is the
        knife; "药在我手里了" after "我家猫要吃药" is the cat's medicine; "前面那个桥就够了" after
        "上了高架" is a plan. The last CONTEXT_TURNS turns and the message are read as one text
        (clauses kept apart) by the lexicon, grammar and rules; that reading replaces the
        message's own lexicon reading (context can combine words across turns, or explain them)
        when it differs from both the message's own reading and that of the turns alone; a message
        that only repeats their level keeps its own assessment.
        The classifier is not run on the joined turns (it learned single messages): what it
        added to the message alone stays. Without turns before it, this is `assess`.
        `own`: the message's assessment alone when the caller already has it (the conversation
        screens every message first), so the classifier is not run twice.
        `memory`: levels of texts read on earlier turns of the same conversation (the turns alone
        were often the previous turn's joined text or message); the result is the same with or
        without it, and the turns alone are read only when the answer depends on them.
        """
        own = own if own is not None else self.assess(text, lang)
        turns = [t for t in before[-CONTEXT_TURNS:] if isinstance(t, str) and t.strip()]
        if not turns:
            return replace(own, own_level=own.level)
        joined_text = "\n".join([*turns, text])
        joined = self.assess_batch([joined_text], [lang], classify=False)[0]
        if memory is not None:
            memory.put(joined_text, joined.level)
        own_words = self._words_level(text, lang, memory)
        if rank(own_words) <= rank(joined.level) and (
                joined.level == "none"
                or rank(joined.level) <= rank(self._words_level("\n".join(turns), lang, memory))):
            # The message adds nothing to what the turns before it already said ("好的谢谢" after
            # "药就在我手里"): it keeps its own reading, and the conversation's level is the
            # tracker's to hold. Read as the joined text, every line for half an hour after a
            # crisis line would count as a new crisis line and draw the emergency numbers again.
            return replace(own, own_level=own.level)
        added: Level = own.level if rank(own.level) > rank(own_words) else "none"
        level = higher(joined.level, added)
        why = f"read with the {len(turns)} turn(s) before it"
        kept = tuple(r for r in own.reasons if r.startswith("classifier")) if added != "none" else ()
        reasons = joined.reasons + kept
        return replace(joined, level=level, reasons=(*reasons, why), thin=own.thin, lang=own.lang,
                       own_level=own.level, score=max(joined.score, own.score if added != "none" else 0.0),
                       classifier_used=own.classifier_used)

    def _words_level(self, text: str, lang: str | None, memory: ReadingMemory | None) -> Level:
        """The lexicon-and-rules level of `text` alone, from `memory` when it was read before."""
        known = memory.get(text) if memory is not None else None
        if known is None:
            known = self.assess_batch([text], [lang], classify=False)[0].level
            if memory is not None:
                memory.put(text, known)
        return known

    def read(self, norm: Normalised) -> tuple[list[Finding], bool]:
        """What the lexicon and rules find in a normalised text, and whether it holds an idiom, a
        question/story cue or a joke (then the classifier alone may not raise it to crisis:
        policy.decide)."""
        hits = self.lexicon.find(norm.text)
        findings = judge(norm, hits)
        figurative = any(h.entry.kind in ("idiom", "information") for h in hits)
        # A resolved past with nothing live of note ("clean 6 years now") too: the classifier reads
        # the old episode. "8 months clean and I relapsed last night" is not resolved.
        resolved = any(h.entry.kind == "resolved" for h in hits) \
            and not any(f.live and rank(f.hit.entry.level) >= 2 for f in findings)
        return findings, figurative or resolved or any(f.joking for f in findings)

    def assess_batch(self, texts: list[str], langs: list[str | None] | None = None,
                     classify: bool = True) -> list[Assessment]:
        """Assess many messages at once (the classifier runs batched; `classify=False`: lexicon,
        grammar and rules only)."""
        clipped = [self._clip(t) for t in texts]
        norms = [self.normaliser.normalise(t) for t in clipped]
        probs: list[Probs | None] = [None] * len(norms)
        note = self.classifier_note if classify else None
        if self.classifier is not None and norms and classify:
            try:
                probs = list(self.classifier.predict([n.text for n in norms], [n.lang for n in norms]))
            except Exception as exc:  # a broken model must never hide a crisis word (safety rule 1)
                note = f"classifier failed ({exc.__class__.__name__}): lexicon and rules only"
        out = []
        for i, norm in enumerate(norms):
            findings, figurative = self.read(norm)
            lang = self._lang(norm, langs[i] if langs and i < len(langs) else None)
            p = probs[i] if norm.text.strip() else None
            part = self.classifier.notes.get(norm.lang) if self.classifier and p is not None else None
            out.append(decide(norm.text, findings, lang, p, self._thresholds(norm.lang), note or part,
                              figurative, clipped[i]))
        return out


def load_engine(model_dir: Path | None = MODEL_DIR, settings_path: Path | None = None,
                data_dir: Path = DATA_DIR, use_classifier: bool = True,
                base: TriageEngine | None = None) -> TriageEngine:
    """Build an engine from data files, config/triage.yaml and (if wanted) the trained model.

    `base`: an engine already built from the same data (the server's lexicon-only engine, loaded
    before its port opens) whose normaliser, lexicon and settings are reused instead of read
    again (about half a second of CPU, issue 13); both engines only read them after loading.
    A model that fails to load leaves a lexicon-only engine whose reasons say so.
    """
    if base is not None and settings_path is None and data_dir == DATA_DIR:
        settings, normaliser, lexicon = base.settings, base.normaliser, base.lexicon
    else:
        settings = load_settings(settings_path)
        normaliser = Normaliser(load_slang(data_dir))
        lexicon = load_lexicon(normaliser, data_dir)
    classifier, note = None, None
    if use_classifier and model_dir is not None:
        try:
            classifier = Models(model_dir, settings.classifier, settings.classifier_en)
        except ModelUnavailable as exc:
            note = f"{exc}: lexicon and rules only"
    elif use_classifier:
        note = "classifier unavailable (no model directory): lexicon and rules only"
    return TriageEngine(normaliser, lexicon, settings, classifier, note)


def lexicon_only_engine(settings_path: Path | None = None) -> TriageEngine:
    """The engine without the classifier (for benchmarks and as the safe fallback)."""
    return load_engine(None, settings_path, use_classifier=False)
