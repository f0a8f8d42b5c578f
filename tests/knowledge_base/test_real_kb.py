"""The project's real entries: the `kb check` gate and the issue's figures on the project's own sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base import KnowledgeBase, load_kb
from knowledge_base.check import check_entries
from knowledge_base.evaluation import evaluate
from knowledge_base.loading import load_config, load_topics
from tests.knowledge_base.conftest import at

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "knowledge_base" / "eval"


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    kb = load_kb()
    assert kb.wait_semantic(timeout=120), "the shipped static MiniLM table should load"
    return kb


def test_every_entry_file_passes_kb_check() -> None:
    rules = load_config().check
    rules = rules.model_copy(update={"copy_reference": str(ROOT / str(rules.copy_reference))})

    problems = check_entries(None, load_topics(), rules)

    assert [str(p) for p in problems] == []


def test_own_question_sets_meet_the_issue_targets(real_kb: KnowledgeBase) -> None:
    rows = [json.loads(line) for f in sorted(EVAL.glob("*.jsonl"))
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]

    figures, _ = evaluate(real_kb, rows)

    assert figures.in_scope >= 2 * 2 * 32 and figures.out_of_scope >= 40
    assert figures.top1 >= 0.9
    assert figures.in_scope_fallback <= 0.05
    assert figures.out_caught >= 0.95


def test_station_question_is_answered_from_the_directory_for_service_info(real_kb: KnowledgeBase) -> None:
    res = real_kb.search("is there a station open now near 海淀", "en", at(0, 10))

    assert (res.kind, res.topic, res.lang) == ("services", "service_info", "en")
    assert "Haidian district psychological service centre (demo)" in res.text and "(open now)" in res.text
