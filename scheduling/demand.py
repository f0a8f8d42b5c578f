"""Hour-of-day demand: how much a missing counselor matters at each local hour.

The weights come from config/demand.yaml (help lines peak in the evening and at night); a gap's
severity is missing people x demand-weighted hours, so the worst gaps sort first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduling.errors import RotaError
from scheduling.model import DEFAULT_TZ
from scheduling.rotation import zone

HOUR_S = 3600.0


@dataclass(frozen=True)
class DemandProfile:
    weights: tuple[float, ...] = (1.0,) * 24  # local hour 0..23
    tz: str = DEFAULT_TZ

    def __post_init__(self) -> None:
        if len(self.weights) != 24 or min(self.weights) < 0:
            raise RotaError("a demand profile needs 24 weights (hours 0..23), none negative")

    def weighted_hours(self, start: datetime, end: datetime) -> float:
        """Integral of the weight over [start, end), in hours."""
        tz = zone(self.tz)
        total, t = 0.0, start
        while t < end:
            local = t.astimezone(tz)
            step = timedelta(minutes=60 - local.minute, seconds=-local.second,
                             microseconds=-local.microsecond)
            nxt = min(t + step, end)
            total += self.weights[local.hour] * (nxt - t).total_seconds() / HOUR_S
            t = nxt
        return total

    def peak_hours(self, n: int = 3) -> list[int]:
        return sorted(range(24), key=lambda h: -self.weights[h])[:n]
