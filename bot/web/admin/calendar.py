"""The rota as HTML grids (pure: shifts and gaps in, markup out through templates/admin/week.html
and month.html), in Asia/Shanghai time.

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

from markupsafe import Markup

from bot.web.admin.common import LOCAL
from bot.web.admin.report_coverage import union_hours
from bot.web.staff_text import label, text
from bot.web.templating import render
from scheduling.demand import LANGUAGE_NAMES

HOUR = timedelta(hours=1)
WHOLE_LINE = "whole line"  # a line-wide gap's place (config/demand.yaml needs without a station)
LAYER_WORDS = {"rotation": "rota", "override": "override", "swap": "swap", "leave_cover": "covering leave"}


@dataclass(frozen=True)
class Shift:
    """Someone on duty for a span. `layer` says why: rotation, override, swap, cover."""

    station: str
    counselor_id: str
    name: str
    start: datetime
    end: datetime
    layer: str = "rotation"
    place: str = ""  # the station's name, shown instead of its id

    @property
    def layer_words(self) -> str:
        return LAYER_WORDS.get(self.layer, self.layer)


@dataclass(frozen=True)
class Gap:
    """A span with fewer people on duty than needed (`missing` more are needed; for speakers of
    `language` when given)."""

    station: str  # where it is short: a station id, or "whole line"
    start: datetime
    end: datetime
    missing: int = 1
    language: str | None = None
    what: str = ""  # in words: "no English speaker on duty"
    staffed: int = 0  # how many of the needed people are on duty

    def words(self, lang: str) -> str:
        """The gap in the page's language: English as scheduling says it, Chinese from the figures."""
        if lang == "en":
            return self.what or self.station
        who = label("lang", self.language, lang) + text("admin.gap.speaker", lang) if self.language \
            else text("admin.gap.counselor", lang)
        where = "" if self.station == WHOLE_LINE else self.station
        key = "admin.gap.none_on_duty" if self.staffed == 0 else "admin.gap.more_needed"
        return text(key, lang, who=who, where=where, n=self.missing).strip()

    def place(self, lang: str) -> str:
        return text("admin.gap.whole_line", lang) if self.station == WHOLE_LINE else self.station


@dataclass(frozen=True)
class Clash:
    """One person on duty at two or more stations at once (scheduling.conflicts)."""

    counselor_id: str
    name: str
    stations: tuple[str, ...]
    start: datetime
    end: datetime

    @property
    def what(self) -> str:
        return f"{self.name} on duty at {' and '.join(self.stations)} at once"

    def words(self, lang: str) -> str:
        return self.what if lang == "en" else text("admin.clash", lang, name=self.name,
                                                    places="、".join(self.stations))


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), LOCAL)


T = TypeVar("T", Shift, Gap, Clash)


def overlapping(items: Sequence[T], start: datetime, end: datetime) -> list[T]:
    return [x for x in items if x.start < end and x.end > start]


@dataclass(frozen=True)
class GapTag:
    missing: int
    stations: str  # where it is short, comma-separated
    languages: str = ""  # whose speakers are short, e.g. "English"
    what: str = ""  # the gaps in words, for the cell's title


@dataclass(frozen=True)
class HourCell:
    at: str  # the hour's start, ISO 8601 with offset
    people: list[Shift]  # one per station and counselor, by station then name
    gap: GapTag | None
    clashing: frozenset[str] = frozenset()  # counselor ids on duty at two stations in this hour
    clash: str = ""  # those conflicts in words
    now: str = ""  # "HH:MM" when the current time falls in this hour (the "now" line)


def _people(shifts: Sequence[Shift]) -> list[Shift]:
    seen: dict[tuple[str, str], Shift] = {}
    for s in shifts:
        seen.setdefault((s.station, s.counselor_id), s)
    return sorted(seen.values(), key=lambda s: (s.station, s.name))


