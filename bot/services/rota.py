"""The rota service: the one way to the rota for escalation, chat commands, the dashboard and the CLI.

It owns the rota's storage access (bot/storage/rota_repo.py, inside the caller's unit of work for
changes), the compiled-schedule cache, the coverage-gap calculation (config/demand.yaml) and the
audit entry of every change. Changes raise `RotaRefused` with a reason a person can act on.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.ports import DutyLine, OverrideMade, RotaRefused, Span, StepPlan
from bot.services.swap_notices import tell_both
from bot.storage import rota_repo
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory
from scheduling.conflicts import Conflict, find_conflicts
from scheduling.demand import LINE, Need
from scheduling.errors import RotaError
from scheduling.escalation import STEP_WORDS, step_targets
from scheduling.gaps import Gap, coverage_gaps, need_gaps
from scheduling.model import DEFAULT_TZ, DutyAssignment, Rota, Swap, SwapState
from scheduling.rotation import zone
from scheduling.schedule import RollingSchedule, Schedule
from scheduling.settings import load_demand, load_escalation

# A rota change shows up in escalation within this many seconds; changes made through the
# dashboard or commands call `invalidate()` and show at once.
CACHE_S = 5.0
LOCAL_TZ = zone(DEFAULT_TZ)
PENDING_SWAPS = (SwapState.REQUESTED, SwapState.ACCEPTED)
T = TypeVar("T")
NO_ROTA = "There is no rota yet: import one with `hotline rota import FILE`."


class RotaUnavailable(Exception):
    """No rota is stored (no stations): pages say how to import one."""


@dataclass(frozen=True)
class OverrideView:
    id: str
    counselor_id: str
    name: str
    station: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class SwapView:
    id: str
    requester: str  # counselor name
    other: str
    station: str
    start: datetime
    end: datetime
    state: str  # requested | accepted (by the peer) | approved | declined


@dataclass(frozen=True)
class LeaveView:
    id: str
    counselor_id: str
    name: str
    start: datetime
    end: datetime


class RotaService:
    def __init__(self, uow: UnitOfWorkFactory, config_dir: Path | str) -> None:
        self.uow = uow
        self.escalation = load_escalation(config_dir)
        self.demand = load_demand(config_dir)
        self._rolling: RollingSchedule | None = None
        self._loaded_at = 0.0

    def invalidate(self) -> None:
        self._loaded_at = 0.0

    async def _schedule(self, at: datetime, uow: UnitOfWork | None = None) -> Schedule:
        if self._rolling is None or time.monotonic() - self._loaded_at > CACHE_S:
            async with self._reading(uow) as session:
                rota = await rota_repo.load_rota(session)
            if self._rolling is None:
                self._rolling = RollingSchedule(rota)
            else:
                self._rolling.reset(rota)
            self._loaded_at = time.monotonic()
        return self._rolling.at(at)

    @asynccontextmanager
    async def _reading(self, uow: UnitOfWork | None) -> AsyncIterator[AsyncSession]:
        """Read inside the caller's transaction when there is one: a turn that holds SQLite's write
        lock must never wait for a second connection (that is how a pool deadlocks)."""
        if uow is not None:
            yield uow.session
            return
        async with self.uow() as own:
            yield own.session

    async def _unavailable(self, uow: UnitOfWork | None = None) -> set[str]:
        """Counselors who went off duty in the console, or whose account is inactive."""
        async with self._reading(uow) as session:
            return await rota_repo.unavailable(session)

    # ---- RotaPort ---------------------------------------------------------------------------
    async def policy_for(self, level: str) -> dict[str, Any]:
        return self.escalation.policy(level if level in ("imminent", "high", "medium") else "medium")

    async def plan_step(self, policy: dict[str, Any], step: int, at: datetime, lang: str,
                        uow: UnitOfWork | None = None) -> StepPlan:
        schedule = await self._schedule(at, uow)
        away = frozenset(await self._unavailable(uow))
        # Away people are skipped inside the rota logic, so the next person on duty steps up.
        t = step_targets(policy, step, schedule, at, lang, away=away)
        label = STEP_WORDS.get(t.kind, t.kind) + (f" · {t.note}" if t.note else "")
        return StepPlan(tuple(c for c in t.counselors if c not in away), t.timeout_s, t.repeat,
                        fallback=t.fallback, label=label, notify_coordinators=t.coordinators)

    async def on_duty(self, at: datetime, lang: str | None = None,
                      uow: UnitOfWork | None = None) -> list[str]:
        schedule = await self._schedule(at, uow)
        away = await self._unavailable(uow)
        ids = dict.fromkeys(d.counselor for d in schedule.on_duty(at, None, lang))
        return [c for c in ids if c not in away]

    async def coordinators(self, uow: UnitOfWork | None = None) -> list[str]:
        schedule = await self._schedule(datetime.now().astimezone(), uow)
        return [c.id for c in schedule.rota.counselors.values() if c.is_coordinator and c.active]

    # ---- RosterPort (coordinator commands; `uow` is the caller's open transaction) -----------
    async def on_duty_detail(self, at: datetime, uow: UnitOfWork | None = None) -> list[DutyLine]:
        schedule = await self._schedule(at, uow)
        rota = schedule.rota
        return [DutyLine(rota.stations[d.station].name if d.station in rota.stations else d.station,
                         d.counselor, _name(rota, d.counselor), d.layer.value, d.end)
                for d in schedule.on_duty(at)]

    async def rota(self, uow: UnitOfWork | None = None) -> Rota:
        """The rota as stored now (not the cache): what a person looking at it expects."""
        async with self._reading(uow) as session:
            return await rota_repo.load_rota(session)

    async def stored(self, uow: UnitOfWork | None = None) -> Rota:
        """The stored rota for a page; raises RotaUnavailable when there is none."""
        rota = await self.rota(uow)
        if not rota.stations:
            raise RotaUnavailable(NO_ROTA)
        return rota

    async def stations(self) -> list[tuple[str, str]]:
        return [(s.id, s.name) for s in (await self.stored()).stations.values()]

    async def counselors(self) -> list[tuple[str, str]]:
        """(id, name) of every active counselor, the people a rota change can name."""
        return [(c.id, c.name) for c in (await self.stored()).counselors.values() if c.active]

    async def overrides(self, start: datetime, end: datetime) -> list[OverrideView]:
        rota = await self.stored()
        return [OverrideView(o.id, o.counselor, _name(rota, o.counselor), o.station, o.start, o.end)
                for o in rota.overrides if o.start < end and o.end > start]

    async def swaps(self, pending_only: bool) -> list[SwapView]:
        rota = await self.stored()
        return [SwapView(w.id, _name(rota, w.requester), _name(rota, w.other), w.station, w.start, w.end,
                         w.state.value)
                for w in rota.swaps if not pending_only or w.state in PENDING_SWAPS]

    async def leave(self, start: datetime, end: datetime) -> list[LeaveView]:
        rota = await self.stored()
        return [LeaveView(lv.id, lv.counselor, _name(rota, lv.counselor), lv.start, lv.end)
                for lv in rota.leave if lv.start < end and lv.end > start]

    async def shifts(self, start: datetime, end: datetime, station: str | None = None,
                     uow: UnitOfWork | None = None) -> list[DutyAssignment]:
        rota = await self.rota(uow)
        if not rota.stations or (station is not None and station not in rota.stations):
            return []
        return list(Schedule(rota, start, end).shifts(station))

    async def coverage_gaps(self, start: datetime, end: datetime, station: str | list[str] | None = None,
                            uow: UnitOfWork | None = None, languages: list[str] | None = None,
                            min_staff: int | None = None) -> list[Gap]:
        """Coverage gaps, worst first: the one place gaps are computed.

        Without a list of stations, languages or a minimum, against config/demand.yaml's needs
        (line-wide needs, plus the needs of `station` when a page shows one station). The CLI may
        instead give stations, languages and a minimum, checked station by station."""
        rota = await self.rota(uow)
        if not rota.stations or (isinstance(station, str) and station not in rota.stations):
            return []  # a page's unknown station shows nothing; the CLI's list is passed as typed
        d = self.demand
        schedule = Schedule(rota, start, end)
        if isinstance(station, list) or languages or min_staff:
            return coverage_gaps(schedule, start, end, station or None,
                                 languages or list(d.languages), min_staff or d.min_staff, d.profile())
        needs = [n for n in d.need_list() if station is None or n.station in (LINE, station)]
        return need_gaps(schedule, start, end, needs, d.profile())

    async def conflicts(self, start: datetime, end: datetime, station: str | None = None,
                        uow: UnitOfWork | None = None) -> list[Conflict]:
        """People on duty at two stations at once in [start, end) (at `station` among them when given)."""
        rota = await self.rota(uow)
        if not rota.stations:
            return []
        return [c for c in find_conflicts(Schedule(rota, start, end))
                if station is None or station in c.stations]

    def unknown_need_stations(self, rota: Rota) -> list[str]:
        """Stations config/demand.yaml names that the rota does not have (their needs count nothing)."""
        named = {n.station for n in self.needs() if n.station != LINE}
        return sorted(named - set(rota.stations))

    def needs(self) -> list[Need]:
        """The demand model in force (config/demand.yaml), for pages and the CLI to state."""
        return self.demand.need_list()

    async def week(self, start: datetime, days: int = 7, uow: UnitOfWork | None = None) -> list[Span]:
        end = start + timedelta(days=days)
        rota = await self.rota(uow)
        if not rota.stations:
            return []
        return [Span(max(d.start, start), min(d.end, end), d.station, _name(rota, d.counselor))
                for d in Schedule(rota, start, end).shifts()]

    async def gaps(self, start: datetime, days: int = 7, uow: UnitOfWork | None = None) -> list[Span]:
        found = await self.coverage_gaps(start, start + timedelta(days=days), None, uow)
        return [Span(g.start, g.end, "whole line" if g.station == LINE else g.station, g.what())
                for g in found]

    async def pending_swaps(self, uow: UnitOfWork | None = None) -> list[tuple[str, str]]:
        rota = await self.rota(uow)
        return [(s.id, f"{_name(rota, s.requester)} ⇄ {_name(rota, s.other)} at {s.station}, "
                        f"{s.start:%m-%d %H:%M}–{s.end:%m-%d %H:%M} ({s.state.value})")
                for s in rota.swaps if s.state in PENDING_SWAPS]

    # ---- changes: inside the caller's unit of work (the caller commits), audited here ------------
    async def add_override(self, uow: UnitOfWork, counselor_id: str, station: str | None,
                           start: datetime, end: datetime, by: str, now: datetime) -> OverrideMade:
        """`station` None: the counselor's own station."""
        rota = await rota_repo.load_rota(uow.session)
        c = rota.counselors.get(counselor_id)
        where = station or (c.station if c else None)
        if c is None or where is None:
            raise RotaRefused(f"Unknown counselor {counselor_id!r} or no station: /override ID HOURS STATION")
        oid = await _refusing(rota_repo.add_override(uow.session, counselor_id, where, start, end, by, now))
        await no_new_conflict(uow, rota, (counselor_id,), start, end)
        await self.audit_change(uow, by, "rota.override", f"override:{oid}", now,
                            {"counselor": counselor_id, "station": where, "start": start.isoformat(),
                             "end": end.isoformat()})
        return OverrideMade(oid, c.name, where)

    async def delete_override(self, uow: UnitOfWork, override_id: str, by: str, now: datetime) -> None:
        rota = await rota_repo.load_rota(uow.session)
        gone = next((o for o in rota.overrides if o.id == override_id), None)
        await _refusing(rota_repo.delete_override(uow.session, override_id))
        # What was removed, so the undo can put it back (ids and times only).
        detail = {} if gone is None else {"counselor": gone.counselor, "station": gone.station,
                                          "start": gone.start.isoformat(), "end": gone.end.isoformat(),
                                          "replaces": gone.replaces or ""}
        await self.audit_change(uow, by, "rota.override_delete", f"override:{override_id}", now, detail)

    async def decide_swap(self, uow: UnitOfWork, swap_id: str, approve: bool, by: str,
                          now: datetime) -> str:
        """Approve or decline a requested swap; returns its new state."""
        before = await rota_repo.load_rota(uow.session)
        state = await _refusing(rota_repo.decide_swap(uow.session, swap_id, approve, by, now))
        swap = next((w for w in before.swaps if w.id == swap_id), None)
        if approve and swap is not None:
            await no_new_conflict(uow, before, (swap.requester, swap.other), swap.start, swap.end)
        if swap is not None:
            await tell_both(uow, before, swap, state, by, now)
        await self.audit_change(uow, by, "rota.swap_approve", f"swap:{swap_id}", now,
                                {"verdict": "approve" if approve else "decline",
                                 "before": swap.state.value if swap is not None else ""})
        return state

    async def replace(self, uow: UnitOfWork, rota: Rota, by: str, now: datetime,
                      source: str) -> dict[str, int]:
        """Replace the stored rota with an imported one; returns what it holds, by kind."""
        counts = await rota_repo.save_rota(uow.session, rota, now, by, source)
        await self.audit_change(uow, by, "rota.import", f"rota:{source}", now,
                            {k: str(n) for k, n in counts.items()})
        return counts

    async def request_swap(self, uow: UnitOfWork, requester: str, other: str, station: str,
                           start: datetime, end: datetime, now: datetime) -> str:
        """A counselor asks a peer to exchange duty; a coordinator decides later."""
        sid = await _refusing(rota_repo.request_swap(uow.session, requester, other, station, start, end, now))
        await self.audit_change(uow, requester, "rota.swap_request", f"swap:{sid}", now,
                            {"other": other, "station": station, "start": start.isoformat(),
                             "end": end.isoformat()})
        return sid

    async def accept_swap(self, uow: UnitOfWork, swap_id: str, by: str, now: datetime) -> None:
        """The peer agrees; the swap then waits for a coordinator."""
        await _refusing(rota_repo.accept_swap(uow.session, swap_id, by))
        await self.audit_change(uow, by, "rota.swap_accept", f"swap:{swap_id}", now, {})

    async def create_swap(self, uow: UnitOfWork, requester: str, other: str, station: str,
                          start: datetime, end: datetime, by: str, now: datetime) -> str:
        """A swap a coordinator enters on someone's behalf, approved at once."""
        before = await rota_repo.load_rota(uow.session)
        sid = await _refusing(rota_repo.swap_on_behalf(uow.session, requester, other, station, start,
                                                       end, by, now))
        await no_new_conflict(uow, before, (requester, other), start, end)
        made = Swap(sid, requester, other, station, start, end, SwapState.APPROVED, by, by)
        await tell_both(uow, before, made, SwapState.APPROVED.value, by, now)
        await self.audit_change(uow, by, "rota.swap_approve", f"swap:{sid}", now,
                            {"verdict": "approve", "on_behalf_of": requester, "other": other,
                             "station": station, "start": start.isoformat(), "end": end.isoformat()})
        return sid

    async def add_leave(self, uow: UnitOfWork, counselor_id: str, start: datetime, end: datetime,
                        by: str, now: datetime, reason: str = "") -> str:
        lid = await _refusing(rota_repo.add_leave(uow.session, counselor_id, start, end, by, now, reason))
        await self.audit_change(uow, by, "rota.leave", f"leave:{lid}", now,
                            {"counselor": counselor_id, "start": start.isoformat(), "end": end.isoformat()})
        return lid

    async def delete_leave(self, uow: UnitOfWork, leave_id: str, by: str, now: datetime) -> None:
        gone = next((lv for lv in (await rota_repo.load_rota(uow.session)).leave if lv.id == leave_id), None)
        await _refusing(rota_repo.delete_leave(uow.session, leave_id))
        detail = {} if gone is None else {"counselor": gone.counselor, "start": gone.start.isoformat(),
                                          "end": gone.end.isoformat()}
        await self.audit_change(uow, by, "rota.leave_delete", f"leave:{leave_id}", now, detail)

    async def audit_change(self, uow: UnitOfWork, by: str, action: str, obj: str, now: datetime,
                       detail: dict[str, str]) -> None:
        await uow.audit.append(by, action, obj, now, detail)
        self.invalidate()  # escalation sees the change at once (a rollback only costs a reload)


def _name(rota: Rota, counselor: str) -> str:
    c = rota.counselors.get(counselor)
    return c.name if c is not None else counselor


async def no_new_conflict(uow: UnitOfWork, before: Rota, people: tuple[str, ...], start: datetime,
                           end: datetime) -> None:
    """Refuse a change (the caller's transaction is then not committed) that puts one of `people` on
    duty at two stations at once in [start, end); conflicts already there are `hotline rota check`'s."""
    after = await rota_repo.load_rota(uow.session)
    for who in people:
        old = set(find_conflicts(Schedule(before, start, end), who))
        new = [c for c in find_conflicts(Schedule(after, start, end), who) if c not in old]
        if new:
            c = new[0]
            where = " and ".join(after.stations[s].name if s in after.stations else s for s in c.stations)
            raise RotaRefused(f"{_name(after, who)} would be on duty at {where} at once "
                              f"({_local(c.start)} to {_local(c.end)}): one person cannot cover two "
                              "stations; change the other duty first")


def _local(t: datetime) -> str:
    return t.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


async def _refusing(change: Awaitable[T]) -> T:
    try:
        return await change
    except RotaError as exc:
        raise RotaRefused(str(exc)) from None
