"""Shared pieces of the coordinator dashboard: the tab bar, forms with the CSRF token, dates.

Every value from the database or a person goes through `esc` before it reaches markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.web.auth import csrf_token
from bot.web.layout import esc, page

LOCAL = ZoneInfo("Asia/Shanghai")
CSS = "/static/admin/admin.css"
TABS = (("/admin", "Overview"), ("/admin/rota", "Rota"), ("/admin/board", "Live board"),
        ("/admin/counselors", "Counselors"), ("/admin/reports", "Reports"))


def tabs_html(current: str) -> str:
    links = []
    for href, label in TABS:
        here = current == href or (href != "/admin" and current.startswith(href))
        attr = ' aria-current="page" class="tab here"' if here else ' class="tab"'
        links.append(f'<a href="{href}"{attr}>{label}</a>')
    return f'<nav class="admin-tabs" aria-label="Dashboard">{"".join(links)}</nav>'


async def admin_page(request: web.Request, title: str, body: str, scripts: Sequence[str] = (),
                     status: int = 200) -> web.Response:
    """A dashboard page: the site frame, the dashboard tabs, then `body` (trusted markup)."""
    inner = f'{tabs_html(request.path)}<h1>{esc(title)}</h1>{body}'
    return await page(request, title, inner, scripts=scripts, styles=[CSS], status=status)


async def csrf_field(request: web.Request) -> str:
    return f'<input type="hidden" name="csrf_token" value="{esc(await csrf_token(request))}">'


def local_date(text: str | None, default: date) -> date:
    """A YYYY-MM-DD from a query string, or `default` when absent or unreadable."""
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        return default


def local_dt(text: str) -> datetime:
    """A `datetime-local` form value (YYYY-MM-DDTHH:MM) read as Asia/Shanghai time."""
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        raise web.HTTPBadRequest(text=f"Not a date and time: {text!r}. Use the date picker.") from None
    return naive.replace(tzinfo=LOCAL) if naive.tzinfo is None else naive


def fmt_local(at: datetime | None, pattern: str = "%m-%d %H:%M") -> str:
    return "" if at is None else at.astimezone(LOCAL).strftime(pattern)


def fmt_duration(seconds: float | None) -> str:
    """12 s, 3 min 05 s, 2 h 10 min: readable at a glance on a wall screen."""
    if seconds is None:
        return "–"
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def today_local(now: datetime) -> date:
    return now.astimezone(LOCAL).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def notice(request: web.Request) -> str:
    """A one-line message carried in the redirect after a POST (?done=...), from a fixed list."""
    text = NOTICES.get(request.query.get("done", ""))
    return f'<p class="notice" role="status">{esc(text)}</p>' if text else ""


NOTICES = {
    "override": "Override saved.",
    "override-deleted": "Override removed.",
    "swap-approve": "Swap approved: the calendar shows the new person.",
    "swap-decline": "Swap declined.",
    "swap-created": "Swap created and approved.",
    "leave": "Leave saved.",
    "leave-deleted": "Leave removed.",
}
