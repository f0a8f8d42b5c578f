"""Two instances on one PostgreSQL see each other's work at once (LISTEN/NOTIFY): a resident's
socket on instance A gets the replies instance B delivered, a counselor's console on B wakes
when the resident on A writes, and B's relay reaches the resident on A."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap import build
from bot.cluster.leader import asyncpg_dsn
from bot.cluster.notify import Bus
from bot.events import Event, EventHub
from bot.server import Server
from tests.e2e.conftest import e2e_settings
from tests.web.conftest import CRISIS_EN, Browserish, Resident, start_server, web_ports


@pytest.fixture
async def pair(pg_url: str, tmp_path: Path) -> AsyncIterator[tuple[Server, Server]]:
    a = await start_server(pg_url, tmp_path)  # seeds the staff (li, wang, ...)
    b = Server(build(e2e_settings(pg_url, tmp_path), **web_ports()))  # type: ignore[arg-type]
    await b.start("127.0.0.1", 0)
    yield a, b
    await b.stop()
    await a.stop()


async def test_a_console_on_b_and_a_resident_on_a_hear_each_other(pair: tuple[Server, Server]) -> None:
    a, b = pair
    # A delivers nothing itself: every row reaches A's resident only through B and the relay.
    await a.container.dispatcher.stop()
    resident_tab = Browserish(f"http://127.0.0.1:{a.port}")
    li = Browserish(f"http://127.0.0.1:{b.port}")
    try:
        await li.login("li")
        console = await li.http.ws_connect(li.base + "/console/ws")
        resident = Resident(resident_tab)
        await resident.connect()

        await resident.send(CRISIS_EN)
        waiting = await resident.wait(lambda f: f["type"] == "state" and f["state"] == "waiting", 10)
        async with asyncio.timeout(10):
            woke = await console.receive_json()
        _, queue = await li.api("GET", "/console/api/queue")
        hid = queue["queue"][0]["id"]
        accepted = await li.api("POST", f"/console/api/handoffs/{hid}/accept")
        await li.api("POST", f"/console/api/handoffs/{hid}/relay", {"text": "I am here with you."})
        heard = await resident.wait(lambda f: f["type"] == "msg" and f["sender"] == "counselor", 10)
        await console.close()
    finally:
        await li.close()
        await resident_tab.close()

    assert waiting["risk"] == "imminent" and woke == {"type": "changed"}
    assert accepted == (200, {"result": "ok"}) and "I am here with you." in heard["text"]
    seqs = [m["seq"] for m in resident.messages()]
    assert any(m["urgent"] for m in resident.messages())
    assert len(seqs) == len(set(seqs))  # nothing pushed twice (A's own hub, B's relay)


async def test_events_cross_once_and_wake_the_other_outbox(pg_url: str) -> None:
    dsn = asyncpg_dsn(pg_url)
    assert dsn is not None
    hub_a, hub_b = EventHub(), EventHub()
    bus_a, bus_b = Bus(dsn, "a", hub_a), Bus(dsn, "b", hub_b)
    invalidated: list[str] = []
    hub_b.on("rota.changed", lambda: invalidated.append("b"))
    woken = asyncio.Event()
    bus_b.outbox_wake = woken.set
    await bus_a.start()
    await bus_b.start()
    try:
        async with hub_a.subscribe() as seen_a, hub_b.subscribe() as seen_b:
            hub_a.publish(Event("rota.changed"))
            hub_a.publish(Event("handoff.opened", 7))
            bus_a.send_outbox()
            async with asyncio.timeout(10):
                got_b = [await seen_b.get(), await seen_b.get()]
                await woken.wait()
            await asyncio.sleep(0.3)  # room for an echo, had there been one
            got_a = [seen_a.get_nowait() for _ in range(seen_a.qsize())]
            left_b = seen_b.qsize()
    finally:
        await bus_a.stop()
        await bus_b.stop()

    assert got_b == [Event("rota.changed"), Event("handoff.opened", 7)] and left_b == 0
    assert got_a == [Event("rota.changed"), Event("handoff.opened", 7)]  # its own, once each
    assert invalidated == ["b"]


async def test_a_bus_whose_connection_is_cut_reconnects_and_asks_views_to_reread(pg_url: str) -> None:
    import asyncpg

    dsn = asyncpg_dsn(pg_url)
    assert dsn is not None
    hub = EventHub()
    bus = Bus(dsn, "a", hub, retry_s=0.1)
    resyncs: list[int] = []
    twice = asyncio.Event()

    def resync() -> None:
        resyncs.append(1)
        if len(resyncs) >= 2:
            twice.set()

    hub.on("cluster.resync", resync)
    await bus.start()
    try:
        admin = await asyncpg.connect(dsn)
        try:  # the server ends the bus's connection, as a restart or a network cut would
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", bus._conn.get_server_pid())
        finally:
            await admin.close()
        async with asyncio.timeout(15):
            await twice.wait()
    finally:
        await bus.stop()
    assert len(resyncs) >= 2  # one at the start, one after the reconnect
