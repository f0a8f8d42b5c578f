"""`hotline kb search --jsonl` and `hotline kb check`: the contracts scripts rely on."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from tests.knowledge_base.conftest import ENTRIES


def run_jsonl(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
              stdin: str) -> list[dict[str, Any]]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(["kb", "search", "--jsonl", "--entries", str(ENTRIES)]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_jsonl_gives_one_line_per_input_line_even_for_garbage(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    stdin = "\n".join([
        json.dumps({"question": "失眠了有什么办法", "lang": "zh"}, ensure_ascii=False),
        "",
        "not json at all",
        json.dumps({"question": 42}),
        json.dumps(["a list"]),
        json.dumps({"question": "What should I do in a panic attack?", "lang": "en"}),
    ]) + "\n"

    out = run_jsonl(monkeypatch, capsys, stdin)

    assert len(out) == 6
    assert [o["topic"] for o in out] == ["sleep", None, None, None, None, "panic"]
    assert all("error" in o and o["fallback"] for o in out[1:5])
    assert out[0]["entry_id"] == "sleep-001" and out[0]["kind"] == "answer" and 0 < out[0]["score"] <= 1


def test_jsonl_topic_is_null_on_fallback_and_refusal(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    stdin = json.dumps({"question": "asdf qwer"}) + "\n" + json.dumps({"question": "明天天气怎么样"}) + "\n"

    out = run_jsonl(monkeypatch, capsys, stdin)

    assert [(o["kind"], o["topic"], o["fallback"]) for o in out] == [
        ("fallback", None, True), ("refusal", None, True)]
    assert len(out[0]["alternatives"]) == 3 and {"topic", "name"} == set(out[0]["alternatives"][0])


def test_check_passes_on_good_entries_and_lists_problems_on_bad(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "sleep"
    bad.mkdir()
    (bad / "sleep-009.yaml").write_text("id: sleep-009\ntopic: sleep\n", encoding="utf-8")

    code = main(["kb", "check", "--entries", str(tmp_path)])

    assert code == 1
    assert f"{bad / 'sleep-009.yaml'}: audience: required field is missing" in capsys.readouterr().out


def test_services_command_checks_hours_at_the_given_time(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["kb", "services", "海淀现在有开着的服务站吗", "--at", "2026-11-30T23:30"])

    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("24小时热线") and "海淀现在没有开放的服务站" in out
