"""One timer leader: the PostgreSQL advisory lock picks it, and a dead leader's lock passes on."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from bot.cluster.leader import LOCK_KEY, Leadership, asyncpg_dsn


def test_sqlite_has_no_lock_to_take() -> None:
    assert asyncpg_dsn("sqlite+aiosqlite:///./var/hotline.db") is None


async def test_a_lone_sqlite_instance_leads_at_once() -> None:
    gained: list[str] = []

    async def gain() -> None:
        gained.append("gain")

    async def lose() -> None:
        gained.append("lose")

    lead = Leadership("sqlite+aiosqlite:///./nowhere.db", gain, lose)
    await lead.start()
    assert lead.is_leader and gained == ["gain"]
    await lead.stop()
    assert gained == ["gain", "lose"]


async def test_one_of_three_leads_and_a_killed_leaders_lock_passes_to_another(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("the advisory lock is PostgreSQL's")
    log: list[tuple[int, str]] = []

    def hooks(n: int) -> tuple[object, object]:
        async def gain() -> None:
            log.append((n, "gain"))

        async def lose() -> None:
            log.append((n, "lose"))

        return gain, lose

    instances = []
    for n in range(3):
        gain, lose = hooks(n)
        instances.append(Leadership(db_url, gain, lose, check_s=0.1))  # type: ignore[arg-type]
    try:
        for inst in instances:
            await inst.start()
        assert [i.is_leader for i in instances] == [True, False, False]
        # kill -9 of the leader seen from PostgreSQL: its lock connection ends without a goodbye.
        admin = await asyncpg.connect(asyncpg_dsn(db_url))
        try:
            pid = instances[0]._conn.get_server_pid()
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        for _ in range(50):
            await asyncio.sleep(0.1)
            if sum(i.is_leader for i in instances[1:]) == 1 and not instances[0].is_leader:
                break
        assert not instances[0].is_leader  # the old leader noticed and stepped down
        assert sum(i.is_leader for i in instances) == 1
        gains = [n for n, what in log if what == "gain"]
        assert gains[0] == 0 and len(gains) == 2 and gains[1] in (1, 2)
        assert (0, "lose") in log
    finally:
        for inst in instances:
            await inst.stop()
    admin = await asyncpg.connect(asyncpg_dsn(db_url))
    try:  # stopping released the lock
        assert await admin.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY)
    finally:
        await admin.close()
