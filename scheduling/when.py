"""Times as coordinators type them: the one parser behind every CLI option and dashboard field.

Accepted forms (ACCEPTED says the same in one line, for error messages and --help):
- `2026-01-05`: a plain date, the start of that day in the station's zone (Asia/Shanghai by
  default, scheduling.model.DEFAULT_TZ, the zone the CLI and the dashboard print times in);
- `2026-01-05 08:00`, `2026-01-05T08:00:30`: a wall-clock time in that zone;
- `2026-01-05T08:00+08:00`, `...+0800`, `...Z`: a moment with its own offset, taken as given;
- `now`, `today`.

The end of a span is inclusive when it is a date: `--to 2026-01-12` (or `today`) runs to the
end of the 12th, i.e. the start of the 13th, as the dashboard's report range always has. A date-time
end is taken as given. Years outside 2000..2100 are refused: a typo like 0001 or 9999 gets a clear
message instead of an overflow somewhere in the span arithmetic.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from scheduling.errors import RotaError
from scheduling.model import DEFAULT_TZ
from scheduling.rotation import zone

ACCEPTED = ("use YYYY-MM-DD (start of that day, local time), YYYY-MM-DD HH:MM (local time), "
            "YYYY-MM-DDTHH:MM+08:00 (with an offset), 'today' or 'now'")
MIN_YEAR, MAX_YEAR = 2000, 2100

_FORM = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[Tt ](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<frac>\d{1,6}))?)?"
    r" ?(?P<off>[Zz]|[+-]\d{2}:?\d{2})?)?")


class WhenError(RotaError, ValueError):
    """A typed time could not be read; the message names the value and the accepted forms."""


def parse_when(text: str, now: datetime, tz: str | tzinfo = DEFAULT_TZ) -> tuple[datetime, bool]:
    """The moment `text` names and whether it named a whole day (a date or 'today').

    `now` must be aware; a wall-clock time or date is read in `tz`.
    """
    where = zone(tz) if isinstance(tz, str) else tz
    word = text.strip().lower()
    if word == "now":
        return now, False
    if word == "today":
        return _midnight(now.astimezone(where).date(), where), True
    m = _FORM.fullmatch(text.strip())
    if m is None:
        raise WhenError(f"{text!r} is not a time: {ACCEPTED}")
    year = int(m["y"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise WhenError(f"{text!r}: the year must be between {MIN_YEAR} and {MAX_YEAR}; {ACCEPTED}")
    try:
        day = date(year, int(m["mo"]), int(m["d"]))
        if m["h"] is None:
            return _midnight(day, where), True
        frac = int((m["frac"] or "0").ljust(6, "0"))
        at = datetime(year, day.month, day.day, int(m["h"]), int(m["mi"]), int(m["s"] or 0), frac)
        return at.replace(tzinfo=_offset(m["off"]) if m["off"] else where), False
    except ValueError as exc:  # 2026-02-30, 25:00, an offset of 24 hours or more
        raise WhenError(f"{text!r} is not a real time ({exc}): {ACCEPTED}") from None


def parse_start(text: str, now: datetime, tz: str | tzinfo = DEFAULT_TZ) -> datetime:
    """The start of a span (or a single moment): a date means the start of that day."""
    return parse_when(text, now, tz)[0]


def parse_end(text: str, now: datetime, tz: str | tzinfo = DEFAULT_TZ) -> datetime:
    """The end of a span: a date is inclusive, so it means the start of the next day."""
    at, whole_day = parse_when(text, now, tz)
    if not whole_day:
        return at
    where = zone(tz) if isinstance(tz, str) else tz
    return _midnight(at.astimezone(where).date() + timedelta(days=1), where)


def _midnight(day: date, where: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=where)


def _offset(text: str) -> tzinfo:
    if text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if minutes >= 60:
        raise ValueError(f"offset minutes {minutes} out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))  # ValueError at 24 h or more
