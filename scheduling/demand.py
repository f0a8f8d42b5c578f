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


LANGUAGE_NAMES = {"zh": "Chinese", "en": "English"}
LINE = "*"  # a need's "station" when any station counts: chats are offered across the whole line


@dataclass(frozen=True)
class Need:
    """At least `min_staff` people who speak `language` on duty (anywhere, or at `station`), in the
    local `hours` window when given ("18:00-02:00" crosses midnight; None means every hour)."""

    language: str | None = None  # None: anyone counts
    min_staff: int = 1
    station: str = LINE
    hours: tuple[int, int] | None = None  # local minutes from midnight, [start, end)

    def __post_init__(self) -> None:
        if self.min_staff < 1:
            raise RotaError("a need's min_staff is at least 1")
        if self.hours is not None and not (0 <= self.hours[0] < 1440 and 0 < self.hours[1] <= 1440):
            raise RotaError("a need's hours run from 00:00 to 24:00, e.g. 18:00-02:00")

    def describe(self) -> str:
        """What a coordinator reads: "1 English speaker on duty anywhere, 18:00-02:00"."""
        who = f"{LANGUAGE_NAMES.get(self.language, self.language)} speaker" if self.language else "counselor"
        where = "anywhere on the line" if self.station == LINE else f"at {self.station}"
        when = "every hour" if self.hours is None else f"{_hhmm(self.hours[0])}-{_hhmm(self.hours[1])}"
        return f"{self.min_staff} {who}{'s' if self.min_staff > 1 else ''} on duty {where}, {when}"

    def windows(self, start: datetime, end: datetime, tz: str) -> list[tuple[datetime, datetime]]:
        """The spans of [start, end) this need applies to (local days in `tz`)."""
        if self.hours is None:
            return [(start, end)]
        zone_ = zone(tz)
        a, b = self.hours
        length = (b - a) % 1440 or 1440
        day = start.astimezone(zone_).date() - timedelta(days=1)
        out: list[tuple[datetime, datetime]] = []
        while (s := datetime.combine(day, datetime.min.time(), zone_) + timedelta(minutes=a)) < end:
            e = s + timedelta(minutes=length)
            if e > start:
                out.append((max(s, start), min(e, end)))
            day += timedelta(days=1)
        return out


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hours(text: str) -> tuple[int, int]:
    """"HH:MM-HH:MM" (24:00 allowed as an end) -> local minutes; a clear error otherwise."""
    try:
        a, b = (part.strip() for part in text.split("-"))
        (ah, am), (bh, bm) = (map(int, a.split(":")), map(int, b.split(":")))
    except ValueError:
        raise RotaError(f"hours {text!r}: write HH:MM-HH:MM, e.g. 18:00-02:00") from None
    start, end = ah * 60 + am, bh * 60 + bm
    if not (0 <= am < 60 and 0 <= bm < 60 and 0 <= start < 1440 and 0 < end <= 1440) or start == end:
        raise RotaError(f"hours {text!r}: times run 00:00-24:00 and the window is not empty")
    return start, end
