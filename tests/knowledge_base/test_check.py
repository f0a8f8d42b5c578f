"""`kb check`: each rule names the file and the field it found wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from knowledge_base.check import check_entries, en_length, zh_length
from knowledge_base.loading import load_topics
from knowledge_base.model import CheckRules
from tests.knowledge_base.conftest import ENTRIES

SMALL = CheckRules(min_per_topic=0, min_total=1)


@pytest.fixture
def entries(tmp_path: Path) -> Path:
    root = tmp_path / "entries"
    shutil.copytree(ENTRIES, root)
    return root


def edit(root: Path, rel: str, change: dict[str, object]) -> Path:
    path = root / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        node = data
        for p in parents:
            node = node[p]
        if value is None:
            del node[last]
        else:
            node[last] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def problems(root: Path, rules: CheckRules = SMALL) -> list[str]:
    return [str(p) for p in check_entries(root, load_topics(), rules)]


def test_fixture_entries_pass(entries: Path) -> None:
    assert problems(entries) == []


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"colour": "blue"}, "colour", "unknown key"),
    ({"zh.seek_help": None}, "zh.seek_help", "required field is missing"),
    ({"topic": "astrology"}, "topic", "unknown topic id"),
    ({"id": "sleep-002"}, "id", "differs from the file name"),
    ({"zh.answer": "睡不着的时候起来走走。"}, "zh.answer", "expected 80-300"),
    ({"en.answer": "Get up and walk around."}, "en.answer", "expected 60-200"),
    ({"en.questions": ["a?", "b?"]}, "en.questions", "at least 3"),
    ({"zh.questions": ["睡不着", "睡不着。", "失眠"]}, "zh.questions", "appears twice"),
    ({"review.status": "approved"}, "review.status", "draft"),
    ({"audience": ["martians"]}, "audience.0", ""),
    ({"review.status": "published"}, "review", "needs a named reviewer"),
    ({"review.next_review": "2026-01-01"}, "review.next_review", "after the review date"),
])
def test_broken_field_is_reported_with_file_and_field(entries: Path, change: dict[str, object],
                                                      field: str, words: str) -> None:
    path = edit(entries, "sleep/sleep-001.yaml", change)

    found = problems(entries)

    assert any(p.startswith(f"{path}: {field}: ") and words in p for p in found), found


def test_paraphrase_shared_by_two_entries_is_reported(entries: Path) -> None:
    shared = ["失眠了有什么办法", "惊恐发作怎么办", "心慌喘不上气"]
    edit(entries, "panic/panic-001.yaml", {"zh.questions": shared})

    assert any("zh.questions" in p and "also in" in p for p in problems(entries))


def test_duplicate_id_is_reported(entries: Path) -> None:
    copy = entries / "sleep" / "extra" / "sleep-001.yaml"
    copy.parent.mkdir()
    shutil.copy(entries / "sleep" / "sleep-001.yaml", copy)

    assert any("duplicate id" in p for p in problems(entries))


def test_collection_rules_count_topics_entries_and_audiences(entries: Path) -> None:
    rules = CheckRules(min_per_topic=1, min_total=150, required_audiences=["perinatal", "elderly"])

    found = problems(entries, rules)

    assert any("topic anxiety: 0 entries" in p for p in found)
    assert not any("topic sleep:" in p for p in found)
    assert any("4 entries, at least 150" in p for p in found)
    assert any("audience perinatal" in p for p in found)
    assert not any("audience elderly" in p for p in found)


def test_passage_copied_from_reference_is_reported(entries: Path, tmp_path: Path) -> None:
    ref = tmp_path / "ref.csv"
    ref.write_text("questionTitle,questionText,answerText\nq,t,\"Well. Get up at the same time every day, "
                   "weekends included, so it helps.\"\n", encoding="utf-8")
    rules = SMALL.model_copy(update={"copy_reference": str(ref)})

    found = problems(entries, rules)

    assert [p for p in found if "en.answer" in p and "8-word passage" in p and "sleep-001" in p]
    assert len(found) == 1


def test_lengths_count_letters_and_digits_not_punctuation() -> None:
    assert zh_length("一、睡 不着，怎么办？\n1. 起来") == 10
    assert en_length("Don't give up - it's a well-known step.") == 7
