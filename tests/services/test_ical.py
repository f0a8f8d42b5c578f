"""The standard-library iCalendar writer (bot/services/ical.py) against RFC 5545, checked by the
`icalendar` parser and by reading the bytes: CRLF, 75-octet folding, escaping, UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from icalendar import Calendar

from bot.services.ical import FeedEvent, calendar, escape, fold

STAMP = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
BEIJING = timezone(timedelta(hours=8))


def test_long_lines_fold_at_75_octets_without_cutting_a_character() -> None:
    line = "SUMMARY:" + "值班：海淀区心理援助中心" * 12

    folded = fold(line)

    physical = folded.split(b"\r\n")[:-1]
    assert folded.endswith(b"\r\n") and len(physical) > 1
    assert all(len(p) <= 75 for p in physical)
    assert all(p.startswith(b" ") for p in physical[1:])
    assert b"".join(p[1:] if i else p for i, p in enumerate(physical)).decode() == line


def test_text_values_are_escaped() -> None:
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_a_feed_parses_back_with_its_events_in_utc() -> None:
    start, end = datetime(2026, 3, 3, 8, tzinfo=BEIJING), datetime(2026, 3, 3, 20, tzinfo=BEIJING)
    events = [FeedEvent("e1@hotline", start, end, "On duty: 海淀区中心, 夜班; 备班", "Role: rota shift")]

    body = calendar("hotline: 陈老师", events, STAMP)

    assert b"\n" not in body.replace(b"\r\n", b"")
    assert b"DTSTART:20260303T000000Z\r\n" in body and b"DTSTAMP:20260302T010000Z\r\n" in body
    cal = Calendar.from_ical(body)
    (ev,) = cal.walk("VEVENT")
    assert cal["VERSION"] == "2.0" and str(cal["X-WR-CALNAME"]) == "hotline: 陈老师"
    assert str(ev["UID"]) == "e1@hotline"
    assert ev.decoded("DTSTART") == datetime(2026, 3, 3, 0, tzinfo=UTC)
    assert ev.decoded("DTEND") == datetime(2026, 3, 3, 12, tzinfo=UTC)
    assert str(ev["SUMMARY"]) == "On duty: 海淀区中心, 夜班; 备班"
