"""An in-memory RotaSource for the dashboard's page tests: two 12-hour shifts a day at one
station, with overrides, swaps and leave layered on top. The database-backed source runs in the
rota contract tests; this one keeps page tests about pages."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.web.admin.calendar import Gap, Shift, local_midnight
from bot.web.admin.common import LOCAL
from bot.web.admin.rota_source import LeaveRow, OverrideRow, RotaChangeRefused, SwapRow

HOUR = timedelta(hours=1)


@dataclass
class MemoryRota:
    names: dict[str, str]
    day: str = "c1"  # 08:00-20:00 Beijing
    night: str = "c2"  # 20:00-08:00
    station: str = "hd"
    overrides_: dict[str, OverrideRow] = field(default_factory=dict)
    swaps_: dict[str, SwapRow] = field(default_factory=dict)
    swap_people: dict[str, tuple[str, str]] = field(default_factory=dict)
    leave_: dict[str, LeaveRow] = field(default_factory=dict)
    next_id: int = 1

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id - 1)

    async def stations(self) -> list[tuple[str, str]]:
        return [(self.station, "Haidian"), ("cy", "Chaoyang")]

    async def counselors(self) -> list[tuple[str, str]]:
        return sorted(self.names.items())

    def _base(self, start: datetime, end: datetime) -> list[Shift]:
        out, d = [], start.astimezone(LOCAL).date() - timedelta(days=1)
        while local_midnight(d) < end:
            m = local_midnight(d)
            for who, a, b in ((self.day, 8, 20), (self.night, 20, 32)):
                out.append(Shift(self.station, who, self.names[who], m + a * HOUR, m + b * HOUR))
            d += timedelta(days=1)
        return [s for s in out if s.start < end and s.end > start]

    def _swapped(self, s: Shift) -> list[Shift]:
        for sid, sw in self.swaps_.items():
            mine, other = self.swap_people[sid]
            if sw.state == "approved" and s.counselor_id == mine and sw.start < s.end and sw.end > s.start:
                parts = [replace(s, end=sw.start)] if s.start < sw.start else []
                parts.append(Shift(s.station, other, self.names[other], max(s.start, sw.start),
                                   min(s.end, sw.end), "swap"))
                parts += [replace(s, start=sw.end)] if sw.end < s.end else []
                return parts
        return [s]

    async def shifts(self, start: datetime, end: datetime, station: str | None) -> list[Shift]:
        out = [p for s in self._base(start, end) for p in self._swapped(s)]
        out = [s for s in out if not any(lv.counselor_id == s.counselor_id and lv.start < s.end
                                         and lv.end > s.start for lv in self.leave_.values())]
        out += [Shift(o.station, o.counselor_id, o.name, o.start, o.end, "override")
                for o in self.overrides_.values() if o.start < end and o.end > start]
        return [s for s in out if station in (None, s.station)]

    async def gaps(self, start: datetime, end: datetime, station: str | None) -> list[Gap]:
        shifts = await self.shifts(start, end, self.station)
        gaps: list[Gap] = []
        t = start
        while t < end:
            if station in (None, self.station) and not any(s.start <= t < s.end for s in shifts):
                if gaps and gaps[-1].end == t:
                    gaps[-1] = replace(gaps[-1], end=t + HOUR)
                else:
                    gaps.append(Gap(self.station, t, t + HOUR))
            t += HOUR
        return gaps

    async def overrides(self, start: datetime, end: datetime) -> list[OverrideRow]:
        return [o for o in self.overrides_.values() if o.start < end and o.end > start]

    async def add_override(self, uow: Any, counselor_id: str, station: str, start: datetime,
                           end: datetime, by: str, now: datetime) -> str:
        oid = self._id()
        self.overrides_[oid] = OverrideRow(oid, counselor_id, self.names[counselor_id], station, start, end)
        return oid

    async def delete_override(self, uow: Any, override_id: str, by: str, now: datetime) -> None:
        if self.overrides_.pop(override_id, None) is None:
            raise RotaChangeRefused("No such override: reload the page.")

    async def swaps(self, pending_only: bool) -> list[SwapRow]:
        return [s for s in self.swaps_.values() if not pending_only or s.state in ("requested", "accepted")]

    def request_swap(self, mine: str, other: str, start: datetime, end: datetime) -> str:
        sid = self._id()
        self.swaps_[sid] = SwapRow(sid, self.names[mine], self.names[other], self.station, start, end,
                                   "accepted")
        self.swap_people[sid] = (mine, other)
        return sid

    async def decide_swap(self, uow: Any, swap_id: str, approve: bool, by: str, now: datetime) -> None:
        sw = self.swaps_.get(swap_id)
        if sw is None or sw.state not in ("requested", "accepted"):
            raise RotaChangeRefused("This swap is no longer waiting for a decision: reload the page.")
        self.swaps_[swap_id] = replace(sw, state="approved" if approve else "declined")

    async def create_swap(self, uow: Any, requester: str, other: str, station: str, start: datetime,
                          end: datetime, by: str, now: datetime) -> str:
        sid = self.request_swap(requester, other, start, end)
        self.swaps_[sid] = replace(self.swaps_[sid], state="approved")
        return sid

    async def leave(self, start: datetime, end: datetime) -> list[LeaveRow]:
        return [lv for lv in self.leave_.values() if lv.start < end and lv.end > start]

    async def add_leave(self, uow: Any, counselor_id: str, start: datetime, end: datetime, by: str,
                        now: datetime) -> str:
        lid = self._id()
        self.leave_[lid] = LeaveRow(lid, counselor_id, self.names[counselor_id], start, end)
        return lid
