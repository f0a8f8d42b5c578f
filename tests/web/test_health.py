"""/healthz reflects the database; /metrics serves Prometheus text."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.bootstrap import build
from bot.server import Server
from tests.e2e.conftest import METRICS_TOKEN, e2e_settings, fake_ports


async def running(db_url: str, tmp_path: Path) -> Server:
    srv = Server(build(e2e_settings(db_url, tmp_path), **fake_ports()))  # type: ignore[arg-type]
    await srv.start("127.0.0.1", 0)
    return srv


@pytest.fixture
async def up(web: Server) -> Server:
    return web  # the web tests' server (tests/web/conftest.py)


async def test_healthz_is_200_when_the_database_answers(up: Server) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{up.port}/healthz") as resp:
            body = await resp.json()
    assert resp.status == 200
    assert body["database"] == "up" and body["deferred_turns"] == 0  # nothing waits for the database


async def test_metrics_serve_prometheus_text_to_the_scrapers_token_only(up: Server) -> None:
    """Regression (probe finding 7): /metrics was open to anyone; now the scraper's bearer token
    or an admin's session (tests/web/test_role_matrix.py covers the sessions)."""
    seen = {}
    async with aiohttp.ClientSession() as http:
        for name, auth in (("token", f"Bearer {METRICS_TOKEN}"), ("wrong", f"Bearer {METRICS_TOKEN}x"),
                           ("none", None)):
            headers = {"Authorization": auth} if auth else {}
            async with http.get(f"http://127.0.0.1:{up.port}/metrics", headers=headers,
                                allow_redirects=False) as resp:
                seen[name] = (resp.status, await resp.text())
    assert seen["token"][0] == 200 and "# TYPE" in seen["token"][1]
    assert seen["wrong"][0] == seen["none"][0] == 302 and "# TYPE" not in seen["none"][1]


async def test_healthz_is_503_when_the_database_is_down(db_url: str, tmp_path: Path) -> None:
    srv = await running(db_url, tmp_path)
    # The database goes away under a running server: point the engine at a closed port.
    from bot.storage.engine import create_engine

    await srv.container.engine.dispose()
    srv.container.engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{srv.port}/healthz") as resp:
                assert resp.status == 503
                assert (await resp.json())["database"] == "down"
    finally:
        await srv.stop()
