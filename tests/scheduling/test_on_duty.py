"""on_duty across midnight and DST, with windows, weekdays, overrides, leave and swaps."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from scheduling.model import Layer, Leave, Override, Rotation, Swap, SwapState, Window
from scheduling.schedule import Schedule, on_duty
from tests.scheduling.builders import BERLIN, day_night, people, rota, sh


def who(r, at, station="hd", lang=None):  # type: ignore[no-untyped-def]
    return [(d.counselor, d.layer.value) for d in on_duty(r, at, station, lang)]


def test_night_shift_runs_across_midnight() -> None:
    r = rota([day_night()])
    assert who(r, sh(2026, 1, 5, 20)) == [("b", "rotation")]
    assert who(r, sh(2026, 1, 5, 23, 59)) == [("b", "rotation")]
    assert who(r, sh(2026, 1, 6, 0, 1)) == [("b", "rotation")]
    assert who(r, sh(2026, 1, 6, 8)) == [("a", "rotation")]


def test_nobody_is_on_duty_before_the_rotation_starts() -> None:
    assert who(rota([day_night()]), sh(2026, 1, 5, 7, 59)) == []


def test_handover_stays_at_local_wall_clock_across_dst_in_berlin() -> None:
    start = datetime(2026, 3, 23, 8, tzinfo=BERLIN)  # a Monday; DST starts 2026-03-29 02:00
    r = rota([day_night(tz="Europe/Berlin", start=start)])
    s = Schedule(r, datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    night = next(d for d in s.shifts("hd") if d.start == datetime(2026, 3, 28, 20, tzinfo=BERLIN))
    assert night.end == datetime(2026, 3, 29, 8, tzinfo=BERLIN)
    assert night.end - night.start == timedelta(hours=11)  # the spring-forward night is short
    assert who(r, datetime(2026, 3, 29, 7, 59, tzinfo=BERLIN)) == [(night.counselor, "rotation")]
    assert who(r, datetime(2026, 3, 29, 8, 0, tzinfo=BERLIN)) != [(night.counselor, "rotation")]


def test_autumn_dst_night_is_thirteen_hours_in_new_york() -> None:
    start = datetime(2026, 10, 26, 8, tzinfo=BERLIN).astimezone(UTC)
    from zoneinfo import ZoneInfo
    ny = ZoneInfo("America/New_York")  # DST ends 2026-11-01 02:00
    r = rota([day_night(tz="America/New_York", start=datetime(2026, 10, 26, 8, tzinfo=ny))])
    s = Schedule(r, start, start + timedelta(days=10))
    night = next(d for d in s.shifts("hd") if d.start == datetime(2026, 10, 31, 20, tzinfo=ny))
    assert night.end - night.start == timedelta(hours=13)


def test_hour_window_across_midnight_belongs_to_the_day_it_starts() -> None:
    rot = Rotation("eve", "hd", ("a",), timedelta(days=1), sh(2026, 1, 5), weekdays=frozenset({0}),
                   windows=(Window(time(18), time(2)),))
    r = rota([rot])
    assert who(r, sh(2026, 1, 5, 17, 59)) == []
    assert who(r, sh(2026, 1, 5, 18)) == [("a", "rotation")]
    assert who(r, sh(2026, 1, 6, 1, 59)) == [("a", "rotation")]  # Monday's window, on Tuesday
    assert who(r, sh(2026, 1, 6, 2)) == []
    assert who(r, sh(2026, 1, 6, 18)) == []  # Tuesday is not a rota day


def test_leave_during_a_shift_shows_the_backup_with_its_layer() -> None:
    lv = Leave("L1", "a", sh(2026, 1, 6, 12), sh(2026, 1, 6, 15))
    r = rota([day_night(members=("a", "b"), backup=("c",))], people("a", "b", "c"), leave=(lv,))
    assert who(r, sh(2026, 1, 6, 11)) == [("a", "rotation")]
    assert who(r, sh(2026, 1, 6, 13)) == [("c", "leave_cover")]
    assert on_duty(r, sh(2026, 1, 6, 13), "hd")[0].source == "L1"
    assert who(r, sh(2026, 1, 6, 15)) == [("a", "rotation")]


def test_leave_without_backup_is_covered_by_the_next_member() -> None:
    lv = Leave("L1", "a", sh(2026, 1, 6), sh(2026, 1, 7))
    r = rota([day_night(members=("a", "b", "c"))], leave=(lv,))
    assert who(r, sh(2026, 1, 6, 21)) == [("b", "leave_cover")]  # shift 3 is a's; b has the next


def test_nobody_is_shown_when_every_member_is_on_leave() -> None:
    leave = tuple(Leave(f"L{c}", c, sh(2026, 1, 6), sh(2026, 1, 7)) for c in ("a", "b"))
    assert who(rota([day_night()], leave=leave), sh(2026, 1, 6, 9)) == []


def test_overlapping_overrides_both_put_people_on_duty_after_the_scheduled_one() -> None:
    ovs = (Override("o1", "x", "hd", sh(2026, 1, 6, 9), sh(2026, 1, 6, 12)),
           Override("o2", "y", "hd", sh(2026, 1, 6, 10), sh(2026, 1, 6, 14)))
    r = rota([day_night()], people("a", "b", "x", "y"), overrides=ovs)
    assert who(r, sh(2026, 1, 6, 11)) == [("a", "rotation"), ("x", "override"), ("y", "override")]
    assert who(r, sh(2026, 1, 6, 13)) == [("a", "rotation"), ("y", "override")]


def test_override_that_replaces_someone_takes_their_place() -> None:
    ov = Override("o1", "x", "hd", sh(2026, 1, 6, 9), sh(2026, 1, 6, 12), replaces="a")
    r = rota([day_night()], people("a", "b", "x"), overrides=(ov,))
    assert who(r, sh(2026, 1, 6, 10)) == [("x", "override")]
    assert who(r, sh(2026, 1, 6, 12)) == [("a", "rotation")]


def test_leave_wins_over_an_override() -> None:
    ov = Override("o1", "x", "hd", sh(2026, 1, 6, 9), sh(2026, 1, 6, 12))
    lv = Leave("L1", "x", sh(2026, 1, 6, 10), sh(2026, 1, 6, 11))
    r = rota([day_night()], people("a", "b", "x"), overrides=(ov,), leave=(lv,))
    assert who(r, sh(2026, 1, 6, 10, 30)) == [("a", "rotation")]


def test_approved_swap_exchanges_duty_and_a_pending_one_does_not() -> None:
    span = (sh(2026, 1, 6, 8), sh(2026, 1, 6, 20))
    approved = Swap("s1", "a", "c", "hd", *span, SwapState.APPROVED)
    pending = Swap("s2", "a", "c", "hd", *span, SwapState.ACCEPTED)
    rot = day_night(members=("a", "b"))
    assert who(rota([rot], people("a", "b", "c"), swaps=(approved,)), sh(2026, 1, 6, 9)) == [("c", "swap")]
    assert who(rota([rot], people("a", "b", "c"), swaps=(pending,)), sh(2026, 1, 6, 9)) == [
        ("a", "rotation")]


def test_language_filter_keeps_only_speakers() -> None:
    cs = {**people("a", langs=("zh", "en")), **people("b")}
    r = rota([Rotation("r1", "hd", ("a",), timedelta(hours=12), sh(2026, 1, 5, 8)),
              Rotation("r2", "hd", ("b",), timedelta(hours=12), sh(2026, 1, 5, 8))], cs)
    assert who(r, sh(2026, 1, 6, 9), lang="en") == [("a", "rotation")]
    assert len(on_duty(r, sh(2026, 1, 6, 9), None)) == 2  # any station


def test_each_assignment_names_its_layer() -> None:
    r = rota([day_night()])
    assert on_duty(r, sh(2026, 1, 6, 9), "hd")[0].layer is Layer.ROTATION
