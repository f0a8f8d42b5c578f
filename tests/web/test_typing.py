"""Typing hints over real WebSockets: the resident's reach only the holder's console, the holder's
reach the resident, nothing is stored, and stray or bad frames are dropped or answered cleanly."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bot.server import Server
from bot.storage.models import AuditEntry, Message, OutboxItem
from tests.web.conftest import Browserish, Resident
from tests.web.test_console_api import crisis_resident, open_handoff


class Console:
    """A counselor's /console/ws: send frames, and read everything up to a ping's pong."""

    def __init__(self, tab: Browserish) -> None:
        self.tab = tab
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def connect(self) -> Console:
        self.ws = await self.tab.http.ws_connect(self.tab.base + "/console/ws")
        return self

    async def send(self, frame: object) -> None:
        assert self.ws is not None
        await self.ws.send_str(frame if isinstance(frame, str) else json.dumps(frame))

    async def until_pong(self) -> list[dict[str, Any]]:
        """Every JSON frame the server sent before it answered this ping (one socket keeps order)."""
        assert self.ws is not None
        await self.ws.send_str("ping")
        frames: list[dict[str, Any]] = []
        while (msg := await self.ws.receive(timeout=5)).type == aiohttp.WSMsgType.TEXT:
            if msg.data == "pong":
                return frames
            frames.append(json.loads(msg.data))
        raise ConnectionError(f"console socket closed ({msg.type}, {msg.data})")


def typing(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == "typing"]


async def resident_settled(r: Resident) -> None:
    """The resident's earlier frames are handled: the socket answers in order."""
    assert r.ws is not None
    await r.ws.send_json({"type": "ping"})
    await r.wait(lambda f: f["type"] == "pong")


async def held_chat(client: Callable[[], Browserish]) -> tuple[Resident, int, Console, Console]:
    """A resident in a chat Li holds; Li's and Wang's consoles open."""
    r = await crisis_resident(client)
    li, wang = client(), client()
    await li.login("li")
    await wang.login("wang")
    hid = (await open_handoff(li))["id"]
    await li.api("POST", f"/console/api/handoffs/{hid}/accept")
    return r, hid, await Console(li).connect(), await Console(wang).connect()


async def counts(web: Server) -> tuple[int, int, int]:
    async with web.container.uow() as uow:
        return tuple([await uow.session.scalar(select(func.count()).select_from(t))  # type: ignore[misc]
                      for t in (Message, OutboxItem, AuditEntry)])


async def test_the_residents_typing_reaches_the_holders_console_only(
        client: Callable[[], Browserish]) -> None:
    r, hid, li, wang = await held_chat(client)

    assert r.ws is not None
    await r.ws.send_json({"type": "typing", "text": "words that must not travel"})
    await resident_settled(r)
    to_li, to_wang = await li.until_pong(), await wang.until_pong()

    assert typing(to_li) == [{"type": "typing", "handoff": hid}]
    assert typing(to_wang) == []
    assert "words" not in json.dumps(to_li)


async def test_the_holders_typing_reaches_the_resident_and_a_colleagues_does_not(
        client: Callable[[], Browserish]) -> None:
    r, hid, li, wang = await held_chat(client)

    await wang.send({"type": "typing", "handoff": hid})
    await wang.until_pong()
    await resident_settled(r)
    early = typing(r.frames)
    await li.send({"type": "typing", "handoff": hid})
    await li.until_pong()
    heard = await r.wait(lambda f: f["type"] == "typing")

    assert early == []
    assert heard == {"type": "typing", "sender": "counselor"}


async def test_typing_is_never_stored_queued_or_audited(web: Server,
                                                        client: Callable[[], Browserish]) -> None:
    r, hid, li, _ = await held_chat(client)
    await li.until_pong()
    await resident_settled(r)
    before = await counts(web)

    assert r.ws is not None
    await r.ws.send_json({"type": "typing"})
    await li.send({"type": "typing", "handoff": hid})
    await r.wait(lambda f: f["type"] == "typing")
    await li.until_pong()
    await resident_settled(r)

    assert await counts(web) == before


async def test_a_second_typing_frame_within_a_second_is_dropped(client: Callable[[], Browserish]) -> None:
    r, hid, li, _ = await held_chat(client)

    assert r.ws is not None
    for _ in range(5):
        await r.ws.send_json({"type": "typing"})
    await resident_settled(r)

    assert typing(await li.until_pong()) == [{"type": "typing", "handoff": hid}]


async def test_typing_without_a_counselor_is_dropped_without_a_word(client: Callable[[], Browserish]) -> None:
    r = Resident(client())
    await r.connect()
    assert r.ws is not None
    n = len(r.frames)

    await r.ws.send_json({"type": "typing"})
    await resident_settled(r)

    assert [f["type"] for f in r.frames[n:]] == ["pong"]


async def test_bad_console_frames_get_a_clean_error_and_the_socket_stays(
        client: Callable[[], Browserish]) -> None:
    r, hid, li, _ = await held_chat(client)

    await li.send("{not json")
    await li.send({"type": "typing", "handoff": str(hid)})
    await li.send({"type": "typing", "handoff": True})
    await li.send({"type": "typing"})
    await li.send([1, 2])
    errors = [f.get("code") for f in await li.until_pong() if f["type"] == "error"]
    await li.send({"type": "typing", "handoff": hid})
    await li.until_pong()

    assert errors == ["bad_json", "bad_request", "bad_request", "bad_request", "bad_request"]
    assert await r.wait(lambda f: f["type"] == "typing")


async def test_an_oversized_typing_frame_closes_the_socket_as_too_big(
        client: Callable[[], Browserish]) -> None:
    _, hid, li, _ = await held_chat(client)

    await li.send({"type": "typing", "handoff": hid, "pad": "x" * 8000})
    assert li.ws is not None
    msg = await li.ws.receive(timeout=5)
    while msg.type == aiohttp.WSMsgType.TEXT:  # a "changed" wake-up may come first
        msg = await li.ws.receive(timeout=5)

    assert li.ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
