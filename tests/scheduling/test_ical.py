"""iCal export per counselor and per station, checked by parsing it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from scheduling.ical import to_ical
from scheduling.model import Leave
from scheduling.schedule import Schedule
from tests.scheduling.builders import day_night, people, rota, sh

STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def events(data: bytes) -> list[tuple[datetime, datetime, str, str]]:
    cal = Calendar.from_ical(data)
    return [(e.decoded("dtstart"), e.decoded("dtend"), str(e.get("summary")),
             str(e.get("categories").cats[0])) for e in cal.walk("VEVENT")]


def test_counselor_calendar_parses_back_with_every_shift_and_layer() -> None:
    lv = Leave("L1", "a", sh(2026, 1, 7, 8), sh(2026, 1, 7, 20))
    r = rota([day_night(backup=("c",))], people("a", "b", "c"), leave=(lv,))
    s = Schedule(r, sh(2026, 1, 6, 8), sh(2026, 1, 8, 8))
    mine = s.shifts(counselor="c")
    got = events(to_ical(r, mine, "c", STAMP))
    assert [(a, b, layer) for a, b, _, layer in got] == [
        (sh(2026, 1, 7, 8).astimezone(UTC), sh(2026, 1, 7, 20).astimezone(UTC), "leave_cover")]
    assert "C on duty: Haidian" in got[0][2]


def test_station_calendar_has_one_event_per_span() -> None:
    r = rota([day_night()])
    s = Schedule(r, sh(2026, 1, 6, 8), sh(2026, 1, 9, 8))
    got = events(to_ical(r, s.shifts("hd"), "hd", STAMP))
    assert len(got) == 6 and all(b - a == timedelta(hours=12) for a, b, _, _ in got)
    assert Calendar.from_ical(to_ical(r, s.shifts("hd"), "hd", STAMP)).get("x-wr-calname") == "hd"
