"""The database goes away under a running server: PostgreSQL stopped and started (a private
cluster), SQLite on a disk that fills up. Crisis lines still get the emergency numbers at once,
the rest waits and is answered once the database is back, without a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.devtools import chaos_disk
from bot.devtools.chaos_scenarios import Row, kill_while_deferred, postgres_restarted, sqlite_disk_full

pytestmark = pytest.mark.slow


def assert_kept_and_recovered(evidence: dict[str, object], lost: int, doubled: int,
                              recover_s: float | None) -> None:
    # The scenario itself waited (with a deadline) for the emergency numbers while it was down.
    assert float(evidence["numbers_while_down_s"]) < 10, evidence  # type: ignore[arg-type]
    assert evidence["calm_answered_while_down"] is False  # deferred, not answered from nowhere
    assert recover_s is not None, evidence  # stored and answered once the database was back
    assert lost == 0 and doubled == 0, evidence
    assert evidence["stored"] == evidence["pushed"], evidence
    assert evidence["server_alive"] is True  # recovered without a restart
    # The crisis line deferred while down opened its handoff once the database was back.
    assert any(level == "imminent" for level, _ in evidence["handoffs"]), evidence  # type: ignore[attr-defined]


def assert_numbers_sent_once(evidence: dict[str, object]) -> None:
    """The numbers went out straight while the database was down; the stored turn pages the chain
    (a card reached a counselor) without sending them a second time, and its transcript keeps
    them once. Regression: emergency_repeated_after_recovery was 1."""
    assert int(evidence["crisis_cards"]) >= 1, evidence  # type: ignore[call-overload]
    assert evidence["emergency_repeated_after_recovery"] == 0, evidence
    assert evidence["numbers_in_transcript"] == 1, evidence


@pytest.fixture(scope="module")
def postgres_down_row(tmp_path_factory: pytest.TempPathFactory, checkout: Path) -> Row:
    """One PostgreSQL-down run shared by the two tests below."""
    from bot.devtools import chaos_pg

    why = chaos_pg.available()
    if why:
        pytest.skip(why)
    return asyncio.run(postgres_restarted(tmp_path_factory.mktemp("pg-down"), checkout))


def test_postgres_down_and_back_keeps_crisis_lines_answered_and_recovers(postgres_down_row: Row) -> None:
    row = postgres_down_row

    assert_kept_and_recovered(row.evidence, row.lost, row.doubled, row.recover_s)


def test_postgres_down_a_deferred_crisis_line_pages_without_sending_the_numbers_twice(
        postgres_down_row: Row) -> None:
    assert_numbers_sent_once(postgres_down_row.evidence)


@pytest.fixture(scope="module")
def disk_full_row(tmp_path_factory: pytest.TempPathFactory, checkout: Path) -> Row:
    """One disk-full run shared by the two tests below (each run costs two server starts)."""
    why = chaos_disk.available()
    if why:
        pytest.skip(why)
    return asyncio.run(sqlite_disk_full(tmp_path_factory.mktemp("disk-full"), checkout))


def test_sqlite_disk_full_keeps_crisis_lines_answered_and_the_file_intact(disk_full_row: Row) -> None:
    row = disk_full_row

    assert_kept_and_recovered(row.evidence, row.lost, row.doubled, row.recover_s)
    assert row.evidence["integrity"] == "ok"


def test_sqlite_disk_full_a_deferred_crisis_line_pages_without_sending_the_numbers_twice(
        disk_full_row: Row) -> None:
    assert_numbers_sent_once(disk_full_row.evidence)


def test_sqlite_disk_full_tells_the_operator_in_the_log(disk_full_row: Row) -> None:
    row = disk_full_row

    assert row.evidence["log"].get("disk full", 0) >= 1, row.evidence["log"]


async def test_a_kill_while_lines_are_deferred_loses_none(tmp_path: Path, checkout: Path) -> None:
    from bot.devtools import chaos_pg

    why = chaos_pg.available()
    if why:
        pytest.skip(why)
    row = await kill_while_deferred(tmp_path, checkout)

    assert row.lost == 0, (row.notes, row.evidence)
