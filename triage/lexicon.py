"""The lexicon: weighted terms and context cues from YAML data files, matched in one pass.

Every term and cue (zh, en, emoji) goes into one Aho-Corasick automaton over normalised text;
English terms only count on word boundaries so 'skill' never matches 'kill'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

from config.loader import parse_yaml
from triage.errors import TriageConfigError
from triage.grammar import SLOT, Combination, combine, load_grammar
from triage.levels import LEVELS, Level
from triage.normalise import Normaliser

DATA_DIR = Path(__file__).resolve().parent / "data"
GRAMMAR_FILE = "grammar.yaml"
RISK_CATEGORIES = ("ideation", "plan", "means", "time", "farewell", "self_harm", "violence_to_others",
                   "violence_from_others", "hopelessness", "distress")
CUE_KINDS = ("negation", "idiom", "information", "hypothetical", "past", "resolved", "third", "first",
             "laughing", "kidding", "fiction", "mild")
_WORD = re.compile(r"[a-z0-9]")
# English reflexive and possessive forms a term template may use; third-person ones set a flag.
_SELF = {"myself": False, "herself": True, "himself": True, "themselves": True,
         "themself": True}
_POSS = {"my": False, "her": True, "his": True, "their": True}


@dataclass(frozen=True)
class Entry:
    """One written form: a risk term (category, level) or a context cue (kind)."""

    term: str
    kind: str  # 'risk' or one of CUE_KINDS
    category: str = ""
    level: Level = "none"
    floor: bool = False
    topic: bool = False
    third: bool = False
    idiom_proof: bool = False  # a grammar combination that idioms do not discount (grammar.yaml)
    mood: bool = False  # a mood that comes in degrees ("lonely"): a hedge before it softens it (rules.py)


@dataclass(frozen=True)
class Hit:
    """Where an entry matched in the normalised text, [start, end); a grammar combination also
    keeps the spans of its words (`parts`), so an idiom is judged against the words themselves."""

    start: int
    end: int
    entry: Entry
    parts: tuple[tuple[int, int], ...] = ()


def _split_group(term: str) -> tuple[str, list[str], str] | None:
    """The first brace group holding '|' at its own depth: (before, options, after)."""
    depth, start = 0, -1
    cuts: list[int] = []
    for i, ch in enumerate(term):
        if ch == "{":
            depth += 1
            if depth == 1:
                start, cuts = i, []
        elif ch == "}":
            depth -= 1
            if depth == 0 and cuts:
                bounds = [start, *cuts, i]
                options = [term[a + 1:b] for a, b in zip(bounds, bounds[1:], strict=False)]
                return term[:start], options, term[i + 1:]
        elif ch == "|" and depth == 1:
            cuts.append(i)
    return None


def _expand(term: str) -> list[tuple[str, bool]]:
    """'{想|要}死' -> 想死, 要死; 'kill {self}' -> kill myself, kill herself...; flag: third person."""
    group = _split_group(term)
    if group:
        before, options, after = group
        return [x for opt in options for x in _expand(before + opt + after)]
    if "{self}" in term:
        return [(term.replace("{self}", w), t) for w, t in _SELF.items()]
    if "{poss}" in term:
        return [(term.replace("{poss}", w), t) for w, t in _POSS.items()]
    return [(term, False)]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TriageConfigError(f"lexicon file {path}: cannot read ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise TriageConfigError(f"lexicon file {path}: expected a mapping at the top")
    return data


def _risk_entries(path: Path) -> tuple[list[Entry], list[tuple[re.Pattern[str], Entry]]]:
    out: list[Entry] = []
    pats: list[tuple[re.Pattern[str], Entry]] = []
    for i, group in enumerate(_read(path).get("groups", [])):
        category, level = group.get("category"), group.get("level", "none")
        if category not in RISK_CATEGORIES or level not in LEVELS:
            raise TriageConfigError(f"lexicon file {path}: groups.{i}: bad category or level")
        for term in group.get("terms", []):
            for form, third in _expand(str(term)):
                out.append(Entry(form, "risk", category, level, bool(group.get("floor", False)),
                                 bool(group.get("topic", False)), third, mood=bool(group.get("mood", False))))
        for pattern in group.get("patterns", []):
            try:
                rx = re.compile(str(pattern))
            except re.error as exc:
                raise TriageConfigError(f"lexicon file {path}: groups.{i}: bad pattern ({exc})") from None
            pats.append((rx, Entry(str(pattern), "risk", category, level, bool(group.get("floor", False)))))
    return out, pats


def _cue_entries(path: Path) -> list[Entry]:
    out: list[Entry] = []
    for kind, by_lang in _read(path).items():
        if kind not in CUE_KINDS or not isinstance(by_lang, dict):
            raise TriageConfigError(f"cue file {path}: unknown cue kind {kind!r}")
        for terms in by_lang.values():
            out.extend(Entry(form, kind) for t in terms for form, _ in _expand(str(t)))
    return out


class Lexicon:
    """All entries in one automaton; `find` returns every hit in one pass."""

    def __init__(self, entries: list[Entry], normaliser: Normaliser,
                 patterns: list[tuple[re.Pattern[str], Entry]] | None = None,
                 combinations: tuple[Combination, ...] = ()) -> None:
        self._patterns = patterns or []
        self._combos = combinations
        self._auto = ahocorasick.Automaton()
        table: dict[str, list[Entry]] = {}
        for e in entries:
            key = normaliser.term(e.term)
            if key:
                table.setdefault(key, []).append(e)
        for key, group in table.items():
            self._auto.add_word(key, (key, tuple(group)))
        self._auto.make_automaton()
        self.size = len(table)

    def find(self, text: str) -> list[Hit]:
        """Every entry hit in `text`, English ones only on word boundaries."""
        hits: list[Hit] = []
        slots: dict[str, list[tuple[int, int]]] = {}
        for end_idx, (key, group) in self._auto.iter(text):
            start, end = end_idx - len(key) + 1, end_idx + 1
            if _WORD.match(key[0]) and start > 0 and _WORD.match(text[start - 1]):
                continue
            if _WORD.match(key[-1]) and end < len(text) and _WORD.match(text[end]):
                continue
            for e in group:
                if e.kind == SLOT:
                    slots.setdefault(e.category, []).append((start, end))
                else:
                    hits.append(Hit(start, end, e))
        for rx, entry in self._patterns:  # a few bounded patterns for numbers ("吃了二十片安眠药")
            hits.extend(Hit(m.start(), m.end(), entry) for m in rx.finditer(text))
        near: list[tuple[Combination, tuple[tuple[int, int], ...]]] = []
        for combo, parts in combine(slots, self._combos, near) if slots else ():
            entry = Entry(f"[{combo.name}]", "risk", combo.category, combo.level, combo.floor,
                          idiom_proof=combo.idiom_proof)
            hits.append(Hit(parts[0][0], parts[-1][1], entry, parts))
        # A combination an ordinary context explains ("明天没回你，别等我，我出差去了"): an
        # information cue, so the classifier alone may raise the message to medium at most (the
        # classifier learned the combination's words, not the context that cancels it).
        for combo, parts in near:
            hits.append(Hit(parts[0][0], parts[-1][1], Entry(f"[{combo.name}: near miss]", "information")))
        return hits


def load_lexicon(normaliser: Normaliser, data_dir: Path = DATA_DIR) -> Lexicon:
    """Read every lexicon/*.yaml and cues.yaml under `data_dir`."""
    entries: list[Entry] = []
    patterns: list[tuple[re.Pattern[str], Entry]] = []
    for path in sorted((data_dir / "lexicon").glob("*.yaml")):
        found, pats = _risk_entries(path)
        entries.extend(found)
        patterns.extend(pats)
    entries.extend(_cue_entries(data_dir / "cues.yaml"))
    if not any(e.kind == "risk" for e in entries):
        raise TriageConfigError(f"no lexicon terms under {data_dir / 'lexicon'}: reinstall the package")
    combos: tuple[Combination, ...] = ()
    if (data_dir / GRAMMAR_FILE).exists():
        grammar = load_grammar(data_dir / GRAMMAR_FILE, RISK_CATEGORIES)
        entries.extend(Entry(form, SLOT, slot) for slot, terms in grammar.slots.items()
                       for t in terms for form, _ in _expand(t))
        combos = grammar.combinations
    return Lexicon(entries, normaliser, patterns, combos)


def load_slang(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Variant -> canonical words (data/slang.yaml)."""
    data = _read(data_dir / "slang.yaml")
    return {str(k): str(v) for group in data.values() for k, v in dict(group).items()}
