"""Repeating jobs really run (regression: APScheduler 3 paused jobs added with next_run_time=None)."""

from __future__ import annotations

import asyncio

from bot.timers import Timers


async def test_a_repeating_job_runs_without_a_first_time() -> None:
    ran = asyncio.Event()

    async def job() -> None:
        ran.set()

    async def fire(kind: str, ident: int, version: int, step: int) -> None:
        return None

    timers = Timers(fire)
    timers.start()
    try:
        timers.add_repeating(job, 0.05, "tick")
        await asyncio.wait_for(ran.wait(), timeout=5)
    finally:
        timers.stop()
    assert ran.is_set()
