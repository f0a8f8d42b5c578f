"""Conflicts: the same person on duty at two stations at once (one person cannot answer two
stations' chats; the rota must say who really covers). Read from the compiled assignments, so
leave, swaps and overrides are already applied: a swapped-away shift is no conflict."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from scheduling.schedule import Schedule


@dataclass(frozen=True)
class Conflict:
    counselor: str
    stations: tuple[str, ...]  # sorted
    start: datetime
    end: datetime


def find_conflicts(schedule: Schedule, counselor: str | None = None) -> list[Conflict]:
    """Spans where one person is on duty at two or more stations, by start time."""
    edges: dict[str, list[tuple[datetime, int, str]]] = {}
    for station, items in schedule.assignments.items():
        for d in items:
            if counselor is None or d.counselor == counselor:
                edges.setdefault(d.counselor, []).extend(((d.start, 1, station), (d.end, -1, station)))
    out: list[Conflict] = []
    for who, events in edges.items():
        active: Counter[str] = Counter()
        events.sort(key=lambda e: (e[0], e[1]))  # ends before starts at the same instant
        for i, (t, sign, station) in enumerate(events):
            active[station] += sign
            nxt = events[i + 1][0] if i + 1 < len(events) else t
            here = tuple(sorted(s for s, n in active.items() if n > 0))
            if len(here) < 2 or nxt <= t:
                continue
            last = out[-1] if out else None
            if last and last.counselor == who and last.stations == here and last.end == t:
                out[-1] = Conflict(who, here, last.start, nxt)
            else:
                out.append(Conflict(who, here, t, nxt))
    return sorted(out, key=lambda c: (c.start, c.counselor))
