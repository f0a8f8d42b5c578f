"""Conflicts: one person on duty at two stations at once, found in the compiled rota (so a shift
swapped away or covered for leave is no conflict), and `hotline rota check` lists them with the
coverage gaps."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.storage import migrate
from scheduling.conflicts import find_conflicts
from scheduling.model import Override, Rotation, Swap, SwapState
from scheduling.schedule import Schedule
from tests.scheduling.builders import people, rota, sh

ADMIN_ROTA = Path(__file__).resolve().parents[1] / "web" / "admin" / "rota.yaml"


def two_stations() -> list[Rotation]:
    return [Rotation("day", "hd", ("a", "b"), timedelta(hours=12), sh(2026, 1, 5, 8)),
            Rotation("st", "st", ("a",), timedelta(days=1), sh(2026, 1, 5, 10))]


def test_one_person_at_two_stations_is_one_conflict_per_overlap() -> None:
    r = rota(two_stations(), people("a", "b"))
    day = sh(2026, 1, 5)
    found = find_conflicts(Schedule(r, day, day + timedelta(days=2)))
    # Two people in 12-hour turns from 08:00 give a every day 08-20 at hd; st has a all day from
    # the 5th at 10:00: 10-20 on the 5th and 08-20 on the 6th are at both stations.
    assert [(c.counselor, c.stations, c.start, c.end) for c in found] == [
        ("a", ("hd", "st"), sh(2026, 1, 5, 10), sh(2026, 1, 5, 20)),
        ("a", ("hd", "st"), sh(2026, 1, 6, 8), sh(2026, 1, 6, 20))]


def test_a_swapped_away_shift_is_no_conflict_and_an_override_can_make_one() -> None:
    day = sh(2026, 1, 6)
    swap = Swap("w", "a", "b", "hd", day + timedelta(hours=8), day + timedelta(hours=20), SwapState.APPROVED)
    r = rota(two_stations(), people("a", "b"), swaps=(swap,))
    assert find_conflicts(Schedule(r, day, day + timedelta(days=1))) == []
    ov = Override("o", "b", "st", day + timedelta(hours=9), day + timedelta(hours=10))
    r2 = rota(two_stations(), people("a", "b"), overrides=(ov,), swaps=(swap,))
    (c,) = find_conflicts(Schedule(r2, day, day + timedelta(days=1)), "b")
    assert (c.stations, c.start, c.end) == (("hd", "st"), day + timedelta(hours=9), day + timedelta(hours=10))


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    url = f"sqlite+aiosqlite:///{tmp_path}/check.db"
    monkeypatch.setenv("HOTLINE_DATABASE_URL", url)
    migrate.upgrade(url, "head")
    return tmp_path


def test_rota_check_lists_a_real_conflict_and_a_real_gap_and_exits_1(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = db / "clean.yaml"
    clean.write_text(ADMIN_ROTA.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["rota", "import", str(clean)]) == 0
    assert main(["rota", "check", "--from", "2026-03-03", "--to", "2026-03-03"]) == 0
    assert "0 conflicts" in capsys.readouterr().out

    broken = db / "broken.yaml"
    broken.write_text(clean.read_text(encoding="utf-8") + """overrides:
  - {id: o1, counselor: c1, station: cy, start: "2026-03-03T09:00:00+08:00", end: "2026-03-03T11:00:00+08:00"}
leave:
  - {id: l1, counselor: c1, start: "2026-03-03T14:00:00+08:00", end: "2026-03-03T16:00:00+08:00"}
  - {id: l2, counselor: c2, start: "2026-03-03T14:00:00+08:00", end: "2026-03-03T16:00:00+08:00"}
""", encoding="utf-8")
    assert main(["rota", "import", str(broken)]) == 0
    capsys.readouterr()
    assert main(["rota", "check", "--from", "2026-03-03", "--to", "2026-03-03"]) == 1
    out = capsys.readouterr().out
    assert "conflict: Counselor Chen (c1) at cy and hd, 2026-03-03 09:00 .. 2026-03-03 11:00" in out
    assert "gap: no Chinese speaker on duty (whole line), 2026-03-03 14:00 .. 2026-03-03 16:00" in out
    assert "gap: no English speaker on duty (whole line), 2026-03-03 14:00 .. 2026-03-03 16:00" in out
