"""`hotline train triage` never trains on the exam sets, even renamed.

The exams are not in the repository (they are scored only through paths given on the command
line), so these tests build stand-ins: files at the exams' paths, and a file whose digest is put in
the refusal table for the length of one test (the real digests stay in triage/training/data.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bot.cli.main import main
from triage.errors import ExamDataRefused
from triage.training import data
from triage.training.data import PSYSUICIDE_VALID, load_psysuicide, psysuicide_label, refuse_exams


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


def test_a_renamed_copy_of_an_exam_is_refused_by_content(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    exam = tmp_path / "exam.json"
    exam.write_text('[{"text": "stand-in exam row", "label": [0]}]', encoding="utf-8")
    digest = hashlib.sha256(exam.read_bytes()).hexdigest()
    monkeypatch.setitem(data.EXAM_SHA256, digest, "stand-in exam")
    copy = tmp_path / "my_data.json"
    copy.write_bytes(exam.read_bytes())

    with pytest.raises(ExamDataRefused, match="stand-in exam"):
        refuse_exams(copy)


def test_the_real_exam_digests_are_listed() -> None:
    # PsySUICIDE test.json and the Reddit C-SSRS csv as published (sha256 of the files as shipped).
    assert set(data.EXAM_SHA256.values()) == {"PsySUICIDE test.json", "Reddit C-SSRS"}
    assert all(len(d) == 64 for d in data.EXAM_SHA256)


def test_the_train_command_refuses_an_exam_path_and_exits_2(tmp_path: Path) -> None:
    exam = tmp_path / "psysuicide" / "test.json"
    exam.parent.mkdir()
    exam.write_text("[]", encoding="utf-8")
    code = main(["train", "triage", "--psysuicide", str(exam), "--out", str(tmp_path / "m")])
    assert code == 2
    assert not (tmp_path / "m" / "model.safetensors").exists()


def test_the_training_data_is_in_the_repository_with_its_licence() -> None:
    folder = PSYSUICIDE_VALID.parent
    assert PSYSUICIDE_VALID.exists() and (folder / "LICENSE.txt").exists() and (folder / "SOURCE.md").exists()
    assert data.COUNSEL_CHAT_CSV.exists() and (data.COUNSEL_CHAT_CSV.parent / "LICENSE.txt").exists()
    assert hashlib.sha256(PSYSUICIDE_VALID.read_bytes()).hexdigest() not in data.EXAM_SHA256


def test_psysuicide_labels_map_to_crisis_concern_none() -> None:
    assert psysuicide_label([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]) == 3
    assert psysuicide_label([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]) == 2
    assert psysuicide_label([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]) == 0
