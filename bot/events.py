"""In-process event hub: live views (console queue, dashboard board, web chat) subscribe here.

Events are published after commit and carry ids only, never message text. With several
instances on PostgreSQL, `forward` (bot/cluster/notify.py) sends each event to the other
instances, which publish it on their own hub with `publish_local`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    name: str
    handoff_id: int | None = None
    channel: str | None = None
    chat_key: str | None = None


class EventHub:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event]] = set()
        self._listeners: dict[str, list[Callable[[], None]]] = {}
        self.forward: Callable[[Event], None] | None = None  # to the other instances, if any

    def on(self, name: str, callback: Callable[[], None]) -> None:
        """Call `callback` (cheap, synchronous) whenever an event with this name is published."""
        self._listeners.setdefault(name, []).append(callback)

    def publish(self, event: Event) -> None:
        """An event of this instance: here, and on every other instance."""
        self.publish_local(event)
        if self.forward is not None:
            self.forward(event)

    def publish_local(self, event: Event) -> None:
        """An event for this instance's listeners only (one heard from another instance)."""
        for callback in self._listeners.get(event.name, []):
            callback()
        for q in list(self._queues):
            if q.qsize() < 1000:  # a stuck subscriber must not grow without bound
                q.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Event]]:
        q: asyncio.Queue[Event] = asyncio.Queue()
        self._queues.add(q)
        try:
            yield q
        finally:
            self._queues.discard(q)
