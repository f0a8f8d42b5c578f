"""The rota for the conversation service and coordinator commands: the stored rota compiled by
scheduling/, the escalation policies of config/escalation.yaml, and the console's duty toggle."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.ports import DutyLine, Span, StepPlan
from bot.storage import rota_repo
from bot.storage.models import Counselor as CounselorRow
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory
from scheduling.errors import RotaError
from scheduling.escalation import step_targets
from scheduling.gaps import coverage_gaps
from scheduling.model import Rota, SwapState
from scheduling.schedule import RollingSchedule, Schedule
from scheduling.settings import load_demand, load_escalation

# A rota change shows up in escalation within this many seconds; changes made through the
# dashboard or commands call `invalidate()` and show at once.
CACHE_S = 5.0


class RotaAdapter:
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
            q = select(CounselorRow.id).where(
                CounselorRow.available.is_(False) | CounselorRow.active.is_(False))
            return set(await session.scalars(q))

    # ---- RotaPort ---------------------------------------------------------------------------
    async def policy_for(self, level: str) -> dict[str, Any]:
        return self.escalation.policy(level if level in ("imminent", "high", "medium") else "medium")

    async def plan_step(self, policy: dict[str, Any], step: int, at: datetime, lang: str,
                        uow: UnitOfWork | None = None) -> StepPlan:
        schedule = await self._schedule(at, uow)
        away = frozenset(await self._unavailable(uow))
        # Away people are skipped inside the rota logic, so the next person on duty steps up.
        t = step_targets(policy, step, schedule, at, lang, away=away)
        return StepPlan(tuple(c for c in t.counselors if c not in away), t.timeout_s, t.repeat,
                        fallback=t.fallback, label=t.kind, notify_coordinators=t.coordinators)

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

    async def _fresh(self, uow: UnitOfWork | None) -> Rota:
        async with self._reading(uow) as session:
            return await rota_repo.load_rota(session)

    async def week(self, start: datetime, days: int = 7, uow: UnitOfWork | None = None) -> list[Span]:
        end = start + timedelta(days=days)
        rota = await self._fresh(uow)
        if not rota.stations:
            return []
        return [Span(max(d.start, start), min(d.end, end), d.station, _name(rota, d.counselor))
                for d in Schedule(rota, start, end).shifts()]

    async def gaps(self, start: datetime, days: int = 7, uow: UnitOfWork | None = None) -> list[Span]:
        end = start + timedelta(days=days)
        rota = await self._fresh(uow)
        if not rota.stations:
            return []
        found = coverage_gaps(Schedule(rota, start, end), start, end, None, self.demand.languages,
                              self.demand.min_staff, self.demand.profile())
        return [Span(g.start, g.end, g.station, f"missing {g.missing} ({g.language or 'any'})")
                for g in found]

    async def add_override(self, counselor_id: str, start: datetime, end: datetime,
                           station: str | None, by: str, uow: UnitOfWork) -> str:
        """Adds within the caller's transaction (the caller commits)."""
        rota = await rota_repo.load_rota(uow.session)
        c = rota.counselors.get(counselor_id)
        where = station or (c.station if c else None)
        if c is None or where is None:
            return f"Unknown counselor {counselor_id!r} or no station: /override ID HOURS STATION"
        try:
            oid = await rota_repo.add_override(uow.session, counselor_id, where, start, end, by, start)
        except RotaError as exc:
            return str(exc)
        await uow.audit.append(by, "rota.override", f"override:{oid}", start,
                               {"counselor": counselor_id, "station": where})
        self.invalidate()
        return f"Override {oid}: {c.name} covers {where} until {end.isoformat(timespec='minutes')}."

    async def pending_swaps(self, uow: UnitOfWork | None = None) -> list[tuple[str, str]]:
        rota = await self._fresh(uow)
        return [(s.id, f"{_name(rota, s.requester)} ⇄ {_name(rota, s.other)} at {s.station}, "
                        f"{s.start:%m-%d %H:%M}–{s.end:%m-%d %H:%M} ({s.state.value})")
                for s in rota.swaps if s.state in (SwapState.REQUESTED, SwapState.ACCEPTED)]

    async def decide_swap(self, swap_id: str, approve: bool, by: str, at: datetime, uow: UnitOfWork) -> str:
        """Decides within the caller's transaction (the caller commits)."""
        try:
            state = await rota_repo.decide_swap(uow.session, swap_id, approve, by, at)
        except RotaError as exc:
            return str(exc)
        self.invalidate()
        return f"Swap {swap_id}: {state}."


def _name(rota: Rota, counselor: str) -> str:
    c = rota.counselors.get(counselor)
    return c.name if c is not None else counselor
