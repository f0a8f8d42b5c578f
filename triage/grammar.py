"""A compositional risk grammar: kinds of words (slots) that together make a level.

The misses issue 14 lists are combinations, not phrases: a method with the writer and ready
("农药在我包里，随时可以喝"), a farewell with finality ("the last time I talk to anyone"), a burden
with a time ("过了今晚就不会再打扰任何人"), a parent taking a child along, self-starvation, looking
up a bridge's height. triage/data/grammar.yaml lists the slots and which slots combine into what;
every written form of a slot goes into the lexicon's automaton (one pass), and `combine` turns the
slot hits of a message into risk hits that the context rules then judge like any other term.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from config.loader import parse_yaml
from triage.errors import TriageConfigError
from triage.levels import LEVELS, Level

SLOT = "slot"
_MAX_TUPLES = 400  # slot-hit combinations tried per rule and message (long posts stay fast)


@dataclass(frozen=True)
class Combination:
    """Slots that together (within `span` characters) make `level` in `category`."""

    name: str
    slots: tuple[str, ...]
    category: str
    level: Level
    floor: bool
    span: int
    unless: tuple[str, ...]
    idiom_proof: bool = False  # the combination is the context that makes a hyperbole literal


@dataclass(frozen=True)
class Grammar:
    slots: dict[str, list[str]]  # slot name -> written forms (braces allowed, see lexicon._expand)
    combinations: tuple[Combination, ...]


def load_grammar(path: Path, categories: tuple[str, ...]) -> Grammar:
    """Read grammar.yaml; a clear error names the rule and field that is wrong."""
    try:
        data: Any = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TriageConfigError(f"grammar file {path}: cannot read ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("slots"), dict):
        raise TriageConfigError(f"grammar file {path}: expected 'slots' and 'combinations'")
    slots = {str(k): [str(t) for t in (v or [])] for k, v in data["slots"].items()}
    combos = []
    for i, c in enumerate(data.get("combinations") or []):
        names = tuple(str(s) for s in c.get("slots", ())) + tuple(str(s) for s in c.get("unless", ()))
        missing = [s for s in names if s not in slots]
        if missing or len(c.get("slots", ())) < 2:
            raise TriageConfigError(f"grammar file {path}: combinations.{i}: unknown or too few slots "
                                    f"{missing}")
        if c.get("category") not in categories or c.get("level") not in LEVELS:
            raise TriageConfigError(f"grammar file {path}: combinations.{i}: bad category or level")
        combos.append(Combination(str(c.get("name", i)), tuple(str(s) for s in c["slots"]),
                                  str(c["category"]), c["level"], bool(c.get("floor", False)),
                                  int(c.get("span", 40)), tuple(str(s) for s in c.get("unless", ())),
                                  bool(c.get("idiom_proof", False))))
    return Grammar(slots, tuple(combos))


def combine(spans: dict[str, list[tuple[int, int]]], combos: tuple[Combination, ...],
            near_misses: list[tuple[Combination, tuple[tuple[int, int], ...]]] | None = None
            ) -> list[tuple[Combination, tuple[tuple[int, int], ...]]]:
    """For each combination whose slots all occur close together (distinct, non-overlapping
    words, no near-miss context within reach), the nearest set of slot spans; combinations a
    near-miss context cancelled go to `near_misses` when given."""
    out = []
    for combo in combos:
        lists = [spans.get(s, []) for s in combo.slots]
        if not all(lists):
            continue
        best: tuple[int, tuple[tuple[int, int], ...]] | None = None
        for parts in itertools.islice(itertools.product(*lists), _MAX_TUPLES):
            ordered = sorted(parts)
            if any(a[1] > b[0] for a, b in itertools.pairwise(ordered)):
                continue
            width = ordered[-1][1] - ordered[0][0]
            if width <= combo.span and (best is None or width < best[0]):
                best = (width, tuple(ordered))
        if best is None:
            continue
        lo, hi = best[1][0][0] - combo.span, best[1][-1][1] + combo.span
        if any(lo <= a and b <= hi for s in combo.unless for a, b in spans.get(s, [])):
            if near_misses is not None:
                near_misses.append((combo, best[1]))
            continue
        out.append((combo, best[1]))
    return out
