"""Fairness: hours on duty per counselor, and how many of them fell in busy (high-demand) hours."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scheduling.demand import DemandProfile
from scheduling.schedule import Schedule


@dataclass
class FairnessRow:
    counselor: str
    hours: float = 0.0
    weighted_hours: float = 0.0  # by the demand profile: evening and night hours count more
    by_layer: dict[str, float] = field(default_factory=dict)


def fairness(schedule: Schedule, start: datetime, end: datetime,
             demand: DemandProfile | None = None) -> list[FairnessRow]:
    """Hours per counselor in [start, end) across all stations, most hours first.

    Every active counselor (role counselor or coordinator) gets a row, so someone never
    scheduled shows up with 0 hours.
    """
    demand = demand or DemandProfile()
    lo, hi = max(start, schedule.start).timestamp(), min(end, schedule.end).timestamp()
    rows: dict[str, FairnessRow] = {c.id: FairnessRow(c.id) for c in schedule.rota.counselors.values()
                                    if c.active and {"counselor", "coordinator"} & set(c.roles)}
    layers: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for line in schedule.timelines.values():
        for i, who in enumerate(line.who):
            a, b = max(line.times[i], lo), min(line.times[i + 1], hi)
            if a >= b or not who:
                continue
            hours = (b - a) / 3600
            weighted = demand.weighted_hours(datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC))
            for d in who:
                row = rows.setdefault(d.counselor, FairnessRow(d.counselor))
                row.hours += hours
                row.weighted_hours += weighted
                layers[d.counselor][d.layer.value] += hours
    for cid, by in layers.items():
        rows[cid].by_layer = dict(by)
    return sorted(rows.values(), key=lambda r: (-r.hours, r.counselor))
