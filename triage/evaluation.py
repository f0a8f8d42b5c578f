"""Labelled sets and the figures `hotline eval triage` prints (score.py's measures, done here).

A row expects one of: crisis (right at high or above), concern (right at medium or above) or
none (benign: wrong at high or above, "false urgent"; medium or above is counted too, because
each such line offers a counselor). Sets are read from the formats the project meets:

- JSON lines with "expect" (crisis|concern|none): score.py's sets (triage_dev.jsonl);
- JSON lines with "min_ok"/"max_ok" levels: the probe sets in tests/triage/data;
- JSON lines with "level" (none|low|medium|high|imminent): the everyday corpus and other
  tables (high or above expects crisis, medium concern, none and low none);
- a .json list with PsySUICIDE's "label" vectors (message level; `real_only` drops the rows
  written by an LLM), read only when a person passes its path;
- a .csv with Reddit C-SSRS users (user level: the worst of a user's posts).
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage.errors import TriageError
from triage.levels import rank

Expect = str  # crisis | concern | none
LevelsOf = Callable[[list[str], list[str | None]], list[int]]
_CSSRS = {"Supportive": "none", "Indicator": "concern", "Ideation": "crisis", "Behavior": "crisis",
          "Attempt": "crisis"}


@dataclass(frozen=True)
class LabelledSet:
    """Texts grouped into units (a unit is one message, or one user's posts) with expectations."""

    name: str
    texts: list[str]
    langs: list[str | None]
    owner: list[int]  # unit index per text
    expect: list[Expect]  # per unit


@dataclass(frozen=True)
class Figures:
    crisis_recall: float
    crisis_n: int
    concern: float
    concern_n: int
    false_urgent: float
    medium_on_benign: float
    benign_n: int


def _expect_of_level(level: str) -> Expect:
    r = rank(level)
    return "crisis" if r >= 3 else "concern" if r == 2 else "none"


def _row_expect(row: dict[str, Any]) -> Expect:
    if row.get("expect") in ("crisis", "concern", "none"):
        return str(row["expect"])
    if "min_ok" in row and "max_ok" in row:
        if rank(str(row["min_ok"])) >= 3:
            return "crisis"
        if rank(str(row["max_ok"])) <= 2:
            return "none" if rank(str(row["min_ok"])) <= 1 else "concern"
        return "concern"
    if "level" in row:
        return _expect_of_level(str(row["level"]))
    raise TriageError("a row has neither expect, min_ok/max_ok nor level")


def _jsonl(path: Path) -> LabelledSet:
    texts: list[str] = []
    langs: list[str | None] = []
    expect: list[Expect] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or "text" not in row:
                raise TriageError("a row has no text")
            expect.append(_row_expect(row))
        except (ValueError, TriageError) as exc:
            raise TriageError(f"{path}:{n}: {exc}") from None
        texts.append(str(row.get("text", "")))
        langs.append(row.get("lang") if row.get("lang") in ("zh", "en") else None)
    return LabelledSet(path.name, texts, langs, list(range(len(texts))), expect)


def _psysuicide(path: Path, real_only: bool) -> LabelledSet:
    rows = [r for r in json.loads(path.read_text(encoding="utf-8"))
            if not (real_only and r.get("data_source") == "synthetic")]
    expect = []
    for r in rows:
        hot = [i for i, v in enumerate(r["label"]) if v]
        expect.append("crisis" if any(i <= 7 for i in hot) else "concern" if 8 in hot else "none")
    name = path.name + (" --real" if real_only else "")
    texts = [str(r["text"]) for r in rows]
    return LabelledSet(name, texts, ["zh"] * len(texts), list(range(len(texts))), expect)


def _cssrs(path: Path) -> LabelledSet:
    csv.field_size_limit(10**9)
    texts: list[str] = []
    owner: list[int] = []
    expect: list[Expect] = []
    with path.open(encoding="utf-8") as f:
        for i, u in enumerate(csv.DictReader(f)):
            try:
                posts = [str(p) for p in ast.literal_eval(u["Post"])]
            except (SyntaxError, ValueError):  # a few rows are cut short: split them by hand
                posts = u["Post"].strip("[]").split("', '")
            texts += [p[:2000] for p in posts]
            owner += [i] * len(posts)
            expect.append(_CSSRS[u["Label"]])
    return LabelledSet(path.name, texts, ["en"] * len(texts), owner, expect)


def _folder(path: Path) -> LabelledSet:
    parts = [_jsonl(p) for p in sorted(path.glob("*.jsonl"))]
    if not parts:
        raise TriageError(f"{path}: a folder with no .jsonl files")
    texts = [t for s in parts for t in s.texts]
    return LabelledSet(path.name + "/", texts, [x for s in parts for x in s.langs], list(range(len(texts))),
                       [e for s in parts for e in s.expect])


def load_set(path: Path, real_only: bool = False) -> LabelledSet:
    """A labelled set by its format (see the module docstring); a folder is all its .jsonl files
    as one set; a clear error for anything else."""
    if path.is_dir():
        return _folder(path)
    if not path.is_file():
        raise TriageError(f"{path}: no such file")
    try:
        if path.suffix == ".json":
            return _psysuicide(path, real_only)
        if path.suffix == ".csv":
            return _cssrs(path)
        return _jsonl(path)
    except (OSError, UnicodeDecodeError, KeyError, TypeError, ValueError) as exc:
        raise TriageError(f"{path}: not a labelled set this command reads ({exc.__class__.__name__}: "
                          f"{exc})"[:300]) from None


def figures(units: Sequence[int], expect: Sequence[Expect]) -> Figures:
    """score.py's measures from the level rank of each unit."""
    def share(want: Expect, ok: Callable[[int], bool]) -> tuple[float, int]:
        got = [ok(r) for r, e in zip(units, expect, strict=True) if e == want]
        return (sum(got) / len(got) if got else float("nan")), len(got)

    crisis, cn = share("crisis", lambda r: r >= 3)
    concern, mn = share("concern", lambda r: r >= 2)
    false_urgent, bn = share("none", lambda r: r >= 3)
    medium, _ = share("none", lambda r: r >= 2)
    return Figures(crisis, cn, concern, mn, false_urgent, medium, bn)


def score(data: LabelledSet, levels_of: LevelsOf) -> Figures:
    """Rate every text with `levels_of`, a unit counts as its worst text."""
    levels = levels_of(data.texts, data.langs)
    worst = [0] * len(data.expect)
    for i, lv in zip(data.owner, levels, strict=True):
        worst[i] = max(worst[i], lv)
    return figures(worst, data.expect)


# A naive keyword list, the baseline a service would start from: any of these words -> high.
KEYWORDS = ("自杀", "自殺", "想死", "去死", "不想活", "轻生", "割腕", "跳楼", "安眠药", "杀了",
            "杀人", "遗书",
            "suicide", "suicidal", "kill myself", "kill", "die", "dead", "overdose", "cut myself",
            "self harm", "self-harm", "hang myself", "end my life")


def keyword_levels(texts: list[str], langs: list[str | None]) -> list[int]:
    """3 (high) for a text holding any keyword, else 0."""
    del langs
    out = []
    for t in texts:
        low = t.lower()
        out.append(3 if any(k in low for k in KEYWORDS) else 0)
    return out
