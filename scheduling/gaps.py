"""Coverage gaps: spans where fewer than `min_staff` people (speaking a language) are on duty.

`coverage_gaps` reads the same compiled timeline as `Schedule.on_duty`, so the two agree at
every instant by construction; a property test holds them to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from scheduling.demand import LANGUAGE_NAMES, LINE, DemandProfile, Need
from scheduling.schedule import Schedule, Timeline


@dataclass(frozen=True)
class Gap:
    station: str  # LINE ("*") when the need is line-wide
    start: datetime
    end: datetime
    language: str | None
    staffed: int
    missing: int
    severity: float  # missing x demand-weighted hours

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    def what(self) -> str:
        """The gap in words, without its time: "no English speaker on duty" or "1 more needed"."""
        who = f"{LANGUAGE_NAMES.get(self.language, self.language)} speaker" if self.language else "counselor"
        where = "" if self.station == LINE else f" at {self.station}"
        if self.staffed == 0:
            return f"no {who} on duty{where}"
        return f"{self.missing} more {who}{'s' if self.missing > 1 else ''} needed{where}"


def _station_gaps(schedule: Schedule, station: str, line: Timeline, lo: float, hi: float,
                  language: str | None, min_staff: int) -> list[tuple[float, float, int, int]]:
    """(start, end, staffed, missing) runs inside [lo, hi)."""
    out: list[tuple[float, float, int, int]] = []
    times = line.times
    speakers = {c.id for c in schedule.rota.counselors.values()
                if language is None or language in c.languages}
    for i, who in enumerate(line.who):
        a, b = max(times[i], lo), min(times[i + 1], hi)
        if a >= b:
            continue
        staffed = sum(1 for d in who if d.counselor in speakers)
        if staffed >= min_staff:
            continue
        if out and out[-1][1] == a and out[-1][2] == staffed:
            out[-1] = (out[-1][0], b, staffed, min_staff - staffed)
        else:
            out.append((a, b, staffed, min_staff - staffed))
    return out


def coverage_gaps(schedule: Schedule, start: datetime, end: datetime,
                  stations: Sequence[str] | None = None, languages: Sequence[str | None] | None = None,
                  min_staff: int = 1, demand: DemandProfile | None = None) -> list[Gap]:
    """Gaps in [start, end) (clipped to the compiled span), worst first.

    Each language is checked on its own (`None` counts everyone); severity weighs the missing
    people by the hour-of-day demand profile. Without `stations`, every station that has a
    rotation is checked (a station nobody is ever rostered at is not staffed on its own).
    """
    demand = demand or DemandProfile()
    lo, hi = max(start, schedule.start).timestamp(), min(end, schedule.end).timestamp()
    out: list[Gap] = []
    if stations is None:
        stations = sorted({r.station for r in schedule.rota.rotations})
    for station in stations:
        line = schedule.timelines[station]
        for lang in languages or [None]:
            for a, b, staffed, missing in _station_gaps(schedule, station, line, lo, hi, lang, min_staff):
                s, e = datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC)
                out.append(Gap(station, s, e, lang, staffed, missing,
                               missing * demand.weighted_hours(s, e)))
    return sorted(out, key=lambda g: (-g.severity, g.start, g.station))


def need_gaps(schedule: Schedule, start: datetime, end: datetime, needs: Sequence[Need],
              demand: DemandProfile | None = None) -> list[Gap]:
    """Gaps against the explicit demand model (config/demand.yaml `needs`), worst first.

    A line-wide need counts everyone on duty at any station (chats are offered across the line);
    a station need counts that station's people, and only inside its hours. A need naming a station
    the rota does not have finds nothing here: `hotline rota check` reports it.
    """
    demand = demand or DemandProfile()
    lo, hi = max(start, schedule.start), min(end, schedule.end)
    out: list[Gap] = []
    for need in needs:
        if need.station != LINE and need.station not in schedule.timelines:
            continue
        line = schedule.line() if need.station == LINE else schedule.timelines[need.station]
        for a, b in need.windows(lo, hi, demand.tz) if lo < hi else []:
            for x, y, staffed, missing in _station_gaps(schedule, need.station, line, a.timestamp(),
                                                        b.timestamp(), need.language, need.min_staff):
                s, e = datetime.fromtimestamp(x, UTC), datetime.fromtimestamp(y, UTC)
                out.append(Gap(need.station, s, e, need.language, staffed, missing,
                               missing * demand.weighted_hours(s, e)))
    return sorted(out, key=lambda g: (-g.severity, g.start, g.station))
