"""Coverage gaps, the demand profile and the fairness report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.demand import DemandProfile
from scheduling.fairness import fairness
from scheduling.gaps import coverage_gaps
from scheduling.model import Leave, Rotation
from scheduling.schedule import Schedule
from tests.scheduling.builders import people, rota, sh

NIGHT_HEAVY = DemandProfile(tuple(3.0 if h >= 20 or h < 6 else 1.0 for h in range(24)))


def test_night_gap_sorts_before_a_longer_daytime_gap() -> None:
    day = sh(2026, 1, 6)
    leave = (Leave("L1", "a", day + timedelta(hours=9), day + timedelta(hours=13)),   # 4 h by day
             Leave("L2", "a", day + timedelta(hours=22), day + timedelta(hours=25)))  # 3 h at night
    r = rota([Rotation("r", "hd", ("a",), timedelta(hours=12), sh(2026, 1, 5, 8))], leave=leave)
    s = Schedule(r, day, day + timedelta(days=2))
    gaps = coverage_gaps(s, day, day + timedelta(days=2), ["hd"], demand=NIGHT_HEAVY)
    assert [(g.start, g.end) for g in gaps] == [
        (day + timedelta(hours=22), day + timedelta(hours=25)),
        (day + timedelta(hours=9), day + timedelta(hours=13))]
    assert gaps[0].severity == 9.0 and gaps[1].severity == 4.0


def test_gaps_count_each_language_on_its_own() -> None:
    cs = {**people("a", langs=("zh",)), **people("b", langs=("en",))}
    r = rota([Rotation("r", "hd", ("a", "b"), timedelta(hours=12), sh(2026, 1, 5, 8))], cs)
    start = sh(2026, 1, 6, 8)
    s = Schedule(r, start, start + timedelta(days=1))
    gaps = coverage_gaps(s, start, start + timedelta(days=1), ["hd"], ["zh", "en"])
    assert sorted((g.language, g.hours) for g in gaps) == [("en", 12.0), ("zh", 12.0)]


def test_fairness_reports_hours_per_counselor_including_zero() -> None:
    r = rota([Rotation("r", "hd", ("a", "b"), timedelta(hours=12), sh(2026, 1, 5, 8))],
             people("a", "b", "idle"))
    start = sh(2026, 1, 6, 8)
    rows = fairness(Schedule(r, start, start + timedelta(days=4)), start, start + timedelta(days=4))
    assert [(x.counselor, x.hours) for x in rows] == [("a", 48.0), ("b", 48.0), ("idle", 0.0)]
    assert rows[0].by_layer == {"rotation": 48.0}


def test_weighted_hours_follow_the_local_hour_of_day() -> None:
    p = DemandProfile(tuple(float(h) for h in range(24)))
    assert p.weighted_hours(sh(2026, 1, 6, 22, 30), sh(2026, 1, 7, 1)) == 0.5 * 22 + 23 + 0


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 400 * 24 * 60), st.integers(1, 120 * 24 * 60), st.sampled_from(
    ("Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata")))
def test_closed_form_weighted_hours_match_hour_by_hour(start_min: int, length_min: int, tz: str) -> None:
    p = DemandProfile(tuple(float(h % 7 + 1) for h in range(24)), tz)
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=start_min)
    end = start + timedelta(minutes=length_min)
    assert p.weighted_hours(start, end) == pytest.approx(p._stepwise(start, end), abs=1e-6)
