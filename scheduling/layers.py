"""Who holds each span at one station: rotation shifts, then swaps, leave cover and overrides.

Order of layers (each acts on the result of the one before):
1. rotation: the member whose shift it is;
2. swap: an approved swap hands the requester's duty to the other person and back;
3. leave: someone on leave is skipped, the rotation's backup (else the next member in order)
   covers, shown as `leave_cover`; nobody is left on duty if everyone is away;
4. override: the person covers the span (instead of `replaces` when given). Leave wins over
   an override too: a counselor on leave is never offered a crisis chat.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from scheduling.model import DutyAssignment, Layer, Leave, Override, Rota, Rotation, Swap, SwapState
from scheduling.rotation import Slot, member_of, slots


class LeaveIndex:
    """Leave spans per counselor."""

    def __init__(self, leave: tuple[Leave, ...]) -> None:
        self.by_person: dict[str, list[Leave]] = defaultdict(list)
        for lv in leave:
            if lv.start < lv.end:
                self.by_person[lv.counselor].append(lv)
        # Sorted start/end times per person, so `cuts` is a binary search, not a scan.
        self.edges = {c: sorted({t for lv in lvs for t in (lv.start, lv.end)})
                      for c, lvs in self.by_person.items()}

    def on_leave(self, counselor: str, at: datetime) -> Leave | None:
        for lv in self.by_person.get(counselor, ()):
            if lv.start <= at < lv.end:
                return lv
        return None

    def cuts(self, counselors: set[str], start: datetime, end: datetime) -> set[datetime]:
        """Leave boundaries of these people strictly inside (start, end)."""
        out: set[datetime] = set()
        for c in counselors:
            edges = self.edges.get(c)
            if edges:
                out.update(edges[bisect_right(edges, start):bisect_left(edges, end)])
        return out


def _swap_for(swaps: list[Swap], who: str, at: datetime) -> Swap | None:
    for s in swaps:
        if s.start <= at < s.end and who in (s.requester, s.other):
            return s
    return None


def _cover(rot: Rotation, k: int, away: str, at: datetime, leave: LeaveIndex) -> str | None:
    """The rotation's backup, else the next members in order, who is not away at `at`."""
    candidates = [*rot.backup, *(member_of(rot, k + i) for i in range(1, len(rot.members)))]
    for c in candidates:
        if c != away and leave.on_leave(c, at) is None:
            return c
    return None


def _resolve_slot(rot: Rotation, slot: Slot, swaps: list[Swap], leave: LeaveIndex,
                  people: set[str], swap_edges: list[datetime]) -> list[DutyAssignment]:
    cuts = leave.cuts(people, slot.start, slot.end)
    cuts.update(swap_edges[bisect_right(swap_edges, slot.start):bisect_left(swap_edges, slot.end)])
    points = [slot.start, *sorted(cuts), slot.end]
    out: list[DutyAssignment] = []
    for a, b in zip(points, points[1:], strict=False):
        who, layer, source = slot.member, Layer.ROTATION, None
        swap = _swap_for(swaps, who, a)
        if swap is not None:
            who = swap.other if who == swap.requester else swap.requester
            layer, source = Layer.SWAP, swap.id
        away = leave.on_leave(who, a)
        if away is not None:
            cover = _cover(rot, slot.k, who, a, leave)
            if cover is None:
                continue
            who, layer, source = cover, Layer.LEAVE_COVER, away.id
        last = out[-1] if out else None
        if last and last.end == a and (last.counselor, last.layer, last.source) == (who, layer, source):
            out[-1] = DutyAssignment(who, rot.station, layer, last.start, b, rot.id, slot.k, source)
        else:
            out.append(DutyAssignment(who, rot.station, layer, a, b, rot.id, slot.k, source))
    return out


def _cut(items: list[DutyAssignment], who: str, start: datetime, end: datetime) -> list[DutyAssignment]:
    """Remove [start, end) from `who`'s assignments (an override that replaces them)."""
    out: list[DutyAssignment] = []
    for d in items:
        if d.counselor != who or d.end <= start or d.start >= end:
            out.append(d)
            continue
        if d.start < start:
            out.append(DutyAssignment(**{**d.__dict__, "end": start}))
        if d.end > end:
            out.append(DutyAssignment(**{**d.__dict__, "start": end}))
    return out


def station_assignments(rota: Rota, station: str, start: datetime, end: datetime,
                        leave: LeaveIndex | None = None,
                        overrides: Sequence[Override] | None = None) -> list[DutyAssignment]:
    """Every (person, span, layer) at `station` within [start, end).

    `leave` and `overrides` (this station's) may be given pre-built when compiling many stations.
    """
    leave = leave or LeaveIndex(rota.leave)
    swaps = [s for s in rota.swaps
             if s.state == SwapState.APPROVED and s.station == station and s.start < end and s.end > start]
    out: list[DutyAssignment] = []
    swappers = {p for s in swaps for p in (s.requester, s.other)}
    swap_edges = sorted({t for s in swaps for t in (s.start, s.end)})
    for rot in rota.rotations_at(station):
        people = {*rot.members, *rot.backup} | swappers
        for slot in slots(rot, start, end):
            out.extend(_resolve_slot(rot, slot, swaps, leave, people, swap_edges))
    for ov in rota.overrides if overrides is None else overrides:
        s, e = max(ov.start, start), min(ov.end, end)
        if ov.station != station or s >= e:
            continue
        if ov.replaces:
            out = _cut(out, ov.replaces, s, e)
        points = [s, *sorted(leave.cuts({ov.counselor}, s, e)), e]
        out.extend(DutyAssignment(ov.counselor, station, Layer.OVERRIDE, a, b, source=ov.id)
                   for a, b in zip(points, points[1:], strict=False)
                   if leave.on_leave(ov.counselor, a) is None)
    return out
