"""Shift arithmetic for one rotation: which member holds which span, in wall-clock time.

Shift k starts at local `start + k * shift` in the rotation's zone, so a 08:00/20:00 rotation
keeps its handover times across DST (that night's shift is 11 or 13 hours long). A local time
that does not exist (spring forward) maps forward, as zoneinfo does with fold=0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from scheduling.model import Rotation

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Slot:
    """Member `member` is on duty for [start, end) as shift number `k` of the rotation."""

    start: datetime
    end: datetime
    k: int
    member: str


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _utc(local_naive: datetime, tz: ZoneInfo) -> datetime:
    return local_naive.replace(tzinfo=tz).astimezone(UTC)


def _local(at: datetime, tz: ZoneInfo) -> datetime:
    return at.astimezone(tz).replace(tzinfo=None)


def member_of(rotation: Rotation, k: int) -> str:
    return rotation.members[k % len(rotation.members)]


def _shift_numbers(rotation: Rotation, start: datetime, end: datetime) -> range:
    tz = zone(rotation.tz)
    base = _local(rotation.start, tz)
    # Margin for the UTC offset changing between the zone's two readings of an instant.
    margin = math.ceil(timedelta(hours=2) / rotation.shift) + 1
    first = math.floor((_local(start, tz) - base) / rotation.shift) - margin
    last = math.floor((_local(end, tz) - base) / rotation.shift) + margin
    return range(max(first, 0), max(last + 1, 0))


def _staffed(rotation: Rotation, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """UTC spans inside [start, end) that the weekdays and windows allow."""
    if not rotation.windows and len(rotation.weekdays) == 7:
        return [(start, end)]
    tz = zone(rotation.tz)
    day: date = _local(start, tz).date() - DAY
    last: date = _local(end, tz).date()
    out: list[tuple[datetime, datetime]] = []
    while day <= last:
        if day.weekday() in rotation.weekdays:
            midnight = datetime.combine(day, datetime.min.time())
            spans = [(midnight + (w.start.hour * 60 + w.start.minute) * timedelta(minutes=1),
                      midnight + (w.end.hour * 60 + w.end.minute) * timedelta(minutes=1)
                      + (DAY if w.end <= w.start else timedelta(0)))
                     for w in rotation.windows] or [(midnight, midnight + DAY)]
            for a, b in spans:
                s, e = max(_utc(a, tz), start), min(_utc(b, tz), end)
                if s < e:
                    out.append((s, e))
        day += DAY
    return out


def slots(rotation: Rotation, start: datetime, end: datetime) -> list[Slot]:
    """Every staffed span of the rotation that overlaps [start, end), clipped to it, in order."""
    if not rotation.members:
        return []
    tz = zone(rotation.tz)
    base = _local(rotation.start, tz)
    numbers = _shift_numbers(rotation, start, end)
    out: list[Slot] = []
    nxt = _utc(base + numbers.start * rotation.shift, tz) if numbers else start
    for k in numbers:
        # Shift k ends where k+1 begins: one conversion per shift, not two.
        s, nxt = nxt, _utc(base + (k + 1) * rotation.shift, tz)
        if s >= end:
            break
        s, e = max(s, start), min(nxt, end)
        if s >= e:
            continue
        member = member_of(rotation, k)
        out.extend(Slot(a, b, k, member) for a, b in _staffed(rotation, s, e))
    return out
