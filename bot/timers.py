"""Escalation, care and follow-up timers on APScheduler. The database is the source of truth:
each job carries (kind, id, version, step), re-reads its row and drops itself when stale, and all
jobs are rebuilt from the database at start, so a restart loses none.

With several instances only the leader (bot/cluster/leader.py) runs the timers and the daily
jobs: a follower's turns only write their rows, and the leader picks the new timers up from the
database every few seconds (`resync`). A repeating job marked `everywhere` (retrying this
process's own deferred turns) runs on every instance.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.conversation.effects import Timer

log = logging.getLogger(__name__)
Fire = Callable[[str, int, int, int], Awaitable[None]]
Job = Callable[[], Awaitable[object]]


def job_id(timer: Timer) -> str:
    return f"{timer.kind}:{timer.handoff_id}:{timer.version}:{timer.step}"


class Timers:
    def __init__(self, fire: Fire) -> None:
        self.fire = fire
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        # True on a single instance (SQLite) and on the cluster's leader.
        self.leading = True
        # Timer ids scheduled in this term of leadership, fired or not: a resync never schedules
        # a timer twice (one that fired and is still committing its step would fire again).
        self._known: set[str] = set()
        self._repeating: dict[str, tuple[Job, float, datetime | None, bool]] = {}

    def start(self) -> None:
        if not self.scheduler.running:
            self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def schedule(self, timer: Timer) -> None:
        if not self.leading:
            return  # the leader reads this timer from the database at its next resync
        ident = job_id(timer)
        self._known.add(ident)
        self.scheduler.add_job(
            self.fire, "date", run_date=timer.at, id=ident, replace_existing=True,
            args=[timer.kind, timer.handoff_id, timer.version, timer.step],
            misfire_grace_time=None,  # a late timer still runs; it checks its row and drops if stale
            coalesce=True,
        )

    def resync(self, pending: list[Timer]) -> int:
        """Schedule the database's timers this leader has not seen yet; returns how many."""
        if not self.leading:
            return 0
        new = [t for t in pending if job_id(t) not in self._known]
        for timer in new:
            self.schedule(timer)
        scheduled = {job.id for job in self.scheduler.get_jobs()}
        self._known = {job_id(t) for t in pending} | (self._known & scheduled)
        return len(new)

    def lead(self, pending: list[Timer]) -> None:
        """This instance became the leader: every timer from the database, the daily jobs."""
        self.leading = True
        self._known.clear()
        for timer in pending:
            self.schedule(timer)
        for ident, (func, seconds, first, everywhere) in self._repeating.items():
            if not everywhere:
                self._add_repeating(func, seconds, ident, first)

    def follow(self) -> None:
        """This instance is not (or no longer) the leader: only its `everywhere` jobs stay."""
        self.leading = False
        self._known.clear()
        keep = {ident for ident, spec in self._repeating.items() if spec[3]}
        for job in self.scheduler.get_jobs():
            if job.id not in keep:
                job.remove()

    def pending(self) -> list[str]:
        return [job.id for job in self.scheduler.get_jobs()]

    def add_repeating(self, func: Job, seconds: float, job_id: str,
                      first: datetime | None = None, everywhere: bool = False) -> None:
        self._repeating[job_id] = (func, seconds, first, everywhere)
        if self.leading or everywhere:
            self._add_repeating(func, seconds, job_id, first)

    def _add_repeating(self, func: Job, seconds: float, job_id: str,
                       first: datetime | None) -> None:
        # APScheduler 3 treats next_run_time=None as "paused": pass it only when given.
        # (Regression: retry_deferred and the retention job never ran.)
        extra = {"next_run_time": first} if first is not None else {}
        self.scheduler.add_job(func, "interval", seconds=seconds, id=job_id, replace_existing=True,
                               coalesce=True, max_instances=1, **extra)
