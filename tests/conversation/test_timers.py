"""The live timers (bot/timers.py): repeating jobs really run (regression: APScheduler 3 paused
jobs added with next_run_time=None); escalation steps survive a restart and fire once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.conversation.effects import Timer, TimerKind
from bot.timers import Timers
from tests.conversation.conftest import Harness


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


async def test_an_overdue_timer_fires_at_once_when_scheduled_on_start() -> None:
    """Moved from tests/scheduling/test_timers.py with the live timers (bot/timers.py): a step that
    fell due while the process was down fires as soon as it is scheduled again."""
    fired: asyncio.Queue[tuple[str, int, int, int]] = asyncio.Queue()

    async def fire(kind: str, ident: int, version: int, step: int) -> None:
        fired.put_nowait((kind, ident, version, step))

    timers = Timers(fire)
    timers.start()
    try:
        timers.schedule(Timer(TimerKind.ESCALATE, 7, 3, 0, datetime.now(UTC) - timedelta(minutes=5)))
        got = await asyncio.wait_for(fired.get(), timeout=5)
    finally:
        timers.stop()
    assert got == ("escalate", 7, 3, 0)


async def test_rebuilt_timers_name_only_the_current_step_and_an_old_one_fires_once(h: Harness) -> None:
    """Moved from tests/scheduling/test_timers.py: what a restart rebuilds from the database is the
    step the case is at; a duplicate of the step that already fired changes nothing."""
    await h.send("I want to die")
    ho = await h.latest_handoff()
    first = await escalations(h)
    h.clock.advance(seconds=61)
    await h.fire_due()
    moved = await h.latest_handoff()
    rebuilt = await escalations(h)
    await h.c.service.on_timer("escalate", ho.id, ho.version, 0)  # the old job, again

    assert first == [(ho.id, ho.version, 0)]
    assert rebuilt == [(ho.id, moved.version, 1)]
    assert (await h.latest_handoff()).version == moved.version


async def escalations(h: Harness) -> list[tuple[int, int, int]]:
    return [(t.handoff_id, t.version, t.step) for t in await h.c.service.pending_timers()
            if t.kind == TimerKind.ESCALATE]


async def test_a_follower_schedules_nothing_and_the_leader_picks_its_timers_up_once() -> None:
    """Several instances: a follower's turn only writes the row; the leader's resync schedules the
    timer from the database once, and a resync after it fired does not bring it back."""
    fired: list[tuple[str, int, int, int]] = []

    async def fire(kind: str, ident: int, version: int, step: int) -> None:
        fired.append((kind, ident, version, step))

    soon = datetime.now(UTC) + timedelta(milliseconds=50)
    timer = Timer(TimerKind.ESCALATE, 7, 3, 1, soon)
    follower, leader = Timers(fire), Timers(fire)
    follower.start()
    leader.start()
    try:
        follower.follow()
        follower.schedule(timer)
        assert follower.pending() == []
        leader.lead([])
        assert leader.resync([timer]) == 1
        assert leader.resync([timer]) == 0  # already scheduled
        await asyncio.sleep(0.3)
        assert fired == [("escalate", 7, 3, 1)]
        assert leader.resync([timer]) == 0  # fired, its step still pending in the database
        await asyncio.sleep(0.1)
        assert fired == [("escalate", 7, 3, 1)]
    finally:
        follower.stop()
        leader.stop()


async def test_stepping_down_keeps_only_the_everywhere_jobs_and_leading_again_restores_the_rest() -> None:
    async def fire(kind: str, ident: int, version: int, step: int) -> None:
        return None

    async def job() -> None:
        return None

    timers = Timers(fire)
    timers.start()
    try:
        timers.add_repeating(job, 60, "retry-deferred", everywhere=True)
        timers.add_repeating(job, 60, "retention")
        timers.schedule(Timer(TimerKind.CARE, 1, 0, 1, datetime.now(UTC) + timedelta(hours=1)))
        timers.follow()
        assert timers.pending() == ["retry-deferred"]
        later = Timer(TimerKind.ESCALATE, 2, 0, 1, datetime.now(UTC) + timedelta(hours=1))
        timers.lead([later])
        assert sorted(timers.pending()) == ["escalate:2:0:1", "retention", "retry-deferred"]
    finally:
        timers.stop()
