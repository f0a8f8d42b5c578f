"""The entries' tokens, kept between starts under var/kb/ so a start need not wait for jieba.

Cutting ~3,000 Chinese titles, paraphrases and answers with jieba is most of an index build, and it
needs jieba's 350,000-word dictionary loaded first (together 2-4 s on this shared machine). The
tokens only change when the texts, the tokenizer code (text.py: stop words, stemmer) or jieba
change, so they are stored under a key made of all three; a stale or unreadable file is ignored
and rewritten, and a folder that cannot be written only costs the cut being done again next time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import jieba

from knowledge_base import text as text_module
from knowledge_base.text import tokenize

CACHE_DIR = Path(__file__).resolve().parents[1] / "var" / "kb"  # var/ is the run-time folder (git-ignored)
KEEP = 4  # files per language: the served entries, the test fixtures, a previous version or two
log = logging.getLogger(__name__)


def _key(texts: Sequence[str], lang: str) -> str:
    h = hashlib.sha256()
    h.update(f"{lang}\0{jieba.__version__}\0".encode())
    h.update(Path(text_module.__file__).read_bytes())
    for t in texts:
        h.update(t.encode("utf-8") + b"\0")
    return h.hexdigest()[:24]


def _read(p: Path, n: int) -> list[list[str]] | None:
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(data, list) and len(data) == n
            and all(isinstance(d, list) and all(isinstance(t, str) for t in d) for d in data)):
        return None
    return data


def _write(p: Path, tokens: list[list[str]]) -> None:
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=p.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(tokens, f, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, p)  # whole or not at all: a reader never sees half a file
        # Old keys (entries edited since) are dead weight: keep the newest few per language.
        old = sorted(p.parent.glob(f"tokens-{p.name.split('-')[1]}-*.json"), key=lambda x: x.stat().st_mtime)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("knowledge-base token cache not written (%s): the next start cuts again", exc)


def tokenize_all(texts: Sequence[str], lang: str, cache_dir: Path | None = CACHE_DIR) -> list[list[str]]:
    """tokenize(t, lang) for every text, from the cache when it holds exactly these texts."""
    if cache_dir is None:
        return [tokenize(t, lang) for t in texts]
    p = cache_dir / f"tokens-{lang}-{_key(texts, lang)}.json"
    cached = _read(p, len(texts))
    if cached is not None:
        return cached
    out = [tokenize(t, lang) for t in texts]
    _write(p, out)
    return out
