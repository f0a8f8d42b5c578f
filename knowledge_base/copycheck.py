"""Prove that English entry text was not copied from counsel-chat: no long shared word n-gram.

A run of n identical words (n = 8 by default, kb.yaml `check.copy_ngram`) between an entry and any
counsel-chat question or answer is almost never chance; short stock phrases are shorter than that.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

WORD = re.compile(r"[a-z0-9]+")
REFERENCE_COLUMNS = ("questionTitle", "questionText", "answerText")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("’", "'").replace("'", ""))


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def reference_ngrams(path: Path, n: int) -> set[tuple[str, ...]]:
    """Every word n-gram in the reference CSV's question and answer columns."""
    csv.field_size_limit(10**8)
    grams: set[tuple[str, ...]] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for col in REFERENCE_COLUMNS:
                grams |= _ngrams(_words(row.get(col) or ""), n)
    return grams


def copied_passages(texts: dict[tuple[str, str], str], reference: Path, n: int) -> dict[tuple[str, str], str]:
    """For each (file, field) whose text shares an n-gram with the reference, the first shared passage."""
    ref = reference_ngrams(reference, n)
    found: dict[tuple[str, str], str] = {}
    for key, text in texts.items():
        words = _words(text)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) in ref:
                found[key] = " ".join(words[i : i + n])
                break
    return found
