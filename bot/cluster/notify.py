"""Live events between instances by PostgreSQL LISTEN/NOTIFY: one connection per instance.

What crosses: the in-process EventHub's events (names and ids only, never text: a console on
instance B wakes when a resident on A writes; a rota edit on A empties B's rota cache), "web
row N is out" for a resident's socket that another instance holds (that instance reads row N
from the outbox and pushes it; see web_relay.py), and "new outbox rows" so the other instances'
dispatchers claim at once instead of at their next poll (up to 5 s). Each notification names its origin, so an
instance ignores its own. NOTIFY is best effort: a notification sent while an instance's
connection is down is lost to it, so after every (re)connect the instance publishes a local
"cluster.resync" event, and live views re-read the database (the truth) on any event.
Outgoing notifications are queued and flushed in one statement per burst, not one per event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from bot.events import Event, EventHub
from bot.tasks import cancel_and_wait

log = logging.getLogger(__name__)
CHANNEL = "hotline_events"
MAX_QUEUED = 10_000  # notifications waiting while the connection is down; older ones are dropped
PING_S = 5.0  # how often an idle connection is checked (a dead one is replaced)
WebPush = Callable[[int, str], Awaitable[None]]  # (outbox id, chat key) -> push to local sockets
NOTIFY_MANY = f"SELECT pg_notify('{CHANNEL}', p) FROM unnest($1::text[]) AS p"


class Bus:
    def __init__(self, dsn: str, me: str, hub: EventHub, retry_s: float = 1.0) -> None:
        self.dsn, self.me, self.hub, self.retry_s = dsn, me, hub, retry_s
        self.web_push: WebPush | None = None  # set by WebRelay when the web chat runs here
        self.outbox_wake: Callable[[], None] | None = None  # this instance's dispatcher.wake_here
        self._outbox_pending = False
        self.connected = asyncio.Event()
        self._out: list[str] = []
        self._wake = asyncio.Event()
        self._pushes: asyncio.Queue[tuple[int, str]] = asyncio.Queue(maxsize=MAX_QUEUED)
        self._tasks: list[asyncio.Task[None]] = []
        self._conn: Any = None  # asyncpg.Connection while connected

    async def start(self) -> None:
        self.hub.forward = self.send_event
        self._tasks = [asyncio.create_task(self._run(), name="notify-bus"),
                       asyncio.create_task(self._push_loop(), name="notify-web")]
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):  # the first connection, so a start is listening at once
                await self.connected.wait()

    async def stop(self) -> None:
        self.hub.forward = None
        for task in self._tasks:
            await cancel_and_wait(task)
        self._tasks = []

    def send_event(self, event: Event) -> None:
        self._send({"o": self.me, "e": [event.name, event.handoff_id, event.channel, event.chat_key]})

    def send_web(self, outbox_id: int, chat_key: str) -> None:
        self._send({"o": self.me, "w": [outbox_id, chat_key]})

    def send_outbox(self) -> None:
        """New outbox rows here: wake the others' dispatchers (one notification per burst)."""
        self._outbox_pending = True
        self._wake.set()

    def _send(self, message: dict[str, Any]) -> None:
        if len(self._out) >= MAX_QUEUED:
            del self._out[0]
        self._out.append(json.dumps(message, separators=(",", ":")))
        self._wake.set()

    async def _run(self) -> None:
        while True:
            conn: Any = None
            try:
                conn = self._conn = await asyncpg.connect(self.dsn, timeout=5)
                await conn.add_listener(CHANNEL, self._heard)
                self.connected.set()
                self.hub.publish_local(Event("cluster.resync"))  # what was missed: re-read
                await self._flush_forever(conn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the connection or the server went away: reconnect
                log.warning("notify bus connection lost (%s); reconnecting", exc.__class__.__name__)
            finally:
                self.connected.clear()
                self._conn = None
                if conn is not None:
                    conn.terminate()
            await asyncio.sleep(self.retry_s)

    async def _flush_forever(self, conn: Any) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(PING_S):  # not wait_for: see bot/tasks.py
                    await self._wake.wait()
            self._wake.clear()
            batch, self._out = self._out, []
            if self._outbox_pending:
                self._outbox_pending = False
                batch.append(json.dumps({"o": self.me, "x": 1}))
            if batch:
                await conn.execute(NOTIFY_MANY, batch)
            else:
                await conn.fetchval("SELECT 1")  # a silent dead connection would stop our listening

    def _heard(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            message = json.loads(payload)
            if message.get("o") == self.me:
                return
            if "e" in message:
                name, handoff_id, channel, chat_key = message["e"]
                self.hub.publish_local(Event(str(name), handoff_id, channel, chat_key))
            elif "x" in message and self.outbox_wake is not None:
                self.outbox_wake()
            elif "w" in message and self.web_push is not None:
                self._pushes.put_nowait((int(message["w"][0]), str(message["w"][1])))
        except (ValueError, TypeError, KeyError, asyncio.QueueFull):
            log.warning("notify bus: a notification was dropped")

    async def _push_loop(self) -> None:
        # One at a time, in the order heard: a chat's messages reach its socket in order.
        while True:
            outbox_id, chat_key = await self._pushes.get()
            if self.web_push is None:
                continue
            try:
                await self.web_push(outbox_id, chat_key)
            except Exception:  # the browser resyncs from the transcript; keep pushing the others
                log.exception("relayed web push failed")
