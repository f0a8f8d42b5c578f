"""`hotline rota ...` takes the times coordinators type (scheduling.when), against a real SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar

from bot.cli.main import main
from scheduling.when import ACCEPTED
from tests.scheduling.test_rota_cli import DEMO, db  # noqa: F401  (db: a migrated SQLite database)


@pytest.fixture
def demo(db: Path) -> Path:  # noqa: F811
    assert main(["rota", "import", DEMO]) == 0
    return db


def test_gaps_with_plain_dates_include_the_last_day(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["rota", "gaps", "--from", "2026-01-05", "--to", "2026-01-12"]) == 0
    assert "2026-01-05 00:00 .. 2026-01-13 00:00" in capsys.readouterr().out


def test_a_date_and_a_time_without_offset_are_shanghai_time(demo: Path) -> None:
    by_date, by_time = demo / "a.ics", demo / "b.ics"
    assert main(["rota", "ics", "--station", "hd", "--from", "2026-12-01", "--to", "2026-12-07",
                 "-o", str(by_date)]) == 0
    assert main(["rota", "ics", "--station", "hd", "--from", "2026-12-01T00:00+08:00",
                 "--to", "2026-12-08 00:00", "-o", str(by_time)]) == 0
    events = [Calendar.from_ical(f.read_bytes()).walk("VEVENT") for f in (by_date, by_time)]
    # hd-evening, 18:00-02:00 nightly: 7 nights plus the tail of Nov 30's night, either way it is typed
    assert len(events[0]) == len(events[1]) == 8


def test_show_and_fairness_take_today_and_now(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rota", "show", "--at", "now", "--station", "bj-city"]) == 0
    assert main(["rota", "fairness", "--from", "today", "--to", "today"]) == 0
    assert "Hours on duty" in capsys.readouterr().out


def test_a_swap_typed_as_dates_covers_the_whole_day(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rota", "swap", "on-behalf", "c1", "c2", "bj-city", "2026-12-02", "2026-12-02",
                 "--by", "c6"]) == 0
    capsys.readouterr()
    assert main(["rota", "swap", "list"]) == 0
    assert "2026-12-02 00:00 .. 2026-12-03 00:00" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "option"), [
    (["rota", "gaps", "--from", "05/01/2026"], "--from"),
    (["rota", "gaps", "--from", "2026-01-05", "--to", "0001-01-01"], "--to"),
    (["rota", "fairness", "--from", "9999-12-31"], "--from"),
    (["rota", "ics", "--station", "hd", "--from", "2026-02-30"], "--from"),
    (["rota", "show", "--at", "tomorrow"], "--at"),
    (["rota", "swap", "request", "c1", "c2", "bj-city", "2026-12-02", "soon"], "end"),
])
def test_a_bad_value_exits_2_with_one_line_naming_the_forms(
        demo: Path, capsys: pytest.CaptureFixture[str], argv: list[str], option: str) -> None:
    capsys.readouterr()
    assert main(argv) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.count("\n") == 1 and f"{option}:" in out.err and ACCEPTED in out.err


def test_an_end_before_the_start_exits_2(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["rota", "gaps", "--from", "2026-01-12", "--to", "2026-01-05"]) == 2
    assert "is not after --from 2026-01-12 00:00" in capsys.readouterr().err
