"""The shutdown hang CI hit: Python 3.11's wait_for swallows a cancellation that meets a wake-up."""

from __future__ import annotations

import asyncio
import sys

import pytest

from bot.tasks import cancel_and_wait


async def _wait_for_loop(wake: asyncio.Event, passes: list[int]) -> None:
    """The outbox loop as it was: sleep until woken or timed out, then do a pass."""
    while True:
        wake.clear()
        passes.append(1)
        try:
            await asyncio.wait_for(wake.wait(), timeout=30)
        except TimeoutError:
            pass


async def _woken_then_cancelled(stop: object) -> tuple[bool, int]:
    wake, passes = asyncio.Event(), []
    task = asyncio.create_task(_wait_for_loop(wake, passes))
    await asyncio.sleep(0.01)
    wake.set()  # a row committed ...
    await asyncio.sleep(0)  # ... its waiter finishes in this iteration ...
    ended = asyncio.ensure_future(stop(task))  # type: ignore[operator]
    done, _ = await asyncio.wait({ended}, timeout=3)  # ... just as the server stops
    if not done:
        task.cancel()
        ended.cancel()
        await asyncio.gather(task, ended, return_exceptions=True)
    return bool(done), len(passes)


async def _cancel_once(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="wait_for no longer swallows cancellation")
async def test_one_cancel_can_be_swallowed_by_wait_for() -> None:
    ended, passes = await _woken_then_cancelled(_cancel_once)

    assert not ended and passes >= 2  # the loop went round again instead of ending: the CI hang


async def test_cancel_and_wait_ends_the_loop_all_the_same() -> None:
    ended, _ = await _woken_then_cancelled(cancel_and_wait)

    assert ended


async def test_cancel_and_wait_takes_none_and_finished_tasks() -> None:
    async def quick() -> int:
        return 1

    task = asyncio.create_task(quick())
    await task
    await cancel_and_wait(task)
    await cancel_and_wait(None)

    assert task.result() == 1
