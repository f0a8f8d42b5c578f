"""scheduling.when: every typed time goes through one parser; table cases, then properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduling.when import ACCEPTED, MAX_YEAR, MIN_YEAR, WhenError, parse_end, parse_start, parse_when

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 3, 22, 30, tzinfo=UTC)  # already 4 March 06:30 in Shanghai


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026-01-05", datetime(2026, 1, 5, tzinfo=SH), datetime(2026, 1, 6, tzinfo=SH)),
    ("2026-1-5", datetime(2026, 1, 5, tzinfo=SH), datetime(2026, 1, 6, tzinfo=SH)),
    (" 2026-12-31 ", datetime(2026, 12, 31, tzinfo=SH), datetime(2027, 1, 1, tzinfo=SH)),
    ("2026-01-05 08:00", datetime(2026, 1, 5, 8, tzinfo=SH), datetime(2026, 1, 5, 8, tzinfo=SH)),
    ("2026-01-05T08:00:30", datetime(2026, 1, 5, 8, 0, 30, tzinfo=SH),
     datetime(2026, 1, 5, 8, 0, 30, tzinfo=SH)),
    ("2026-01-05T08:00+00:00", datetime(2026, 1, 5, 8, tzinfo=UTC), datetime(2026, 1, 5, 8, tzinfo=UTC)),
    ("2026-01-05T08:00Z", datetime(2026, 1, 5, 8, tzinfo=UTC), datetime(2026, 1, 5, 8, tzinfo=UTC)),
    ("2026-01-05T08:00-0530", datetime(2026, 1, 5, 13, 30, tzinfo=UTC),
     datetime(2026, 1, 5, 13, 30, tzinfo=UTC)),
    ("2026-01-05T08:00:00.25+08:00", datetime(2026, 1, 5, 0, 0, 0, 250000, tzinfo=UTC),
     datetime(2026, 1, 5, 0, 0, 0, 250000, tzinfo=UTC)),
    ("now", NOW, NOW),
    ("NOW", NOW, NOW),
    ("today", datetime(2026, 3, 4, tzinfo=SH), datetime(2026, 3, 5, tzinfo=SH)),  # Shanghai's today
    (f"{MIN_YEAR}-01-01", datetime(MIN_YEAR, 1, 1, tzinfo=SH), datetime(MIN_YEAR, 1, 2, tzinfo=SH)),
    (f"{MAX_YEAR}-12-31", datetime(MAX_YEAR, 12, 31, tzinfo=SH), datetime(MAX_YEAR + 1, 1, 1, tzinfo=SH)),
])
def test_accepted_forms(text: str, start: datetime, end: datetime) -> None:
    assert parse_start(text, NOW) == start
    assert parse_end(text, NOW) == end


@pytest.mark.parametrize("text", [
    "", "tomorrow", "05/01/2026", "2026-01-05T", "2026-01-05T8", "2026-01-05 08:00 +08", "20260105",
    "2026-02-30", "2026-13-01", "2026-01-05T24:00", "2026-01-05T08:60", "2026-01-05T08:00+24:00",
    "2026-01-05T08:00+08:75", "0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "2026-01-05\n08:00",
])
def test_bad_values_say_which_forms_are_accepted_on_one_line(text: str) -> None:
    with pytest.raises(WhenError) as err:
        parse_start(text, NOW)
    message = str(err.value)
    assert ACCEPTED in message and repr(text) in message
    assert "\n" not in message.replace(repr(text), "")


def test_the_zone_can_be_given() -> None:
    assert parse_start("2026-01-05", NOW, "Europe/London") == datetime(2026, 1, 5, tzinfo=UTC)
    assert parse_start("2026-01-05 08:00", NOW, timezone(timedelta(hours=-5))) == datetime(2026, 1, 5, 13,
                                                                                            tzinfo=UTC)


@given(st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31)))
def test_a_date_is_its_local_day_and_the_end_includes_it_whole(day: date) -> None:
    start, whole = parse_when(day.isoformat(), NOW)
    end = parse_end(day.isoformat(), NOW)
    assert whole
    assert start.astimezone(SH).date() == day and start.astimezone(SH).time().hour == 0
    assert end - start == timedelta(days=1)  # Shanghai has no DST: every day is 24 h


@given(st.datetimes(min_value=datetime(MIN_YEAR, 1, 1), max_value=datetime(MAX_YEAR, 12, 31, 23, 59, 59)),
       st.integers(min_value=-14 * 60, max_value=14 * 60))
def test_an_iso_time_round_trips_with_or_without_its_offset(naive: datetime, offset_min: int) -> None:
    naive = naive.replace(microsecond=0)
    aware = naive.replace(tzinfo=timezone(timedelta(minutes=offset_min)))
    assert parse_start(aware.isoformat(), NOW) == aware
    assert parse_end(aware.isoformat(), NOW) == aware  # a time is taken as given, also as an end
    assert parse_start(naive.isoformat(), NOW) == naive.replace(tzinfo=SH)


@given(st.text(max_size=30))
def test_any_text_is_a_time_or_a_when_error(text: str) -> None:
    try:
        at = parse_start(text, NOW)
    except WhenError:
        return
    assert at.tzinfo is not None and MIN_YEAR <= at.year <= MAX_YEAR + 1
