"""The dashboard's rota over the scheduling package and its tables (see rota_source).

Reads load the rota from the database on each request and compile a `Schedule` for the span
shown, so the calendar always reflects the last committed change. Gaps use scheduling's
`coverage_gaps` with the demand profile, minimum staff and languages from config/demand.yaml.
Changes go through bot.storage.rota_repo inside the caller's unit of work.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.storage import rota_repo
from bot.web.admin import calendar as cal
from bot.web.admin.rota_source import LeaveRow, OverrideRow, RotaChangeRefused, RotaUnavailable, SwapRow
from scheduling.errors import RotaError
from scheduling.gaps import coverage_gaps
from scheduling.model import Rota, SwapState
from scheduling.schedule import Schedule
from scheduling.settings import DemandSettings, load_demand

PENDING = (SwapState.REQUESTED, SwapState.ACCEPTED)
T = TypeVar("T")


def _overlaps(x: Any, start: datetime, end: datetime) -> bool:
    return bool(x.start < end and x.end > start)


class DatabaseRota:
    def __init__(self, uow: Any, config_dir: str | Path) -> None:
        self.uow = uow
        self.config_dir = config_dir
        self._demand: DemandSettings | None = None

    @property
    def demand(self) -> DemandSettings:
        if self._demand is None:
            self._demand = load_demand(self.config_dir)
        return self._demand

    async def _rota(self) -> Rota:
        async with self.uow() as uow:
            rota = await rota_repo.load_rota(uow.session)
        if not rota.stations:
            raise RotaUnavailable("There is no rota yet: import one with `hotline rota import FILE`.")
        return rota

    def _name(self, rota: Rota, counselor: str) -> str:
        c = rota.counselors.get(counselor)
        return c.name if c is not None else counselor

    async def stations(self) -> list[tuple[str, str]]:
        return [(s.id, s.name) for s in (await self._rota()).stations.values()]

    async def counselors(self) -> list[tuple[str, str]]:
        rota = await self._rota()
        return [(c.id, c.name) for c in rota.counselors.values() if c.active]

    async def shifts(self, start: datetime, end: datetime, station: str | None) -> list[cal.Shift]:
        rota = await self._rota()
        if station is not None and station not in rota.stations:
            return []
        return [cal.Shift(d.station, d.counselor, self._name(rota, d.counselor), d.start, d.end,
                          d.layer.value) for d in Schedule(rota, start, end).shifts(station)]

    async def gaps(self, start: datetime, end: datetime, station: str | None) -> list[cal.Gap]:
        rota = await self._rota()
        if station is not None and station not in rota.stations:
            return []
        d = self.demand
        found = coverage_gaps(Schedule(rota, start, end), start, end, [station] if station else None,
                              list(d.languages), d.min_staff, d.profile())
        return [cal.Gap(g.station, g.start, g.end, g.missing, g.language) for g in found]

    async def overrides(self, start: datetime, end: datetime) -> list[OverrideRow]:
        rota = await self._rota()
        return [OverrideRow(o.id, o.counselor, self._name(rota, o.counselor), o.station, o.start, o.end)
                for o in rota.overrides if _overlaps(o, start, end)]

    async def swaps(self, pending_only: bool) -> list[SwapRow]:
        rota = await self._rota()
        return [SwapRow(w.id, self._name(rota, w.requester), self._name(rota, w.other), w.station,
                        w.start, w.end, w.state.value)
                for w in rota.swaps if not pending_only or w.state in PENDING]

    async def leave(self, start: datetime, end: datetime) -> list[LeaveRow]:
        rota = await self._rota()
        return [LeaveRow(lv.id, lv.counselor, self._name(rota, lv.counselor), lv.start, lv.end)
                for lv in rota.leave if _overlaps(lv, start, end)]

    # ---- changes (inside the caller's unit of work; RotaError becomes a refusal to show) ---------
    async def add_override(self, uow: Any, counselor_id: str, station: str, start: datetime,
                           end: datetime, by: str, now: datetime) -> str:
        return await _refusing(rota_repo.add_override(uow.session, counselor_id, station, start, end, by,
                                                      now))

    async def delete_override(self, uow: Any, override_id: str, by: str, now: datetime) -> None:
        await _refusing(rota_repo.delete_override(uow.session, override_id))

    async def decide_swap(self, uow: Any, swap_id: str, approve: bool, by: str, now: datetime) -> None:
        await _refusing(rota_repo.decide_swap(uow.session, swap_id, approve, by, now))

    async def create_swap(self, uow: Any, requester: str, other: str, station: str, start: datetime,
                          end: datetime, by: str, now: datetime) -> str:
        return await _refusing(rota_repo.swap_on_behalf(uow.session, requester, other, station, start, end,
                                                        by, now))

    async def add_leave(self, uow: Any, counselor_id: str, start: datetime, end: datetime, by: str,
                        now: datetime) -> str:
        return await _refusing(rota_repo.add_leave(uow.session, counselor_id, start, end, by, now))

    async def delete_leave(self, uow: Any, leave_id: str, by: str, now: datetime) -> None:
        await _refusing(rota_repo.delete_leave(uow.session, leave_id))


async def _refusing(change: Awaitable[T]) -> T:
    try:
        return await change
    except RotaError as exc:
        raise RotaChangeRefused(f"The rota refused this change: {str(exc).rstrip('.')}.") from None