def _gap_tag(gaps: Sequence[Gap], lang: str = "en") -> GapTag | None:
    if not gaps:
        return None
    def lang_name(code: str) -> str:
        return LANGUAGE_NAMES.get(code, code) if lang == "en" else label("lang", code, lang)

    langs = sorted({lang_name(g.language) for g in gaps if g.language})
    what = "; ".join(sorted({f"{g.words(lang)} ({g.place(lang)})" if g.what else g.place(lang)
                             for g in gaps}))
    return GapTag(max(g.missing for g in gaps), ", ".join(sorted({g.station for g in gaps})),
                  "/".join(langs), what)


def _clash_words(clashes: Sequence[Clash], lang: str = "en") -> str:
    return "; ".join(sorted({c.words(lang) for c in clashes}))


def week_grid(monday: date, shifts: Sequence[Shift], gaps: Sequence[Gap], show_station: bool,
              clashes: Sequence[Clash] = (), now: datetime | None = None, lang: str = "en") -> Markup:
    """24 rows × 7 days; a cell lists who is on duty that hour and is marked when short or when
    someone in it is on duty at two stations at once."""
    days = [monday + timedelta(days=i) for i in range(7)]
    rows = []
    for hour in range(24):
        cells = []
        for d in days:
            start = local_midnight(d) + hour * HOUR
            here = overlapping(clashes, start, start + HOUR)
            now_here = f"{now.astimezone(LOCAL):%H:%M}" if now and start <= now < start + HOUR else ""
            cells.append(HourCell(start.isoformat(), _people(overlapping(shifts, start, start + HOUR)),
                                  _gap_tag(overlapping(gaps, start, start + HOUR), lang),
                                  frozenset(c.counselor_id for c in here), _clash_words(here, lang),
                                  now_here))
        rows.append((f"{hour:02d}:00", cells))
    heads = [f'{text(f"admin.day.{d.weekday()}", lang)} {d.strftime("%m-%d")}' for d in days]
    return render("admin/week.html", heads=heads, rows=rows, show_station=show_station, lang=lang)


def gap_hours(gaps: Sequence[Gap], start: datetime, end: datetime) -> float:
    """Hours in [start, end) covered by at least one gap (overlapping gaps counted once)."""
    return union_hours([(max(g.start, start), min(g.end, end))
                        for g in gaps if g.start < end and g.end > start])


@dataclass(frozen=True)
class DayShift:
    start: str  # HH:MM, Beijing time, clipped to the day
    until: str  # HH:MM, or 24:00 when it runs past midnight
    station: str
    name: str
    layer: str
    counselor_id: str
    place: str = ""


@dataclass(frozen=True)
class DayCell:
    day: str  # ISO date
    number: int
    other: bool  # a day of the month before or after
    gap_hours: float
    shifts: list[DayShift]
    clash: str = ""  # conflicts that day, in words


def _day_shifts(shifts: Sequence[Shift], start: datetime) -> list[DayShift]:
    end = start + timedelta(days=1)
    out = []
    for s in sorted(overlapping(shifts, start, end), key=lambda s: (s.start, s.station)):
        a, b = max(s.start, start), min(s.end, end)
        until = "24:00" if b == end else f"{b.astimezone(LOCAL):%H:%M}"
        out.append(DayShift(f"{a.astimezone(LOCAL):%H:%M}", until, s.station, s.name, s.layer,
                            s.counselor_id, s.place))
    return out


def month_grid(year: int, month: int, shifts: Sequence[Shift], gaps: Sequence[Gap],
               show_station: bool, clashes: Sequence[Clash] = (), lang: str = "en") -> Markup:
    """Weeks × 7 days; each day lists its shifts and the hours of gap (marked when any)."""
    weeks = []
    for week in stdcal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for d in week:
            start = local_midnight(d)
            cells.append(DayCell(d.isoformat(), d.day, d.month != month,
                                 gap_hours(gaps, start, start + timedelta(days=1)),
                                 _day_shifts(shifts, start) if d.month == month else [],
                                 _clash_words(overlapping(clashes, start, start + timedelta(days=1)), lang)))
        weeks.append(cells)
    day_names = [text(f"admin.day.{i}", lang) for i in range(7)]
    return render("admin/month.html", day_names=day_names, weeks=weeks, show_station=show_station, lang=lang)
