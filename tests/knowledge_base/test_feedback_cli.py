"""`hotline kb feedback`: the editors' report read from a real (SQLite) database, as /admin/kb shows it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.storage.engine import create_engine, session_factory
from bot.storage.models import Feedback
from tests.scheduling.test_rota_cli import db  # noqa: F401  (db: a migrated SQLite database)


def seed(url: str, rows: list[tuple[str, str, int, datetime]]) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as s:
                s.add_all([Feedback(conversation_id=None, kind=k, subject=sub, value=v, at=at)
                           for k, sub, v, at in rows])
                await s.commit()
        finally:
            await engine.dispose()
    asyncio.run(run())


def test_feedback_lists_entries_rated_down_and_unsure_topics(db: Path, capsys: pytest.CaptureFixture[str],  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now(UTC)
    seed(f"sqlite+aiosqlite:///{db}/cli.db", [
        ("answer", "grief-001", -1, now), ("answer_miss", "grief-001", -1, now),
        ("answer", "grief-001", 1, now),
        ("answer", "sleep-002", -1, now - timedelta(days=40)), ("fallback", "loneliness", 0, now),
        ("answer", "anger-001", -1, now - timedelta(days=100)), ("counselor", "h7", -1, now)])

    assert main(["kb", "feedback", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(e["entry_id"], e["up"], e["down"], e["not_what_i_asked"]) for e in report["rated_down"]] == [
        ("grief-001", 1, 1, 1), ("sleep-002", 0, 1, 0)]
    assert report["gaps"] == [{"topic": "loneliness", "count": 1}] and report["ratings"] == 4

    assert main(["kb", "feedback", "--days", "30", "--lang", "en"]) == 0
    lines = capsys.readouterr().out
    assert "grief-001" in lines and "Someone close to me just died" in lines and "sleep-002" not in lines
    assert main(["kb", "feedback", "--days", "0"]) == 2
