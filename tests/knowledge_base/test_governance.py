"""Content governance: only published entries are served outside demo mode; reviews round-trip."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.cli.main import main
from knowledge_base import load_kb
from knowledge_base.governance import FOOTER, record_review, review_list
from knowledge_base.loading import load_config, parse_entry, read_entries
from knowledge_base.model import KBConfig
from tests.knowledge_base.conftest import ENTRIES


@pytest.fixture
def entries(tmp_path: Path) -> Path:
    """A writable copy of the fixture entries (all drafts)."""
    return Path(shutil.copytree(ENTRIES, tmp_path / "entries"))


def _config(demo: bool) -> KBConfig:
    cfg = load_config()
    return cfg.model_copy(update={"governance": cfg.governance.model_copy(update={"demo": demo})})


def test_unpublished_entries_are_never_served_outside_demo_mode(entries: Path) -> None:
    record_review(entries / "sleep" / "sleep-001.yaml", "published", "Dr Wang", "clinical psychologist",
                  date(2026, 12, 7), 365)
    kb = load_kb(entries, config=_config(demo=False))

    assert [e.id for e in kb.entries] == ["sleep-001"]
    served = [kb.search(q, lang) for q, lang in [
        ("惊恐发作的时候应该怎么做", "zh"), ("What should I do in a panic attack?", "en"),
        ("亲人去世了很难过", "zh"), ("my mother died and I can't stop crying", "en"),
        ("失眠了有什么办法", "zh")]]
    assert all(r.entry_id in (None, "sleep-001") for r in served)
    assert served[-1].entry_id == "sleep-001"
    assert kb.topic_answer("panic", "en").kind == "fallback"
    assert kb.entry("panic-001") is None
    # published and reviewed by a clinician: no "review pending" note
    assert FOOTER["zh"] not in served[-1].text


def test_demo_mode_serves_drafts_and_says_review_is_pending(entries: Path) -> None:
    kb = load_kb(entries, config=_config(demo=True))
    res = kb.search("What should I do in a panic attack?", "en")

    assert res.entry_id == "panic-001"
    assert FOOTER["en"] in res.text and "Demo mode" in res.text


def test_with_nothing_published_no_entry_is_served_but_services_and_social_turns_work(entries: Path) -> None:
    kb = load_kb(entries, demo=False)

    asked = kb.search("What should I do in a panic attack?", "en")
    assert (asked.kind, asked.entry_id, asked.topic) == ("fallback", None, None)
    assert "waiting for review" in asked.text
    assert kb.topic_answer("panic", "en").entry_id is None and kb.entry("panic-001") is None
    assert kb.search("你们的服务站在哪里，几点开门", "zh").kind == "services"
    assert kb.search("谢谢", "zh").kind == "social"
    # no button may lead to a topic whose entries are withheld
    assert {t for t, _ in kb.search("asdf qwer zxcv", "en").alternatives} <= {"service_info"}


def test_the_callers_mode_overrides_the_yaml_switch(entries: Path) -> None:
    # HOTLINE_DEMO decides (the bot passes settings.demo), whatever kb.yaml's governance.demo says.
    assert load_kb(entries, config=_config(demo=True), demo=False).search(
        "What should I do in a panic attack?", "en").entry_id is None
    assert load_kb(entries, config=_config(demo=False), demo=True).search(
        "What should I do in a panic attack?", "en").entry_id == "panic-001"


def test_review_command_round_trips_and_leaves_the_rest_of_the_file(entries: Path) -> None:
    path = entries / "panic" / "panic-001.yaml"
    before = path.read_text(encoding="utf-8").splitlines()

    assert main(["kb", "review", "--entries", str(entries), "--record", "panic-001", "--status",
                 "clinically_reviewed", "--reviewer", "Dr Li", "--role", "psychiatrist",
                 "--date", "2026-12-07"]) == 0

    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].startswith("review: ")
    entry, problems = parse_entry(path)
    assert entry is not None and not problems
    r = entry.review
    assert (r.status, r.reviewer, r.reviewer_role, r.date, r.next_review) == (
        "clinically_reviewed", "Dr Li", "psychiatrist", date(2026, 12, 7), date(2027, 12, 7))
    items, _ = read_entries(entries)
    due = {d.entry_id: d.due for d in review_list(items, date(2026, 12, 8))}
    assert due == {"panic-001": False, "grief-001": True, "service_info-001": True, "sleep-001": True}
    assert {d.entry_id: d.due for d in review_list(items, date(2027, 12, 7))}["panic-001"] is True


def test_review_command_refuses_an_unknown_id_and_missing_fields(entries: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.read_text(encoding="utf-8") for p in entries.rglob("*.yaml")}
    assert main(["kb", "review", "--entries", str(entries), "--record", "nope-001", "--status", "published",
                 "--reviewer", "Dr Li", "--role", "psychiatrist"]) == 2
    assert main(["kb", "review", "--entries", str(entries), "--record", "panic-001"]) == 2
    assert "required" in capsys.readouterr().err
    assert before == {p: p.read_text(encoding="utf-8") for p in entries.rglob("*.yaml")}
