"""Hour-of-day demand: how much a missing counselor matters at each local hour.

The weights come from config/demand.yaml (help lines peak in the evening and at night); a gap's
severity is missing people x demand-weighted hours, so the worst gaps sort first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scheduling.errors import RotaError
from scheduling.model import DEFAULT_TZ
from scheduling.rotation import zone

HOUR_S = 3600.0


@dataclass(frozen=True)
class DemandProfile:
    weights: tuple[float, ...] = (1.0,) * 24  # local hour 0..23
    tz: str = DEFAULT_TZ
    _cum: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.weights) != 24 or min(self.weights) < 0:
            raise RotaError("a demand profile needs 24 weights (hours 0..23), none negative")
        cum = [0.0]
        for w in self.weights:
            cum.append(cum[-1] + w)
        object.__setattr__(self, "_cum", tuple(cum))

    def _cumulative(self, local_s: float) -> float:
        """Weight-hours from the local epoch to `local_s` (local seconds)."""
        days, rest = divmod(local_s, 86400.0)
        h = int(rest // HOUR_S)
        cum = self._cum
        return days * cum[24] + cum[h] + self.weights[h] * (rest - h * HOUR_S) / HOUR_S

    def weighted_hours(self, start: datetime, end: datetime) -> float:
        """Integral of the weight over [start, end), in hours."""
        tz = zone(self.tz)
        a, b = start.astimezone(tz), end.astimezone(tz)
        off_a, off_b = a.utcoffset(), b.utcoffset()
        if off_a == off_b and off_a is not None and end - start < timedelta(days=100):
            # One UTC offset throughout (two DST changes are never under 100 days apart): closed form.
            shift = off_a.total_seconds()
            return self._cumulative(end.timestamp() + shift) - self._cumulative(start.timestamp() + shift)
        return self._stepwise(start, end)

    def _stepwise(self, start: datetime, end: datetime) -> float:
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
