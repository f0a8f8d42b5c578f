"""The rota as HTML grids (pure: shifts and gaps in, markup out), in Asia/Shanghai time.

Week view: one row per hour, one column per day; each cell names who is on duty in that hour
and is marked as a gap when coverage is short. Month view: one cell per day with its shifts and
the hours of gap that day. Gaps come from scheduling's `coverage_gaps` (demand profile included),
so "short" means what the rota says it means, not a rule of this page.
"""

from __future__ import annotations

import calendar as stdcal
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from bot.web.admin.common import LOCAL
from bot.web.layout import esc

HOUR = timedelta(hours=1)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Shift:
    """Someone on duty for a span. `layer` says why: rotation, override, swap, cover."""

    station: str
    counselor_id: str
    name: str
    start: datetime
    end: datetime
    layer: str = "rotation"


@dataclass(frozen=True)
class Gap:
    """A span with fewer people on duty than needed (`missing` more are needed; for speakers of
    `language` when given)."""

    station: str
    start: datetime
    end: datetime
    missing: int = 1
    language: str | None = None


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), LOCAL)


T = TypeVar("T", Shift, Gap)


def overlapping(items: Sequence[T], start: datetime, end: datetime) -> list[T]:
    return [x for x in items if x.start < end and x.end > start]


def _who(shifts: Sequence[Shift], show_station: bool) -> str:
    seen: dict[tuple[str, str], Shift] = {}
    for s in shifts:
        seen.setdefault((s.station, s.counselor_id), s)
    parts = []
    for s in sorted(seen.values(), key=lambda s: (s.station, s.name)):
        where = f'<span class="st">{esc(s.station)}</span> ' if show_station else ""
        parts.append(f'<span class="who layer-{esc(s.layer)}" data-counselor="{esc(s.counselor_id)}">'
                     f'{where}{esc(s.name)}</span>')
    return "".join(parts)


def _gap_cell(gaps: Sequence[Gap]) -> tuple[str, str]:
    if not gaps:
        return "", ""
    missing = max(g.missing for g in gaps)
    stations = ", ".join(sorted({g.station for g in gaps}))
    return " gap", f'<span class="gap-tag" title="short at {esc(stations)}">gap −{missing}</span>'


def week_grid(monday: date, shifts: Sequence[Shift], gaps: Sequence[Gap], show_station: bool) -> str:
    """24 rows × 7 days; a cell lists who is on duty that hour and is marked when short."""
    days = [monday + timedelta(days=i) for i in range(7)]
    head = "".join(f'<th scope="col">{DAY_NAMES[d.weekday()]} {d.strftime("%m-%d")}</th>' for d in days)
    rows = []
    for hour in range(24):
        cells = []
        for d in days:
            start = local_midnight(d) + hour * HOUR
            on = overlapping(shifts, start, start + HOUR)
            gap_cls, gap_tag = _gap_cell(overlapping(gaps, start, start + HOUR))
            cells.append(f'<td class="slot{gap_cls}" data-at="{start.isoformat()}">'
                         f"{_who(on, show_station)}{gap_tag}</td>")
        rows.append(f'<tr><th scope="row">{hour:02d}:00</th>{"".join(cells)}</tr>')
    return (f'<table class="calendar week" id="calendar"><thead><tr><th scope="col">Beijing time</th>'
            f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def gap_hours(gaps: Sequence[Gap], start: datetime, end: datetime) -> float:
    """Hours in [start, end) covered by at least one gap (overlapping gaps counted once)."""
    spans = sorted((max(g.start, start), min(g.end, end)) for g in gaps if g.start < end and g.end > start)
    total, cur_a, cur_b = 0.0, None, None
    for a, b in spans:
        if cur_b is None or a > cur_b:
            if cur_b is not None and cur_a is not None:
                total += (cur_b - cur_a).total_seconds()
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_a is not None and cur_b is not None:
        total += (cur_b - cur_a).total_seconds()
    return total / 3600


def _day_shifts(shifts: Sequence[Shift], start: datetime, show_station: bool) -> str:
    lines = []
    todays = overlapping(shifts, start, start + timedelta(days=1))
    for s in sorted(todays, key=lambda s: (s.start, s.station)):
        a, b = max(s.start, start), min(s.end, start + timedelta(days=1))
        where = f"{esc(s.station)} " if show_station else ""
        until = "24:00" if b == start + timedelta(days=1) else f"{b.astimezone(LOCAL):%H:%M}"
        lines.append(f'<li class="layer-{esc(s.layer)}" data-counselor="{esc(s.counselor_id)}">'
                     f'{a.astimezone(LOCAL):%H:%M}–{until} {where}{esc(s.name)}</li>')
    return f'<ul class="shifts">{"".join(lines)}</ul>' if lines else ""


def month_grid(year: int, month: int, shifts: Sequence[Shift], gaps: Sequence[Gap],
               show_station: bool) -> str:
    """Weeks × 7 days; each day lists its shifts and the hours of gap (marked when any)."""
    head = "".join(f'<th scope="col">{n}</th>' for n in DAY_NAMES)
    rows = []
    for week in stdcal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for d in week:
            start = local_midnight(d)
            short = gap_hours(gaps, start, start + timedelta(days=1))
            cls = "day" + (" other" if d.month != month else "") + (" gap" if short else "")
            tag = f'<span class="gap-tag">gap {short:.0f} h</span>' if short else ""
            cells.append(f'<td class="{cls}" data-day="{d.isoformat()}"><span class="date">{d.day}</span>'
                         f"{tag}{_day_shifts(shifts, start, show_station) if d.month == month else ''}</td>")
        rows.append(f'<tr>{"".join(cells)}</tr>')
    return (f'<table class="calendar month" id="calendar"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')
