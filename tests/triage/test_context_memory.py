"""Reading a line in context with a memory of earlier readings (issue 20) gives exactly the
assessment read without it, on every turn of the context snippets, and reads fewer texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage import TriageEngine
from triage.levels import Assessment, Level

SNIPPETS = Path(__file__).parent / "data" / "context_turns.jsonl"


class DictMemory:
    """The simplest ReadingMemory (the bot's keeps digests: bot/conversation/screening.py)."""

    def __init__(self) -> None:
        self.levels: dict[str, Level] = {}
        self.hits = 0

    def get(self, text: str) -> Level | None:
        found = self.levels.get(text)
        self.hits += found is not None
        return found

    def put(self, text: str, level: Level) -> None:
        self.levels[text] = level


def _conversations() -> list[list[str]]:
    rows = [json.loads(line) for line in SNIPPETS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["turns"] for r in rows]


def _count_reads(engine: TriageEngine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    texts: list[int] = []
    real = engine.assess_batch

    def counted(batch: list[str], *args: object, **kw: object) -> list[Assessment]:
        texts.append(len(batch))
        return real(batch, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "assess_batch", counted)
    return texts


@pytest.mark.parametrize("which", ["lexicon_engine", "engine"])
def test_remembered_readings_change_no_assessment(which: str, request: pytest.FixtureRequest,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    engine: TriageEngine = request.getfixturevalue(which)
    conversations = _conversations()
    texts = sorted({t for turns in conversations for t in turns})
    own = dict(zip(texts, engine.assess_batch(texts), strict=True))  # as the screening gives it
    reads = _count_reads(engine, monkeypatch)
    plain, remembered, hits = [], [], 0
    for turns in conversations:
        memory = DictMemory()
        for i, text in enumerate(turns):
            before = len(reads)
            plain.append(engine.assess_in_context(text, turns[:i], own=own[text]))
            without = sum(reads[before:])
            before = len(reads)
            remembered.append(engine.assess_in_context(text, turns[:i], own=own[text], memory=memory))
            assert sum(reads[before:]) <= without
        hits += memory.hits

    assert remembered == plain  # every field: level, reasons, score, own_level, ...
    assert len(plain) > 700 and hits > 100


def test_a_line_after_quiet_turns_reads_two_texts_not_three(lexicon_engine: TriageEngine,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The turns alone need reading only when the joined text says more than nothing."""
    reads = _count_reads(lexicon_engine, monkeypatch)

    lexicon_engine.assess_in_context("你们周末开门吗", ["你好", "请问一下"], memory=DictMemory())

    assert sum(reads[1:]) == 2  # reads[0]: the message alone with the classifier (no `own` given)
