"""Coverage against demand, per station and for the whole line, for a report range.

- scheduled hours: person-hours on duty (shifts after leave, swaps and overrides), inside the range.
- needed hours: clock hours in which some need of config/demand.yaml applies (its local window,
  or every hour; needs that overlap count once, since one bilingual person can meet two). A
  station with no need of its own needs nothing by itself: its people count toward the line-wide
  needs (chats are offered across the line).
- gap hours: clock hours in which some need was not met (overlapping gaps counted once), so
  needed - gap is the hours fully met; missing person-hours: the people missing x hours, summed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.rota import RotaService
from bot.web.admin.reports import clipped_hours
from scheduling.demand import LINE, Need
from scheduling.gaps import Gap
from scheduling.model import DEFAULT_TZ, Rota

WHOLE_LINE = "whole line"


@dataclass(frozen=True)
class CoverageRow:
    place: str  # station id, or LINE
    name: str
    scheduled_h: float
    needed_h: float
    gap_h: float
    missing_h: float


def station_tz(rota: Rota, station: str) -> str:
    """The station's time zone: its rotations' (the first one's), else the rota default."""
    return next((r.tz for r in rota.rotations if r.station == station), DEFAULT_TZ)


def needed_hours(needs: list[Need], start: datetime, end: datetime, tz: str) -> float:
    return union_hours([w for n in needs for w in n.windows(start, end, tz)])


def union_hours(spans_in: list[tuple[datetime, datetime]]) -> float:
    """Hours covered by the spans, overlaps counted once."""
    spans = sorted(spans_in)
    total, cur_a, cur_b = 0.0, None, None
    for a, b in spans:
        if cur_b is None or a > cur_b:
            total += 0 if cur_a is None or cur_b is None else (cur_b - cur_a).total_seconds()
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_a is not None and cur_b is not None:
        total += (cur_b - cur_a).total_seconds()
    return total / 3600


async def coverage_rows(rota: RotaService, start: datetime, end: datetime,
                        station: str | None = None) -> list[CoverageRow]:
    """The whole line first, then each station (only `station` when given); [] without a rota."""
    stored = await rota.rota()
    if not stored.stations:
        return []
    shifts = await rota.shifts(start, end)
    scheduled = clipped_hours(((d.station, d.start, d.end) for d in shifts), start, end)
    needs, tz = rota.needs(), rota.demand.tz
    line_gaps = [g for g in await rota.coverage_gaps(start, end) if g.station == LINE]
    rows = [_row(LINE, WHOLE_LINE, sum(scheduled.values()), [n for n in needs if n.station == LINE],
                 line_gaps, start, end, tz)]
    for sid, st in stored.stations.items():
        if station is not None and sid != station:
            continue
        gaps = [g for g in await rota.coverage_gaps(start, end, sid) if g.station == sid]
        rows.append(_row(sid, st.name, scheduled.get(sid, 0.0), [n for n in needs if n.station == sid],
                         gaps, start, end, tz))
    return rows


def _row(place: str, name: str, scheduled_h: float, needs: list[Need], gaps: list[Gap],
         start: datetime, end: datetime, tz: str) -> CoverageRow:
    gap_h = union_hours([(g.start, g.end) for g in gaps])
    return CoverageRow(place, name, round(scheduled_h, 2), round(needed_hours(needs, start, end, tz), 2),
                       round(gap_h, 2), round(sum(g.missing * g.hours for g in gaps), 2))


def coverage_csv(rows: list[CoverageRow]) -> list[list[str]]:
    """(section, key, value) rows; the key is the station id, or "line" for the whole line."""
    out = []
    for c in rows:
        key = "line" if c.place == LINE else c.place
        out += [[f"coverage_{what}", key, f"{v:.1f}"] for what, v in (
            ("scheduled_h", c.scheduled_h), ("needed_h", c.needed_h), ("gap_h", c.gap_h),
            ("missing_person_h", c.missing_h))]
    return out
