"""`hotline train triage` never trains on the exam sets, even renamed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from triage.errors import ExamDataRefused
from triage.training.data import load_psysuicide, psysuicide_label, refuse_exams

EXTERNAL = Path(__file__).resolve().parents[3] / "shared" / "eval" / "external"
TEST_JSON = EXTERNAL / "psysuicide" / "test.json"
CSSRS = EXTERNAL / "reddit-cssrs" / "500_Reddit_users_posts_labels.csv"


def test_psysuicide_test_json_is_refused_by_path(tmp_path: Path) -> None:
    fake = tmp_path / "psysuicide" / "test.json"
    fake.parent.mkdir()
    fake.write_text("[]", encoding="utf-8")
    with pytest.raises(ExamDataRefused):
        load_psysuicide(fake)


def test_anything_under_reddit_cssrs_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "reddit-cssrs" / "posts.jsonl"
    fake.parent.mkdir()
    fake.write_text("", encoding="utf-8")
    with pytest.raises(ExamDataRefused):
        refuse_exams(fake)


@pytest.mark.skipif(not TEST_JSON.exists(), reason="shared eval sets not present")
def test_a_renamed_copy_of_the_exam_is_refused_by_content(tmp_path: Path) -> None:
    copy = tmp_path / "my_data.json"
    shutil.copy(TEST_JSON, copy)
    with pytest.raises(ExamDataRefused):
        refuse_exams(copy)


@pytest.mark.skipif(not CSSRS.exists(), reason="shared eval sets not present")
def test_the_train_command_refuses_the_exam_and_exits_2(tmp_path: Path) -> None:
    code = main(["train", "triage", "--psysuicide", str(TEST_JSON), "--out", str(tmp_path / "m")])
    assert code == 2
    assert not (tmp_path / "m" / "model.safetensors").exists()


def test_psysuicide_labels_map_to_crisis_concern_none() -> None:
    assert psysuicide_label([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]) == 3
    assert psysuicide_label([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]) == 2
    assert psysuicide_label([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]) == 0
