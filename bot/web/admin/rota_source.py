"""What the dashboard asks of the rota, as one small port, and where it comes from.

The pages talk only to `RotaSource`, found at `request.app[ROTA]`; the
dashboard's routes put the adapter over the scheduling package and its tables there.
Changes run inside the caller's unit of work, so the page writes the audit entry in the same
transaction as the change (both or neither).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aiohttp import web

from bot.storage.uow import UnitOfWork
from bot.web.admin.calendar import Gap, Shift


class RotaUnavailable(Exception):
    """No rota is configured (the scheduling tables are missing or empty)."""


class RotaChangeRefused(Exception):
    """The rota refused a change (unknown id, overlapping override, swap already decided).
    The message says what to do next and is shown to the coordinator."""


@dataclass(frozen=True)
class OverrideRow:
    id: str
    counselor_id: str
    name: str
    station: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class SwapRow:
    id: str
    requester: str  # counselor name
    other: str
    station: str
    start: datetime
    end: datetime
    state: str  # requested | accepted (by the peer) | approved | declined


@dataclass(frozen=True)
class LeaveRow:
    id: str
    counselor_id: str
    name: str
    start: datetime
    end: datetime


class RotaSource(Protocol):
    async def stations(self) -> list[tuple[str, str]]:
        """(id, name) of every station."""
        ...

    async def counselors(self) -> list[tuple[str, str]]:
        """(id, name) of every counselor who can be put on the rota."""
        ...

    async def shifts(self, start: datetime, end: datetime, station: str | None) -> list[Shift]: ...

    async def gaps(self, start: datetime, end: datetime, station: str | None) -> list[Gap]:
        """Coverage gaps in [start, end) with the demand profile applied, worst first."""
        ...

    async def overrides(self, start: datetime, end: datetime) -> list[OverrideRow]: ...

    async def add_override(self, uow: UnitOfWork, counselor_id: str, station: str, start: datetime,
                           end: datetime, by: str, now: datetime) -> str: ...

    async def delete_override(self, uow: UnitOfWork, override_id: str, by: str, now: datetime) -> None: ...

    async def swaps(self, pending_only: bool) -> list[SwapRow]: ...

    async def decide_swap(self, uow: UnitOfWork, swap_id: str, approve: bool, by: str, now: datetime) -> None:
        """Approve or decline; raises RotaChangeRefused when it is not waiting for a decision."""
        ...

    async def create_swap(self, uow: UnitOfWork, requester: str, other: str, station: str, start: datetime,
                          end: datetime, by: str, now: datetime) -> str:
        """A swap a coordinator makes on someone's behalf: created already approved."""
        ...

    async def leave(self, start: datetime, end: datetime) -> list[LeaveRow]: ...

    async def add_leave(self, uow: UnitOfWork, counselor_id: str, start: datetime, end: datetime, by: str,
                        now: datetime) -> str: ...

    async def delete_leave(self, uow: UnitOfWork, leave_id: str, by: str, now: datetime) -> None: ...


ROTA: web.AppKey[RotaSource] = web.AppKey("admin_rota")
Spans = list[tuple[str, datetime, datetime]]


async def coverage_spans(rota: RotaSource, start: datetime, end: datetime) -> Spans:
    """(station, from, to) of every scheduled shift, for the coverage-hours report."""
    try:
        shifts = await rota.shifts(start, end, None)
    except RotaUnavailable:
        return []
    return [(s.station, s.start, s.end) for s in shifts]
