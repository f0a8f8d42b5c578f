"""A running server with staff of every role, and logged-in HTTP clients for the dashboard."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.bootstrap import build
from bot.server import Server
from bot.storage.models import Counselor
from bot.web.auth import hash_password
from tests.e2e.conftest import e2e_settings, fake_ports
from tests.fakes.clock import FakeClock
from tests.web.conftest import ENGLISH_BROWSER

PASSWORD = "correct horse battery staple"
STAFF = (  # (id, name, login, roles)
    ("k1", "Coordinator Kim", "kim", ["counselor", "coordinator"]),
    ("c1", "Counselor Chen", "chen", ["counselor"]),
    ("c2", "Counselor Li", "li", ["counselor"]),
    ("a1", "Admin Ada", "ada", ["admin"]),
)


@dataclass
class Running:
    server: Server
    base: str
    clock: FakeClock


async def seed_staff(srv: Server) -> None:
    pw = hash_password(PASSWORD)
    async with srv.container.uow() as uow:
        for cid, name, login, roles in STAFF:
            await uow.counselors.add(Counselor(id=cid, name=name, languages=["zh", "en"], station_id="hd",
                                               roles=roles, web_login=login, password_hash=pw,
                                               telegram_id=1001 if cid == "c1" else None))
        await uow.commit()


async def start_server(db_url: str, tmp_path: Path, clock: FakeClock) -> Running:
    container = build(e2e_settings(db_url, tmp_path), clock=clock, **fake_ports())  # type: ignore[arg-type]
    srv = Server(container)
    await srv.start("127.0.0.1", 0)
    await seed_staff(srv)
    return Running(srv, f"http://127.0.0.1:{srv.port}", clock)


@pytest.fixture
async def running(db_url: str, tmp_path: Path) -> AsyncIterator[Running]:
    run = await start_server(db_url, tmp_path, FakeClock())
    yield run
    await run.server.stop()


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "page has no CSRF meta tag"
    return found.group(1)


async def login(http: aiohttp.ClientSession, base: str, who: str) -> str:
    """Log `who` in through the real form; returns the session's CSRF token."""
    async with http.get(f"{base}/login") as resp:
        token = csrf_from(await resp.text())
    async with http.post(f"{base}/login", data={"login": who, "password": PASSWORD, "next": "/admin",
                                                "csrf_token": token}, allow_redirects=False) as resp:
        assert resp.status == 302, await resp.text()
    async with http.get(f"{base}/login") as resp:
        return csrf_from(await resp.text())


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    # Like a browser set to English: staff pages follow Accept-Language (zh without it).
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                     headers=ENGLISH_BROWSER) as session:
        yield session
