"""Training data: PsySUICIDE valid.json, the project's own examples, augmentation; exams refused.

PsySUICIDE test.json and the Reddit C-SSRS set are evaluation-only (issue 4): they are refused by
path and by content hash, so a renamed copy is refused too.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opencc
import yaml

from triage.errors import ExamDataRefused, TriageError

CLASSES = ("none", "low", "medium", "crisis")
OWN_DIR = Path(__file__).resolve().parent.parent / "data" / "train"
# Everyday traffic (greetings, thanks, service questions, hyperbole, long ordinary posts), one file
# per kind; negatives in training and a regression set (issue 14).
EVERYDAY_DIR = Path(__file__).resolve().parent.parent / "data" / "everyday"
# Third-party data the project trains on, committed with its licence (data/*/SOURCE.md). Training runs
# from a clone; nothing is read from beside the repository.
REPO_DATA = Path(__file__).resolve().parents[2] / "data"
PSYSUICIDE_VALID = REPO_DATA / "psysuicide" / "valid.json"
COUNSEL_CHAT_CSV = REPO_DATA / "counsel-chat" / "20200325_counsel_chat.csv"
EXAM_SHA256 = {
    "0c80014b71b80cc591c84ab46ccaaedcf43e792f6356670e0c3a07d8ec0104e1": "PsySUICIDE test.json",
    "6338b8694157948beeea209d16926d59750654d7a925da5b62a681501e5bc6fb": "Reddit C-SSRS",
}
# Slang and spacing the augmentation writes, so the classifier sees how people really type.
_ZH_SLANG = (("自杀", "紫砂"), ("自杀", "自鲨"), ("死", "4"), ("自杀", "zs"))
_EMOJI = ("💊", "🔪", "😭", "🪦")


@dataclass(frozen=True)
class Example:
    text: str
    label: int  # index in CLASSES
    source: str


def refuse_exams(path: Path) -> None:
    """Raise ExamDataRefused for the evaluation sets, whatever their file is called."""
    parts = {p.lower() for p in path.resolve().parts}
    if "reddit-cssrs" in parts or ("psysuicide" in parts and path.name == "test.json"):
        raise ExamDataRefused(f"{path} is an evaluation set (exam): train on psysuicide/valid.json "
                              "and the project's own examples instead")
    if path.is_file():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in EXAM_SHA256:
            raise ExamDataRefused(f"{path} has the content of {EXAM_SHA256[digest]} (an exam): refused")


def psysuicide_label(label: list[float]) -> int:
    """0-7 (attempt ... aggression) -> crisis, 8 (aggression by others) -> medium, else none."""
    hot = [i for i, v in enumerate(label) if v]
    if any(i <= 7 for i in hot):
        return 3
    return 2 if 8 in hot else 0


def load_psysuicide(path: Path) -> list[Example]:
    refuse_exams(path)
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TriageError(f"cannot read {path} ({exc.__class__.__name__})") from None
    return [Example(str(r["text"]), psysuicide_label(r["label"]), f"psysuicide:{r['data_source']}")
            for r in rows]


def load_own(directory: Path = OWN_DIR, pattern: str = "own_*.yaml") -> list[Example]:
    """The project's short written examples (own_*.yaml: class name -> list of texts)."""
    out: list[Example] = []
    for path in sorted(directory.glob(pattern)):
        refuse_exams(path)
        for key, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            label = CLASSES.index(str(key).split("_")[0])
            out.extend(Example(str(t), label, f"own:{path.stem}") for t in texts)
    return out


def _jsonl(path: Path) -> list[dict[str, Any]]:
    refuse_exams(path)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_jsonl(path: Path) -> list[Example]:
    """Extra examples: {"text": ..., "label": none|low|medium|crisis} per line."""
    return [Example(str(r["text"]), CLASSES.index(r["label"]), f"extra:{path.name}") for r in _jsonl(path)]


def load_posts(directory: Path = OWN_DIR, lang: str = "en") -> list[Example]:
    """Written posts: {"text", "label", "kind"} per line in <lang>_posts_*.jsonl."""
    return [Example(str(r["text"]), CLASSES.index(r["label"]), f"written:{r.get('kind', '')}")
            for path in sorted(directory.glob(f"{lang}_posts_*.jsonl")) for r in _jsonl(path)]


def load_everyday(directory: Path = EVERYDAY_DIR, lang: str | None = None) -> list[Example]:
    """The everyday corpus as none/low rows, source "everyday:<kind>" (folds go by kind)."""
    out = []
    for path in sorted(directory.glob("*.jsonl")):
        for r in _jsonl(path):
            if lang is None or r.get("lang") == lang:
                out.append(Example(str(r["text"]), CLASSES.index(r["level"]),
                                   f"everyday:{r.get('kind', path.stem)}"))
    return out


def augment(examples: list[Example], rng: random.Random) -> list[Example]:
    """Traditional script, slang, spacing and emoji variants of the project's own examples."""
    s2t = opencc.OpenCC("s2t")
    out: list[Example] = []
    for ex in examples:
        variants = [s2t.convert(ex.text), " ".join(ex.text) if len(ex.text) < 30 else ex.text + "。"]
        old, new = rng.choice(_ZH_SLANG)
        if old in ex.text:
            variants.append(ex.text.replace(old, new))
        if ex.label == 3:
            variants.append(ex.text + rng.choice(_EMOJI))
        out.extend(Example(v, ex.label, ex.source + "+aug") for v in variants if v != ex.text)
    return out
