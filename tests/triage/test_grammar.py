"""The compositional risk grammar (triage/data/grammar.yaml): unseen phrasings of a known
combination are caught, near misses are not (spec tables in data/grammar_spec.yaml)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from triage import TriageEngine
from triage.grammar import load_grammar
from triage.levels import rank
from triage.lexicon import DATA_DIR, GRAMMAR_FILE, RISK_CATEGORIES, _expand

SPEC: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "data" / "grammar_spec.yaml").read_text(
    encoding="utf-8"))
GRAMMAR = load_grammar(DATA_DIR / GRAMMAR_FILE, RISK_CATEGORIES)


def _variants(spec: dict[str, Any]) -> list[str]:
    """Every template filled with every combination of its slots' fillers."""
    out = []
    for lang, templates in spec["templates"].items():
        for template in templates:
            names = re.findall(r"\{(\w+)\}", template)
            for values in itertools.product(*(spec["fill"][n][lang] for n in names)):
                out.append(template.format(**dict(zip(names, values, strict=True))))
    return out


def _forms(slot: str) -> set[str]:
    return {form for t in GRAMMAR.slots[slot] for form, _ in _expand(t)}


@pytest.mark.parametrize("name", sorted(SPEC))
def test_fillers_are_words_of_their_slot(lexicon_engine: TriageEngine, name: str) -> None:
    """The tables test the grammar's slots, not words the tests invented (compared after
    normalising, so traditional and Cantonese fillers count as their simplified forms)."""
    norm = lexicon_engine.normaliser.term
    for slot, by_lang in SPEC[name]["fill"].items():
        fillers = [f for lang in ("zh", "en") for f in by_lang[lang]]
        assert by_lang["zh"] and by_lang["en"], (name, slot, "zh and en fillers")
        forms = {norm(f) for f in _forms(slot)}
        missing = [f for f in fillers if norm(f) not in forms]
        assert not missing, (name, slot, missing)


@pytest.mark.parametrize("name", sorted(SPEC))
def test_every_filled_variant_reaches_its_level(engine: TriageEngine, name: str) -> None:
    spec = SPEC[name]
    texts = _variants(spec)
    assert len(texts) >= 6
    missed = [(t, a.level) for t, a in zip(texts, engine.assess_batch(texts), strict=True)
              if rank(a.level) < rank(spec["min"])]
    assert not missed, missed[:10]


@pytest.mark.parametrize("name", sorted(SPEC))
def test_near_misses_stay_below_a_page(engine: TriageEngine, name: str) -> None:
    near = SPEC[name].get("near", [])
    assert near, "every combination has near misses"
    got = engine.assess_batch([n["text"] for n in near])
    wrong = [(n["text"], a.level) for n, a in zip(near, got, strict=True) if rank(a.level) > rank(n["max"])]
    assert not wrong, wrong


def test_a_combination_needs_all_its_slots(lexicon_engine: TriageEngine) -> None:
    """One slot alone is no combination: a method without access, a time without a method."""
    for text in ("农药", "今晚", "在我包里", "随时可以", "pesticide", "any time"):
        assert not any(h.entry.term.startswith("[") for h in lexicon_engine.lexicon.find(
            lexicon_engine.normaliser.normalise(text).text)), text


def test_negation_before_a_combination_discounts_it(lexicon_engine: TriageEngine) -> None:
    a = lexicon_engine.assess("我没有农药在包里，也不会随时喝")
    assert rank(a.level) <= 2, a.reasons
