"""The trained models behind the policy, routed by the text's language.

Chinese (and anything not English): the small BERT averaged with the character n-gram model.
English: the MiniLM-based classifier. A part that fails to load is left out and said so; if the
English part is missing, English text goes to the Chinese ensemble (which saw some English).
"""

from __future__ import annotations

from pathlib import Path

from triage.calibration import load_temperatures, temper
from triage.classifier import Classifier
from triage.english import EnglishClassifier
from triage.errors import ModelUnavailable
from triage.ngram import NgramModel
from triage.policy import Probs
from triage.settings import ClassifierThresholds

NGRAM_FILE = "ngram.safetensors"


def mix(a: list[Probs], b: list[Probs], w: float) -> list[Probs]:
    """(1 - w) * a + w * b, class by class (training chooses w on the same formula)."""
    return [Probs(*((1 - w) * x + w * y for x, y in zip(vars(p).values(), vars(q).values(), strict=True)))
            for p, q in zip(a, b, strict=True)]


class Models:
    """predict(texts, langs) -> Probs per text; `notes` say which parts are missing."""

    def __init__(self, model_dir: Path, zh: ClassifierThresholds, en: ClassifierThresholds) -> None:
        self.bert = Classifier(model_dir, zh.threads, zh.max_tokens, zh.max_windows, zh.batch_size)
        self.notes: dict[str, str] = {}  # language -> what is missing for it
        self.temperature = load_temperatures(model_dir)  # per language (triage/calibration.py)
        self.ngram: NgramModel | None = None
        self.ngram_weight = zh.ngram_weight
        if self.ngram_weight > 0:
            try:
                self.ngram = NgramModel.load(self.bert.torch, model_dir / NGRAM_FILE)
            except Exception as exc:  # the BERT alone still classifies
                self.notes["zh"] = f"n-gram model unavailable ({exc.__class__.__name__}): BERT alone"
        self.english: EnglishClassifier | None = None
        try:
            self.english = EnglishClassifier(model_dir, en.threads, en.max_tokens, en.max_windows,
                                             en.batch_size)
        except ModelUnavailable as exc:
            self.notes["en"] = f"{exc}: the Chinese models read English"

    def _zh(self, texts: list[str]) -> list[Probs]:
        probs = self.bert.predict(texts)
        if self.ngram is not None and texts:
            probs = mix(probs, [Probs(*q) for q in self.ngram.predict(texts)], self.ngram_weight)
        t = self.temperature.get("zh", 1.0)
        return [temper(p, t) for p in probs]

    def _en(self, texts: list[str]) -> list[Probs]:
        assert self.english is not None
        t = self.temperature.get("en", 1.0)
        return [temper(p, t) for p in self.english.predict(texts)]

    def predict(self, texts: list[str], langs: list[str]) -> list[Probs]:
        """Each text by the models of its language (`langs`: 'zh' or 'en' per text)."""
        out: list[Probs | None] = [None] * len(texts)
        en = [i for i, lang in enumerate(langs) if lang == "en" and self.english is not None]
        taken = set(en)
        zh = [i for i in range(len(texts)) if i not in taken]
        for idx, model in ((en, self._en if self.english else None), (zh, self._zh)):
            if idx and model is not None:
                for i, p in zip(idx, model([texts[i] for i in idx]), strict=True):
                    out[i] = p
        return [p for p in out if p is not None]
