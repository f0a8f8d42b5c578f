"""Restart-safe escalation timers on APScheduler 3.11 (AsyncIOScheduler).

The database is the source of truth (DESIGN.md, "Rota and escalation"): every job carries
(handoff id, version, step), is rebuilt from the store at start (overdue ones fire at once),
and re-reads its case before acting, doing nothing when the case moved on (accepted, escalated
by someone else, closed). A job can therefore fire late or twice and still act at most once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingStep:
    """An escalation step waiting for its acknowledgement timeout."""

    handoff_id: int
    version: int
    step: int
    due_at: datetime

    @property
    def job_id(self) -> str:
        return f"escalate:{self.handoff_id}:{self.version}:{self.step}"


class StepStore(Protocol):
    """Where pending steps live (bot/storage/timer_store.py reads the handoffs table)."""

    async def pending_steps(self) -> list[PendingStep]:
        """Every case waiting for an acknowledgement, with when its step times out."""
        ...

    async def is_current(self, handoff_id: int, version: int, step: int) -> bool:
        """Whether the case is still offered at this version and step."""
        ...


Fire = Callable[[int, int, int], Awaitable[None]]  # (handoff_id, version, step)
Observer = Callable[[str, PendingStep], None]  # ("fired" | "stale", step): for logs and tests


class EscalationTimers:
    """One date job per (case, version, step); `start` rebuilds them from the store."""

    def __init__(self, store: StepStore, fire: Fire, clock: Callable[[], datetime] | None = None,
                 observer: Observer | None = None) -> None:
        self.store, self.fire = store, fire
        self.clock = clock or (lambda: datetime.now(UTC))
        self.observer = observer
        self.scheduler = AsyncIOScheduler(timezone="UTC")

    async def start(self) -> int:
        """Start the scheduler and rebuild every pending step; returns how many were scheduled."""
        if not self.scheduler.running:
            self.scheduler.start()
        pending = await self.store.pending_steps()
        for p in pending:
            self.schedule(p)
        log.info("escalation timers rebuilt: %d pending", len(pending))
        return len(pending)

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def schedule(self, p: PendingStep) -> None:
        """Schedule (or replace) the job for this step; a due time in the past fires at once."""
        self.scheduler.add_job(
            self._run, "date", run_date=max(p.due_at, self.clock()), id=p.job_id, replace_existing=True,
            args=[p], misfire_grace_time=None, coalesce=True,  # late still runs; it checks its row
        )

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self.scheduler.get_jobs())

    async def _run(self, p: PendingStep) -> None:
        if not await self.store.is_current(p.handoff_id, p.version, p.step):
            log.info("escalation timer %s is stale; dropped", p.job_id)
            self._tell("stale", p)
            return
        await self.fire(p.handoff_id, p.version, p.step)
        self._tell("fired", p)

    def _tell(self, what: str, p: PendingStep) -> None:
        if self.observer is not None:
            self.observer(what, p)
