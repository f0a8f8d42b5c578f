"""Turns deferred while the database is away are kept on disk (bot/services/deferred.py), so a
crash before it returns loses none; a full disk is named in the log.

Regression: deferred turns lived only in ConversationService._deferred, and Telegram had already
confirmed the update, so `kill -9` with the database down lost the resident's line for good
(tests/chaos/test_database.py pins it against a real server; these run in-process).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.bootstrap import Container, build
from bot.conversation.messages import Inbound
from bot.conversation.turn import TurnOutcome
from bot.crypto import Cipher, new_key
from bot.services.deferred import DeferredSpool
from bot.services.turn_failure import disk_full
from bot.storage import migrate
from bot.storage.models import Message
from config.settings import load_settings
from tests.fakes.clock import FakeClock
from tests.fakes.ports import CannedKB, KeywordTriage, StaticRota
from tests.fakes.sender import RecordingSender

LINE = "heliotrope-walrus: I have been feeling low all week"


def test_a_kept_turn_reads_back_whole_and_its_file_holds_no_plain_text(tmp_path: Path) -> None:
    spool = DeferredSpool(tmp_path / "deferred", Cipher([new_key()]))
    first = Inbound("telegram", "42", "42", LINE, at=FakeClock().now(), update_key="tg:7")
    second = Inbound("web", "w1", "w1", "/lang en", kind="command", command="lang", args=("en",))

    assert spool.put(first) and spool.put(second)

    found = spool.pending()
    assert [inbound for _, inbound in found] == [first, second]  # oldest first, every field
    raw = b"".join(p.read_bytes() for p, _ in found)
    assert b"heliotrope" not in raw and b"walrus" not in raw
    spool.done(found[0][0])
    assert spool.count() == 1


def test_a_file_no_key_reads_is_set_aside_not_dropped(tmp_path: Path) -> None:
    DeferredSpool(tmp_path, Cipher([new_key()])).put(Inbound("web", "w", "w", LINE))

    assert DeferredSpool(tmp_path, Cipher([new_key()])).pending() == []
    assert [p.suffix for p in tmp_path.iterdir()] == [".bad"]


@pytest.fixture
def settings_kw(tmp_path: Path) -> dict[str, object]:
    url = f"sqlite+aiosqlite:///{tmp_path}/spool.db"
    migrate.upgrade(url, "head")
    return {"database_url": url, "secret_key": new_key(), "pseudonym_key": "spool", "var_dir": tmp_path,
            }


def container(settings_kw: dict[str, object], tmp_path: Path) -> Container:
    """One process's worth of objects; the spool where the server's bootstrap puts it."""
    c = build(load_settings(**settings_kw), clock=FakeClock(), triage=KeywordTriage(),
              kb=CannedKB(), rota=StaticRota(["c1"], timeout_s=60))
    c.senders["telegram"] = RecordingSender("telegram")
    if c.service.spool is None:  # until bootstrap passes one (requested): the same folder
        c.service.spool = DeferredSpool(tmp_path / "deferred", c.uow.cipher)
    return c


async def stored_lines(c: Container) -> int:
    async with c.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Message)
                                            .where(Message.sender == "resident")) or 0)


def database_away(c: Container) -> None:
    """Every turn of this process fails as with the database stopped (its driver's error)."""
    async def away(*_args: object) -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError(111, "Connection refused"))

    c.service._turn = away  # type: ignore[assignment,method-assign]


def database_back(c: Container) -> None:
    del c.service._turn  # the class's own method again


async def test_a_turn_deferred_before_a_crash_is_stored_once_by_the_next_process(
        settings_kw: dict[str, object], tmp_path: Path) -> None:
    crashed = container(settings_kw, tmp_path)
    database_away(crashed)
    result = await crashed.service.handle(Inbound("telegram", "42", "42", LINE, update_key="tg:1"))
    assert result.outcome == TurnOutcome.DEFERRED
    assert crashed.service._deferred == [] and crashed.service.deferred_count() == 1
    await crashed.engine.dispose()  # the process dies; nothing of it but the files remains

    restarted = container(settings_kw, tmp_path)
    assert await restarted.service.retry_deferred() == 1
    assert await restarted.service.retry_deferred() == 0  # and only once

    assert await stored_lines(restarted) == 1
    assert restarted.service.deferred_count() == 0
    await restarted.engine.dispose()


async def test_while_the_database_stays_away_retries_keep_the_turn_and_its_order(
        settings_kw: dict[str, object], tmp_path: Path) -> None:
    c = container(settings_kw, tmp_path)
    database_away(c)
    for n in range(2):
        await c.service.handle(Inbound("telegram", "42", "42", f"{LINE} {n}", update_key=f"tg:{n}"))

    assert await c.service.retry_deferred() == 0
    assert [i.text[-1] for _, i in c.service.spool.pending()] == ["0", "1"]  # type: ignore[union-attr]
    database_back(c)
    assert await c.service.retry_deferred() == 2
    async with c.uow() as uow:
        texts = [t for m, t in await uow.messages.recent(1, limit=20) if m.sender == "resident"]
    assert texts == [f"{LINE} 0", f"{LINE} 1"]
    await c.engine.dispose()


def test_a_full_disk_is_told_apart_from_other_database_errors() -> None:
    full = OperationalError("INSERT ...", {}, sqlite3.OperationalError("database or disk is full"))
    locked = OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))
    wrapped = RuntimeError("turn")
    wrapped.__cause__ = full

    assert disk_full(full) and disk_full(wrapped) and disk_full(OSError(28, "No space left on device"))
    assert not disk_full(locked) and not disk_full(TimeoutError())


async def test_a_turn_failing_on_a_full_disk_says_so_in_the_log(
        settings_kw: dict[str, object], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Regression: the log said only "turn failed (OperationalError)" (chaos: SQLite disk full)."""
    c = container(settings_kw, tmp_path)

    async def full(*_args: object) -> None:
        raise OperationalError("INSERT ...", {}, sqlite3.OperationalError("database or disk is full"))

    c.service._turn = full  # type: ignore[assignment,method-assign]
    with caplog.at_level(logging.ERROR):
        await c.service.handle(Inbound("telegram", "42", "42", LINE))

    assert any("database or disk is full" in r.getMessage() for r in caplog.records)
    assert not any("heliotrope" in r.getMessage() for r in caplog.records)
    await c.engine.dispose()
