"""Shared pieces of the coordinator dashboard: dates and times read and shown in Beijing time,
durations, and the one-line notices shown after a change (the frame is in admin/frame.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from scheduling.when import WhenError, parse_end, parse_start

LOCAL = ZoneInfo("Asia/Shanghai")


class FieldError(web.HTTPBadRequest):
    """A typed value that cannot be used. Uncaught it is a 400 page; a page with a form shows
    `message` beside the field (`field` is its label) instead."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(text=f"{message} Go back and fix it.")
        self.field, self.message = field, message


def local_date(text: str | None, default: date, field: str = "date", now: datetime | None = None) -> date:
    """A day from a query string (YYYY-MM-DD or 'today'), or `default` when absent.

    Read by scheduling.when like every typed time; a bad value is a 400 naming the field and the forms.
    """
    if not text:
        return default
    return local_dt(text, field, now).astimezone(LOCAL).date()


def local_dt(text: str, field: str = "", now: datetime | None = None, end: bool = False) -> datetime:
    """A typed or `datetime-local` form value (YYYY-MM-DDTHH:MM) read as Asia/Shanghai time.

    Any form scheduling.when accepts works: a plain date is the start of that day, or with
    `end=True` the start of the next (an end date is inclusive, as on the command line).
    """
    try:
        return read_local(text, now or datetime.now(LOCAL), end)
    except WhenError as exc:
        label = f"{field}: " if field else ""
        raise FieldError(field, f"{label}{exc}.") from None


def read_local(text: str, now: datetime, end: bool = False) -> datetime:
    """`text` read by scheduling.when as Asia/Shanghai time; raises WhenError naming the forms."""
    return (parse_end if end else parse_start)(text, now, LOCAL)


def fmt_local(at: datetime | None, pattern: str = "%m-%d %H:%M") -> str:
    return "" if at is None else at.astimezone(LOCAL).strftime(pattern)


def fmt_duration(seconds: float | None, lang: str = "en") -> str:
    """12 s, 3 min 05 s, 2 h 10 min (in Chinese 12 秒, 3 分 05 秒, 2 小时 10 分): readable at a
    glance on a wall screen."""
    if seconds is None:
        return "–"
    s = int(round(seconds))
    h, m, sec = ("h", "min", "s") if lang == "en" else ("小时", "分", "秒")
    if s < 60:
        return f"{s} {sec}"
    if s < 3600:
        return f"{s // 60} {m} {s % 60:02d} {sec}"
    return f"{s // 3600} {h} {s % 3600 // 60:02d} {m}"


def today_local(now: datetime) -> date:
    return now.astimezone(LOCAL).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


# The one-line message carried in the redirect after a POST (?done=...), from a fixed list.
NOTICES = {
    "override": "Override saved.",
    "override-deleted": "Override removed.",
    "swap-approve": "Swap approved: the calendar shows the new person.",
    "swap-decline": "Swap declined.",
    "swap-created": "Swap created and approved.",
    "leave": "Leave saved.",
    "leave-deleted": "Leave removed.",
    "undo": "The last change was undone.",
    "leave-request-approve": "Leave approved: it is in the rota.",
    "leave-request-decline": "Leave request declined.",
}
