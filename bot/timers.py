"""Escalation, care and follow-up timers on APScheduler. The database is the source of truth:
each job carries (kind, id, version, step), re-reads its row and drops itself when stale, and all
jobs are rebuilt from the database at start, so a restart loses none."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.conversation.effects import Timer

log = logging.getLogger(__name__)
Fire = Callable[[str, int, int, int], Awaitable[None]]


class Timers:
    def __init__(self, fire: Fire) -> None:
        self.fire = fire
        self.scheduler = AsyncIOScheduler(timezone="UTC")

    def start(self) -> None:
        if not self.scheduler.running:
            self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def schedule(self, timer: Timer) -> None:
        job_id = f"{timer.kind}:{timer.handoff_id}:{timer.version}:{timer.step}"
        self.scheduler.add_job(
            self.fire, "date", run_date=timer.at, id=job_id, replace_existing=True,
            args=[timer.kind, timer.handoff_id, timer.version, timer.step],
            misfire_grace_time=None,  # a late timer still runs; it checks its row and drops if stale
            coalesce=True,
        )

    def pending(self) -> list[str]:
        return [job.id for job in self.scheduler.get_jobs()]

    def add_repeating(self, func: Callable[[], Awaitable[object]], seconds: float, job_id: str,
                      first: datetime | None = None) -> None:
        # APScheduler 3 treats next_run_time=None as "paused": pass it only when given.
        # (Regression: retry_deferred and the retention job never ran.)
        extra = {"next_run_time": first} if first is not None else {}
        self.scheduler.add_job(func, "interval", seconds=seconds, id=job_id, replace_existing=True,
                               coalesce=True, max_instances=1, **extra)
