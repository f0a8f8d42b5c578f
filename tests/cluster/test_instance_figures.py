"""/healthz names the instance and whether it leads; /metrics has leadership and the outbox backlog."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.bootstrap import build
from bot.conversation.messages import Outbound
from bot.server import Server
from tests.e2e.conftest import METRICS_TOKEN, e2e_settings, fake_ports


@pytest.fixture
async def up(db_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    srv = Server(build(e2e_settings(db_url, tmp_path), **fake_ports()))  # type: ignore[arg-type]
    await srv.start("127.0.0.1", 0)
    yield srv
    await srv.stop()


async def test_a_lone_instance_says_it_leads_and_counts_its_backlog(up: Server) -> None:
    container = up.container
    async with container.uow() as uow:  # a channel no sender here runs: the rows stay unsent
        for n in range(3):
            await uow.outbox.add("nowhere", "c1", Outbound("nowhere", "c1", f"m{n}").to_payload(),
                                 container.clock.now())
        await uow.commit()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{up.port}/healthz") as resp:
            assert resp.headers["X-Hotline-Leader"] == "yes"
            assert resp.headers["X-Hotline-Instance"] == container.dispatcher.instance
        async with http.get(f"http://127.0.0.1:{up.port}/metrics",
                            headers={"Authorization": f"Bearer {METRICS_TOKEN}"}) as resp:
            text = await resp.text()
    assert "hotline_timer_leader 1.0" in text
    assert "hotline_outbox_backlog 3.0" in text
