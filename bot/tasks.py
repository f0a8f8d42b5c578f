"""Stopping a background task for certain.

Python 3.11's `asyncio.wait_for` swallows a cancellation that arrives in the same loop iteration as
the awaited future's result (gh-86296, fixed in 3.12): a loop like the outbox's, woken by a row just
as the server stops, then carries on, and a single `task.cancel()` followed by `await task` waits
forever. That is how CI hung in tests/web with the event loop idle. Loops here use
`asyncio.timeout` (which does not swallow), and every stop goes through `cancel_and_wait`, which
cancels again until the task has really ended, so one swallowed cancellation cannot hang a shutdown.
"""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)

RECANCEL_S = 1.0


async def cancel_and_wait(task: asyncio.Task[object] | None) -> None:
    """Cancel `task` and wait until it has ended, cancelling again each second it carries on."""
    if task is None:
        return
    while not task.done():
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=RECANCEL_S)
        if not done:
            log.warning("task %s ignored a cancellation: cancelling again", task.get_name())
    if not task.cancelled() and task.exception() is not None:
        log.debug("task %s ended with %r", task.get_name(), task.exception())
