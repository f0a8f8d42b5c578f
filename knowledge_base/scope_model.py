"""Is a message a question for us at all? A small linear model over hashed words and characters.

Three classes: `in_scope` (a worry, a feeling, a question about our services), `out_of_scope` (an
errand or fact from everyday life: a mattress, a tax form, the last subway) and `social` (hello,
thanks, bye, ok, 嗯嗯: a turn of conversation, not a question). Retrieval alone cannot tell these
apart: measured on the everyday-traffic corpus (triage/data/everyday, test split, before this
model) an entry was served for 31 % of acknowledgements (嗯 -> parenting_teen at 0.80), 14 % of
thanks and goodbyes (再见 -> helping_others) and 11 % of greetings, because one shared word is
enough for BM25 and a short text has no other words to disagree.

Features are hashed (crc32) so the table has a fixed size and needs no vocabulary file: Chinese
character 1-3-grams, English words, word pairs and in-word character 3-grams (typos, "thx"). No
length feature: with one, anything short and unknown ("asdf", "zzz") came out social at 0.9+. The
engine calls a turn social only when it is short (engine.SOCIAL_MAX_SIZE), the model says social and
most of its words were seen in training (`known`): a short text of unknown words still leans on the
social class's bias (social rows are short), so "？？" alone is not taken as a greeting. Weights are
fitted by knowledge_base/scope_fit.py and stored sparsely in knowledge_base/vectors/scope.npz. Pure
numpy; one prediction is a few dozen table lookups (about 30 microseconds).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.text import HAN_RUN, LATIN_WORD

SCOPE_FILE = Path(__file__).resolve().parent / "vectors" / "scope.npz"
CLASSES = ("in_scope", "out_of_scope", "social")
DIM = 1 << 18  # hash buckets; ~25,000 are used, so collisions are rare


def size(text: str) -> int:
    """Han characters plus two per English word (a character carries about half a word)."""
    low = text.lower()
    return sum(map(len, HAN_RUN.findall(low))) + 2 * len(LATIN_WORD.findall(low))


def features(text: str) -> list[str]:
    """The hashed model's input strings for one (normalised) message."""
    low = text.lower()
    out: list[str] = []
    for run in HAN_RUN.findall(low):
        for n in (1, 2, 3):
            out.extend("c" + run[i:i + n] for i in range(len(run) - n + 1))
    words = LATIN_WORD.findall(low)
    for w in words:
        out.append("w" + w)
        padded = f"<{w}>"
        out.extend("g" + padded[i:i + 3] for i in range(len(padded) - 2))
    out.extend(f"b{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    return out


def _ids(feats: list[str]) -> np.ndarray:
    return np.fromiter((zlib.crc32(f.encode()) & (DIM - 1) for f in feats), dtype=np.int64, count=len(feats))


def hashed(text: str) -> np.ndarray:
    """Feature strings -> bucket ids (int64; duplicates kept: a repeated word counts twice)."""
    return _ids(features(text))


@dataclass(frozen=True)
class ScopeScores:
    """Probabilities of the three classes for one message (they sum to 1)."""

    in_scope: float
    out_of_scope: float
    social: float
    known: float = 1.0  # share of the text's words and characters seen in training (0 when none)

    @property
    def in_share(self) -> float:
        """P(in scope | not social): a short unknown text is mostly social by the bias, not out."""
        both = self.in_scope + self.out_of_scope
        return self.in_scope / both if both > 0 else 1.0


class ScopeModel:
    """Softmax regression over hashed features; `weights` is DIM x 3, `bias` 3."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray):
        if weights.shape != (DIM, len(CLASSES)) or bias.shape != (len(CLASSES),):
            raise KnowledgeBaseError(f"scope model: expected ({DIM}, 3) weights, got {weights.shape}")
        self.weights = weights
        self.bias = bias
        self._seen = np.any(weights != 0, axis=1)  # buckets some training row used

    def logits(self, ids: np.ndarray) -> np.ndarray:
        return np.asarray(self.weights[ids].sum(axis=0) + self.bias, dtype=np.float64)

    def logits_many(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.logits(hashed(t)) for t in texts])

    def predict(self, text: str) -> ScopeScores:
        feats = features(text)
        ids = _ids(feats)
        z = self.logits(ids)
        p = np.exp(z - z.max())
        p /= p.sum()
        # Words and characters only (in-word trigrams match nearly anything): "asdf qwer" has none
        # seen in training, so its probabilities are mostly the classes' bias, not evidence.
        whole = ids[np.fromiter((f[0] != "g" for f in feats), dtype=bool, count=len(feats))]
        known = float(self._seen[whole].mean()) if whole.size else 0.0
        return ScopeScores(float(p[0]), float(p[1]), float(p[2]), known)

    def save(self, path: Path) -> None:
        """Only the used rows: the file stays small (the rest of the table is zero)."""
        rows = np.flatnonzero(np.any(self.weights != 0, axis=1))
        np.savez_compressed(path, rows=rows.astype(np.int32), values=self.weights[rows].astype(np.float32),
                            bias=self.bias.astype(np.float32), dim=np.int64(DIM))


def load_scope(path: Path | None = None) -> ScopeModel | None:
    """The fitted model, or None when its file is missing (retrieval then decides alone)."""
    p = path or SCOPE_FILE
    if not p.exists():
        return None
    try:
        with np.load(p) as data:
            if int(data["dim"]) != DIM:
                raise KnowledgeBaseError(f"{p}: built for {int(data['dim'])} buckets, expected {DIM}")
            weights = np.zeros((DIM, len(CLASSES)), dtype=np.float32)
            weights[data["rows"]] = data["values"]
            return ScopeModel(weights, data["bias"].astype(np.float32))
    except (OSError, KeyError, ValueError) as exc:
        raise KnowledgeBaseError(f"{p}: unreadable scope model ({exc.__class__.__name__})") from None
