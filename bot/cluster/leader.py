"""One timer leader among the instances: whoever holds a PostgreSQL advisory lock.

The lock is taken with pg_try_advisory_lock on a connection of its own, kept open while leading:
PostgreSQL releases the lock when that connection ends, so a killed leader (kill -9, a lost
machine) frees it as soon as the server sees the socket close, and the next instance to try
(every `check_s`) takes over and rebuilds the timers from the database. A leader whose own
connection fails steps down at once. On SQLite there is one instance, and it leads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bot.tasks import cancel_and_wait

log = logging.getLogger(__name__)
# The advisory lock key: any fixed 64-bit number; this one spells "hotline" in ASCII.
LOCK_KEY = 0x686F746C696E65
Hook = Callable[[], Awaitable[None]]


def asyncpg_dsn(database_url: str) -> str | None:
    """The plain PostgreSQL DSN for asyncpg, or None for SQLite."""
    url = make_url(database_url)
    if not url.get_backend_name().startswith("postgresql"):
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Leadership:
    def __init__(self, database_url: str, on_gain: Hook, on_lose: Hook, check_s: float = 1.0) -> None:
        self.dsn = asyncpg_dsn(database_url)
        self.on_gain, self.on_lose = on_gain, on_lose
        self.check_s = check_s
        self.is_leader = False
        self._conn: Any = None  # asyncpg.Connection while leading
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.dsn is None:
            await self._gain()
            return
        await self.try_lead()  # a lone instance leads from its first second
        self._task = asyncio.create_task(self._loop(), name="leadership")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None
        await self._step_down()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.check_s)
            try:
                await self.try_lead()
            except Exception:  # a database hiccup: try again at the next check
                log.exception("leadership check failed")

    async def try_lead(self) -> None:
        """Take the lock if free; while leading, check the connection holding it still lives."""
        if self.is_leader:
            try:
                async with asyncio.timeout(self.check_s * 3):  # not wait_for: see bot/tasks.py
                    await self._conn.fetchval("SELECT 1")
            except Exception:  # any failure on the lock connection: the lock may be gone
                log.warning("leader lost its lock connection: stepping down")
                await self._step_down()
            return
        conn = await asyncpg.connect(self.dsn, timeout=5)
        try:
            got = await conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY)
        except BaseException:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return
        self._conn = conn
        await self._gain()

    async def _gain(self) -> None:
        self.is_leader = True
        log.info("this instance leads the timers")
        try:
            await self.on_gain()
        except BaseException:  # half a leader (timers not rebuilt) must not keep the lock
            await self._step_down()
            raise

    async def _step_down(self) -> None:
        was = self.is_leader
        self.is_leader = False
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                await asyncio.wait_for(conn.close(), timeout=2)  # closing releases the lock
            except Exception:
                conn.terminate()
        if was:
            await self.on_lose()
