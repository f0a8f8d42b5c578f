"""`hotline eval triage`: one table for every set, three engines; figures as score.py defines them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main
from triage.errors import TriageError
from triage.evaluation import figures, keyword_levels, load_set, score


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_figures_follow_score_py() -> None:
    # ranks: crisis rows 4, 2; concern 2; benign 3 (false urgent), 2 (offered), 0
    f = figures([4, 2, 2, 3, 2, 0], ["crisis", "crisis", "concern", "none", "none", "none"])
    assert (f.crisis_recall, f.concern, f.false_urgent) == (0.5, 1.0, 1 / 3)
    assert f.medium_on_benign == 2 / 3 and (f.crisis_n, f.concern_n, f.benign_n) == (2, 1, 3)


def test_every_format_the_project_meets_is_read(tmp_path: Path) -> None:
    a = load_set(_write(tmp_path / "dev.jsonl", [{"text": "x", "expect": "crisis"}]))
    b = load_set(_write(tmp_path / "probe.jsonl", [{"text": "x", "min_ok": "none", "max_ok": "low"}]))
    c = load_set(_write(tmp_path / "everyday.jsonl", [{"text": "x", "level": "low"}]))
    assert (a.expect, b.expect, c.expect) == (["crisis"], ["none"], ["none"])
    folder = load_set(tmp_path)
    assert len(folder.texts) == 3


def test_a_user_counts_as_their_worst_post() -> None:
    from triage.evaluation import LabelledSet

    data = LabelledSet("u", ["hi", "I want to kill myself"], ["en", "en"], [0, 0], ["crisis"])
    assert score(data, keyword_levels).crisis_recall == 1.0


def test_bad_input_gets_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TriageError, match="no such file"):
        load_set(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(TriageError, match="bad.jsonl:1"):
        load_set(bad)


def test_the_command_prints_one_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "s.jsonl", [{"text": "我想自杀", "expect": "crisis"},
                                         {"text": "谢谢", "expect": "none"}])
    assert main(["eval", "triage", str(path), "--engines", "lexicon,keywords"]) == 0
    out = capsys.readouterr().out
    assert "s.jsonl" in out and "lexicon" in out and "keywords" in out and "1.000 (1)" in out
    assert main(["eval", "triage", str(tmp_path / "nope.jsonl")]) == 2
