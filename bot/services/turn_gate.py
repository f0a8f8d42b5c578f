"""How many turns use the database at once, and who goes next: crisis lines first.

Under overload the queue a turn waits in is the database's (SQLite writes one transaction at a
time; a PostgreSQL pool has a few connections). Left to the pool, waiters go in arrival order,
so a resident who just wrote that the pills are in their hand waits behind everyone who wrote
before. The gate admits at most `slots` turns at once and, when it is full, lets waiting turns
in urgent first (high or imminent by this message's own triage), then in arrival order. The
per-chat lock is taken before the gate, so one chat's messages keep their order.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools

# An ordinary turn that has waited this long in the gate hears "many people are writing now"
# once (rule 3: nobody waits unanswered), then keeps its place; its reply follows.
BUSY_NOTICE_S = 1.0
BUSY_TEXT = {
    "zh": "现在同时在写消息的人比较多，你的消息已经收到，请稍等，回复马上就到。",
    "en": "Many people are writing right now. Your message has arrived; the reply is coming shortly.",
}


class TurnGate:
    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("a turn gate needs at least one slot")
        self.slots = slots
        self.inside = 0
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []  # (0 urgent / 1, order, wake)
        self._order = itertools.count()
        self.peak_waiting = 0

    @property
    def waiting(self) -> int:
        return sum(1 for _, _, wake in self._waiting if not wake.done())

    def enter(self, urgent: bool) -> Entry:
        return Entry(self, urgent)

    def try_enter(self) -> bool:
        """Take a free slot now if nobody is waiting for one (then leave() gives it back)."""
        if self.inside < self.slots and not self.waiting:
            self.inside += 1
            return True
        return False

    def leave(self) -> None:
        self._release()

    async def _acquire(self, urgent: bool) -> None:
        if self.try_enter():
            return
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (0 if urgent else 1, next(self._order), wake))
        self.peak_waiting = max(self.peak_waiting, len(self._waiting))
        try:
            await wake  # the slot is handed over by _release (inside stays counted)
        except asyncio.CancelledError:
            if wake.done() and not wake.cancelled():
                self._release()  # woken and cancelled at once: pass the slot on
            raise

    def _release(self) -> None:
        while self._waiting:
            _, _, wake = heapq.heappop(self._waiting)
            if not wake.done():
                wake.set_result(None)  # the slot goes straight to the next waiter
                return
        self.inside -= 1


class Entry:
    """`async with gate.enter(urgent):` holds one slot for the block."""

    def __init__(self, gate: TurnGate, urgent: bool) -> None:
        self.gate, self.urgent = gate, urgent

    async def __aenter__(self) -> None:
        await self.gate._acquire(self.urgent)

    async def __aexit__(self, *_exc_info: object) -> None:
        self.gate._release()
