"""Shift reminders and the daily coverage-gap alert: what to tell whom (pure; a sender delivers).

Each notice carries a dedupe key so a job that runs twice (restart, two instances) sends it once
through the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduling.demand import DemandProfile, Need
from scheduling.escalation import coordinators_for
from scheduling.gaps import Gap, coverage_gaps, need_gaps
from scheduling.model import DEFAULT_TZ
from scheduling.rotation import zone
from scheduling.schedule import Schedule

REMIND_BEFORE = timedelta(minutes=15)  # issue 6: reminders 15 minutes before a shift


@dataclass(frozen=True)
class Notice:
    counselor: str
    text: str
    dedupe_key: str
    at: datetime  # when it should go out


def _local(t: datetime) -> str:
    return t.astimezone(zone(DEFAULT_TZ)).strftime("%m-%d %H:%M")


def shift_reminders(schedule: Schedule, start: datetime, end: datetime,
                    before: timedelta = REMIND_BEFORE) -> list[Notice]:
    """Reminders due in [start, end) for shifts starting `before` later (continuations excluded)."""
    out: list[Notice] = []
    for station, items in schedule.assignments.items():
        ends = {(d.counselor, d.end) for d in items}
        for d in items:
            due = d.start - before
            if not start <= due < end or (d.counselor, d.start) in ends:
                continue  # not due now, or the same person simply carries on
            name = schedule.rota.stations[station].name
            out.append(Notice(d.counselor, f"Reminder: you are on duty at {name} from {_local(d.start)} "
                              f"to {_local(d.end)} ({d.layer.value}).",
                              f"remind:{d.counselor}:{station}:{d.start.isoformat()}", due))
    return sorted(out, key=lambda n: (n.at, n.counselor))


def gap_alerts(schedule: Schedule, now: datetime, days: int = 7, languages: Sequence[str | None] = (None,),
               min_staff: int = 1, demand: DemandProfile | None = None, top: int = 10,
               needs: Sequence[Need] | None = None) -> list[Notice]:
    """One notice per coordinator listing the worst gaps of the next `days` at their stations
    (line-wide gaps go to every coordinator). With `needs`, against config/demand.yaml's model."""
    end = now + timedelta(days=days)
    gaps = (need_gaps(schedule, now, end, needs, demand) if needs is not None
            else coverage_gaps(schedule, now, end, None, languages, min_staff, demand))
    per_coord: dict[str, list[Gap]] = {}
    for g in gaps:
        for c in coordinators_for(schedule.rota, g.station):
            per_coord.setdefault(c, []).append(g)
    out = []
    for coord, mine in sorted(per_coord.items()):
        lines = [f"- {g.what()} {_local(g.start)}..{_local(g.end)} "
                 f"({g.hours:.1f} h)" for g in mine[:top]]
        more = f"\n(+{len(mine) - top} more: `hotline rota gaps`)" if len(mine) > top else ""
        span = f"{days} days" if days > 1 else "day"
        out.append(Notice(coord, f"Coverage gaps in the next {span}, worst first:\n" + "\n".join(lines)
                          + more, f"gaps:{coord}:{now.date().isoformat()}", now))
    return out
