"""The chat and console WebSockets under hostile frames: binary, oversized, invalid JSON, unknown
types, frames before the hello. The server answers with error frames or closes with a reason;
never 1011 (its own failure), never a Python error in a frame; the next socket works."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.server import Server
from tests.fuzz.http_client import LEAKS, json_values
from tests.fuzz.strategies import hostile_text
from tests.web.conftest import Browserish, Resident

FUZZ = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
# Closes that mean "you sent something wrong" (RFC 6455: 1003 unsupported, 1007 bad data, 1008
# policy, 1009 too big) or the app's own 4xxx; 1011 means the server itself failed.
CLEAN_CLOSES = {1000, 1001, 1003, 1007, 1008, 1009, 4400, 4403, 4413}
TYPES = ("hello", "msg", "button", "lang", "forget", "ping", "state", "", "nonsense")

chat_frames = st.one_of(
    st.builds(lambda t, cid, v: ("json", {"type": t, "cid": cid, "text": v, "data": v, "lang": v}),
              st.sampled_from(TYPES), st.one_of(st.none(), st.integers(), hostile_text.map(lambda t: t[:80])),
              st.one_of(hostile_text.map(lambda t: t[:5000]), json_values)),
    st.builds(lambda v: ("json", v), json_values),
    st.builds(lambda s: ("text", s),
              st.sampled_from(['{"type":', "[]", "null", '"msg"', "{}", "", "\ud800"])),
    st.builds(lambda b: ("binary", b), st.binary(max_size=200)),
    # Past the frame bound (4 bytes a character for max_message_chars, plus the envelope).
    st.just(("text", '{"type": "msg", "cid": "big", "text": "' + "x" * 20_000 + '"}')),
)


@pytest.fixture
async def tab(web: Server) -> AsyncIterator[Browserish]:
    made = Browserish(f"http://127.0.0.1:{web.port}")
    await made.page("/chat")
    yield made
    await made.close()


async def send(ws: aiohttp.ClientWebSocketResponse, frame: tuple[str, object]) -> None:
    kind, value = frame
    if kind == "binary":
        await ws.send_bytes(value)  # type: ignore[arg-type]
    elif kind == "json":
        await ws.send_str(json.dumps(value))
    else:
        await ws.send_str(str(value).encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


async def drain_until_pong(ws: aiohttp.ClientWebSocketResponse) -> None:
    """Read what the server says until it answers the ping or closes; check every frame."""
    while True:
        msg = await ws.receive(timeout=15)
        if msg.type == aiohttp.WSMsgType.TEXT:
            assert not LEAKS.search(msg.data), msg.data[:300]
            if msg.data == "pong" or json.loads(msg.data).get("type") == "pong":
                return
        elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
            assert ws.close_code in CLEAN_CLOSES, (ws.close_code, msg.extra)
            return
        elif msg.type == aiohttp.WSMsgType.ERROR:
            raise AssertionError(f"socket error {msg.data!r}")


@FUZZ
@given(frames=st.lists(chat_frames, max_size=6), hello=st.sampled_from(["valid", "forged", "none"]))
async def test_hostile_chat_frames_get_errors_or_a_clean_close(web: Server, tab: Browserish,
                                                               frames: list[tuple[str, object]],
                                                               hello: str) -> None:
    async with tab.http.ws_connect(tab.base + "/chat/ws") as ws:
        if hello != "none":
            await ws.send_json({"type": "hello", "last_seq": 0,
                                "csrf": tab.csrf if hello == "valid" else "forged"})
        for frame in frames:
            await send(ws, frame)
        if not ws.closed:
            await ws.send_json({"type": "ping"})

        await drain_until_pong(ws)

    fresh = Resident(tab)
    await fresh.connect()  # the server still serves a well-behaved socket
    await fresh.send("hello")
    await fresh.wait(lambda f: f["type"] == "ack")
    assert fresh.ws is not None
    await fresh.ws.close()


@FUZZ
@given(frames=st.lists(chat_frames, max_size=6))
async def test_hostile_console_frames_never_break_the_console_socket(web: Server,
                                                                    frames: list[tuple[str, object]]) -> None:
    staff = Browserish(f"http://127.0.0.1:{web.port}")
    try:
        await staff.login("li")
        async with staff.http.ws_connect(staff.base + "/console/ws") as ws:
            for frame in frames:
                await send(ws, frame)
            if not ws.closed:
                await ws.send_str("ping")
            await drain_until_pong(ws)
        async with staff.http.ws_connect(staff.base + "/console/ws") as ws:
            await ws.send_str("ping")
            assert (await ws.receive(timeout=15)).data == "pong"
    finally:
        await staff.close()
