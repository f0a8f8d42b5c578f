"""A real server on 127.0.0.1 (random port, SQLite in tmp_path) with staff that can log in, and
small HTTP / WebSocket clients that behave like a browser (cookies, CSRF token from the page)."""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import io
import json
import re
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.bootstrap import build
from bot.demo import DemoStaff, seed_staff
from bot.server import Server
from tests.e2e.conftest import e2e_settings

STAFF = (
    DemoStaff("c1", "li", "Li Na", "Xiao Li", ("counselor",)),
    DemoStaff("c2", "wang", "Wang Qiang", "Xiao Wang", ("counselor",)),
    DemoStaff("k1", "zhao", "Zhao Min", "Zhao", ("coordinator", "counselor")),
    DemoStaff("a1", "admin", "Admin", "Admin", ("admin",)),
)
PASSWORDS = {"li": "li-pass-1", "wang": "wang-pass-2", "zhao": "zhao-pass-3", "admin": "admin-pass-4"}
REAL_ENGINES = importlib.util.find_spec("bot.adapters") is not None
# What a browser set to English sends; staff pages follow it (Chinese without it, issue 17 item 10).
ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}
CRISIS_EN = "I have the pills here and I'm going to take them tonight"
CRISIS_ZH = "我不想活了，今晚就吃药"


@functools.cache
def real_engines() -> tuple[object, object]:
    """The trained triage and the knowledge base, loaded once per test session (they are read-only)."""
    from bot.adapters.kb_adapter import KnowledgeAdapter
    from bot.adapters.triage_adapter import TriageAdapter

    return TriageAdapter(), KnowledgeAdapter()


def web_ports() -> dict[str, object]:
    """The real triage and knowledge base once bot/adapters exists; a fixed rota (c1, c2 on duty)."""
    from tests.fakes.ports import CannedKB, KeywordTriage, StaticRota

    ports: dict[str, object] = {"rota": StaticRota(["c1", "c2"], coordinators=["k1"], timeout_s=120)}
    if REAL_ENGINES:
        ports["triage"], ports["kb"] = real_engines()
    else:
        ports.update(triage=KeywordTriage(), kb=CannedKB())
    return ports


async def start_server(db_url: str, tmp_path: Path) -> Server:
    srv = Server(build(e2e_settings(db_url, tmp_path), **web_ports()))  # type: ignore[arg-type]
    await srv.start("127.0.0.1", 0)
    await seed_staff(srv.container.uow, STAFF, PASSWORDS)
    return srv


@pytest.fixture
async def web(db_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    srv = await start_server(db_url, tmp_path)
    yield srv
    await srv.stop()


class Browserish:
    """An HTTP client with a cookie jar that reads the CSRF token from pages like a browser."""

    def __init__(self, base: str) -> None:
        self.base = base
        # Like a browser set to English: staff pages follow Accept-Language (zh without it).
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers=ENGLISH_BROWSER)
        self.csrf = ""
        self.landing = ""

    async def close(self) -> None:
        await self.http.close()

    async def page(self, path: str) -> tuple[int, str]:
        async with self.http.get(self.base + path, allow_redirects=False) as resp:
            body = await resp.text()
        if (m := re.search(r'name="csrf-token" content="([^"]+)"', body)):
            self.csrf = m.group(1)
        return resp.status, body

    async def login(self, login: str, password: str | None = None) -> int:
        await self.page("/login")
        form = {"login": login, "password": password or PASSWORDS[login], "csrf_token": self.csrf}
        async with self.http.post(self.base + "/login", data=form, allow_redirects=False) as resp:
            status, self.landing = resp.status, resp.headers.get("Location", "/login")
        await self.page(self.landing)
        return status

    async def api(self, method: str, path: str, body: Any = None, csrf: bool = True) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if csrf:
            headers["X-CSRF-Token"] = self.csrf
        payload = None
        if body is not None:
            # A stream, as a browser sends it: aiohttp warns about (and the suite's filterwarnings
            # fails on) a bytes body over 1 MiB, which the fuzzers' 100 kB emoji texts reach as JSON.
            headers["Content-Type"] = "application/json"
            payload = io.BytesIO(json.dumps(body).encode())
        async with self.http.request(method, self.base + path, data=payload, headers=headers,
                                     allow_redirects=False) as resp:
            text = await resp.text()
        try:
            return resp.status, json.loads(text)
        except ValueError:
            return resp.status, text


@pytest.fixture
async def client(web: Server) -> AsyncIterator[Callable[[], Browserish]]:
    made: list[Browserish] = []

    def make() -> Browserish:
        made.append(Browserish(f"http://127.0.0.1:{web.port}"))
        return made[-1]

    yield make
    for c in made:
        await c.close()


class Resident:
    """A resident's browser tab reduced to its WebSocket: hello, send, and wait for frames."""

    def __init__(self, tab: Browserish) -> None:
        self.tab = tab
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.frames: list[dict[str, Any]] = []
        self.last_seq = 0
        self._n = 0
        self._taken: set[int] = set()

    async def connect(self) -> dict[str, Any]:
        if not self.tab.csrf:
            await self.tab.page("/chat")
        self.ws = await self.tab.http.ws_connect(self.tab.base + "/chat/ws")
        await self.ws.send_json({"type": "hello", "last_seq": self.last_seq, "csrf": self.tab.csrf})
        return await self.wait(lambda f: f["type"] == "synced")

    async def send(self, text: str, cid: str | None = None) -> str:
        self._n += 1
        cid = cid or f"m{self._n}-{secrets.token_hex(4)}"
        assert self.ws is not None
        await self.ws.send_json({"type": "msg", "cid": cid, "text": text})
        return cid

    async def wait(self, pred: Callable[[dict[str, Any]], bool], timeout: float = 15.0) -> dict[str, Any]:
        """The first frame matching `pred` that no earlier `wait` returned (reading more as needed).
        Only a failing test waits the whole timeout; 5 s ran out once in the 4-worker suite."""
        assert self.ws is not None
        async with asyncio.timeout(timeout):
            while True:
                for i, frame in enumerate(self.frames):
                    if i not in self._taken and pred(frame):
                        self._taken.add(i)
                        return frame
                msg = await self.ws.receive()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    raise ConnectionError(f"socket closed ({msg.type}, {msg.data})")
                frame = json.loads(msg.data)
                self.frames.append(frame)
                if frame.get("type") == "msg" and frame.get("seq"):
                    self.last_seq = max(self.last_seq, frame["seq"])

    def messages(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["type"] == "msg"]
