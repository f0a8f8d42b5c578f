"""The resident chat over its WebSocket: answers, resync after a drop, replays, bounds, origin."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
import pytest

from bot.server import Server
from tests.web.conftest import CRISIS_EN, REAL_ENGINES, Browserish, Resident


def bot_msg(f: dict) -> bool:
    return f["type"] == "msg" and f["sender"] == "bot"


async def test_resident_question_gets_a_knowledge_base_answer(client: Callable[[], Browserish]) -> None:
    r = Resident(client())
    await r.connect()

    cid = await r.send("I can't sleep at night, what can I do?")
    answer = await r.wait(bot_msg)
    ack = await r.wait(lambda f: f["type"] == "ack")

    assert ack["cid"] == cid and isinstance(ack["seq"], int) and ack["seq"] < answer["seq"]
    if not REAL_ENGINES:
        assert answer["text"] == "Try a regular bedtime."
    assert answer["text"]


async def test_crisis_message_puts_the_resident_in_waiting_for_a_counselor(
        client: Callable[[], Browserish]) -> None:
    r = Resident(client())
    await r.connect()

    await r.send(CRISIS_EN)
    state = await r.wait(lambda f: f["type"] == "state" and f["state"] == "waiting")

    assert state["risk"] == "imminent"
    assert any(m["urgent"] for m in r.messages())


async def test_reconnect_resends_only_what_was_missed(client: Callable[[], Browserish]) -> None:
    tab = client()
    first = Resident(tab)
    await first.connect()
    await first.send("I can't sleep")
    await first.wait(bot_msg)
    seen = first.last_seq
    await first.ws.close()  # type: ignore[union-attr]
    other = Resident(tab)  # the same browser (another tab) while the first socket is gone
    other.last_seq = seen
    await other.connect()
    await other.send("still can't sleep")
    missed = await other.wait(lambda f: bot_msg(f) and f["seq"] > seen)
    await other.ws.close()  # type: ignore[union-attr]

    again = Resident(tab)
    again.last_seq = seen
    await again.connect()

    seqs = [m["seq"] for m in again.messages()]
    assert seqs and min(seqs) > seen and missed["seq"] in seqs and len(seqs) == len(set(seqs))


async def test_a_resent_client_message_is_a_replay_handled_once(client: Callable[[], Browserish]) -> None:
    r = Resident(client())
    await r.connect()
    await r.send("I can't sleep", cid="same-id")
    first = await r.wait(lambda f: f["type"] == "ack")
    await r.wait(bot_msg)

    await r.send("I can't sleep", cid="same-id")
    second = await r.wait(lambda f: f["type"] == "ack")
    fresh = Resident(r.tab)
    await fresh.connect()

    assert second["seq"] == first["seq"]
    residents = [m for m in fresh.messages() if m["sender"] == "resident"]
    assert len(residents) == 1


async def test_a_frame_over_the_bound_closes_the_socket_with_message_too_big(
        client: Callable[[], Browserish], web: Server) -> None:
    r = Resident(client())
    await r.connect()
    limit = web.container.settings.max_message_chars

    await r.ws.send_json({"type": "msg", "cid": "big", "text": "字" * (limit * 2)})  # type: ignore[union-attr]
    msg = await r.ws.receive()  # type: ignore[union-attr]

    assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    assert r.ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG  # type: ignore[union-attr]


async def test_hello_without_the_csrf_token_is_refused(client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.page("/chat")
    ws = await tab.http.ws_connect(tab.base + "/chat/ws")

    await ws.send_json({"type": "hello", "last_seq": 0, "csrf": "forged"})
    frames = [await ws.receive(), await ws.receive()]

    assert any(f.type == aiohttp.WSMsgType.CLOSE and f.data == 4403 for f in frames)
    await ws.close()


async def test_a_websocket_from_another_origin_is_refused(client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.page("/chat")

    with pytest.raises(aiohttp.WSServerHandshakeError) as err:
        await tab.http.ws_connect(tab.base + "/chat/ws", origin="https://evil.example")

    assert err.value.status == 403


async def test_malformed_frames_get_an_error_frame_not_a_crash(client: Callable[[], Browserish]) -> None:
    r = Resident(client())
    await r.connect()

    await r.ws.send_str("{not json")  # type: ignore[union-attr]
    bad = await r.wait(lambda f: f["type"] == "error")
    await r.ws.send_json({"type": "msg", "cid": 5, "text": []})  # type: ignore[union-attr]
    worse = await r.wait(lambda f: f["type"] == "error")
    await r.send("I can't sleep")

    assert bad["code"] == "bad_json" and worse["code"] == "bad_request"
    assert (await r.wait(bot_msg))["text"]


async def test_a_resident_can_erase_their_conversation_after_confirming(
        client: Callable[[], Browserish]) -> None:
    r = Resident(client())
    await r.connect()
    await r.send("I can't sleep")
    await r.wait(bot_msg)

    await r.ws.send_json({"type": "forget", "cid": "f1"})  # type: ignore[union-attr]
    confirm = await r.wait(lambda f: bot_msg(f) and any(b["data"] == "forget:yes" for row in f["buttons"]
                                                        for b in row))
    await r.ws.send_json({"type": "button", "cid": "f2", "data": "forget:yes"})  # type: ignore[union-attr]
    erased = await r.wait(lambda f: f["type"] == "state" and f["state"] == "new")
    fresh = Resident(r.tab)
    await fresh.connect()

    assert confirm and erased and fresh.messages() == []


async def test_a_message_taken_while_the_database_is_down_is_stored_once_when_resent(
        web: Server, client: Callable[[], Browserish]) -> None:
    """The page re-sends a message whose ack came without a seq; the repeat is handled once."""
    from bot.storage.engine import create_engine, session_factory

    r = Resident(client())
    await r.connect()
    live, dead_engine = web.container.uow.sessions, create_engine("postgresql+asyncpg://u@127.0.0.1:1/none")
    web.container.uow.sessions = session_factory(dead_engine)
    try:
        await r.send("I can't sleep", cid="during-outage")
        refused = await r.wait(lambda f: f["type"] == "ack")
    finally:
        web.container.uow.sessions = live
        await dead_engine.dispose()

    await r.send("I can't sleep", cid="during-outage")  # what chat.js does after RETRY_MS
    stored = await r.wait(lambda f: f["type"] == "ack")
    await r.wait(bot_msg)
    await r.send("I can't sleep", cid="during-outage")  # and once more: a replay now
    await r.wait(lambda f: f["type"] == "ack")
    fresh = Resident(r.tab)
    await fresh.connect()

    assert refused["seq"] is None and isinstance(stored["seq"], int)
    assert [m["seq"] for m in fresh.messages() if m["sender"] == "resident"] == [stored["seq"]]
