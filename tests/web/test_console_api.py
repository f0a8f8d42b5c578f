"""The counselor console's API: queue order, first accept wins, relay both ways, close, privacy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.server import Server
from tests.web.conftest import CRISIS_EN, Browserish, Resident


async def crisis_resident(client: Callable[[], Browserish], text: str = CRISIS_EN) -> Resident:
    r = Resident(client())
    await r.connect()
    await r.send(text)
    await r.wait(lambda f: f["type"] == "state" and f["state"] == "waiting")
    return r


async def open_handoff(counselor: Browserish) -> dict[str, Any]:
    _, data = await counselor.api("GET", "/console/api/queue")
    return data["queue"][0]


async def test_first_accept_wins_and_the_second_counselor_hears_taken(
        client: Callable[[], Browserish]) -> None:
    r = await crisis_resident(client)
    li, wang = client(), client()
    await li.login("li")
    await wang.login("wang")
    h = await open_handoff(li)

    first = await li.api("POST", f"/console/api/handoffs/{h['id']}/accept")
    second = await wang.api("POST", f"/console/api/handoffs/{h['id']}/accept")
    joined = await r.wait(lambda f: f["type"] == "state" and f["state"] == "with_counselor")

    assert h["level"] == "imminent"
    assert first == (200, {"result": "ok"}) and second == (200, {"result": "taken"})
    assert joined["risk"] == "imminent"


async def test_counselor_and_resident_exchange_messages_then_the_chat_closes(
        client: Callable[[], Browserish]) -> None:
    r = await crisis_resident(client)
    li = client()
    await li.login("li")
    h = await open_handoff(li)
    await li.api("POST", f"/console/api/handoffs/{h['id']}/accept")

    sent = await li.api("POST", f"/console/api/handoffs/{h['id']}/relay", {"text": "I am here with you."})
    heard = await r.wait(lambda f: f["type"] == "msg" and f["sender"] == "counselor")
    cid = await r.send("thank you, I put the pills away")
    await r.wait(lambda f: f["type"] == "ack" and f["cid"] == cid)
    _, pane = await li.api("GET", f"/console/api/handoffs/{h['id']}")
    closed = await li.api("POST", f"/console/api/handoffs/{h['id']}/close",
                          {"outcome": "resolved", "followup": "24h", "safety_check": "safety_plan"})
    back = await r.wait(lambda f: f["type"] == "state" and f["state"] == "self_help")

    assert sent[1] == {"result": "ok"} and heard["alias"] == "Xiao Li"
    assert "I am here with you." in heard["text"]
    assert [m["text"] for m in pane["messages"]][-1] == "thank you, I put the pills away"
    assert pane["mine"] and pane["level"] == "imminent" and pane["reasons"]
    assert closed == (200, {"result": "ok"}) and back["state"] == "self_help"


async def test_a_counselor_cannot_read_a_chat_they_never_held(web: Server,
                                                              client: Callable[[], Browserish]) -> None:
    await crisis_resident(client)
    li, wang = client(), client()
    await li.login("li")
    await wang.login("wang")
    h = await open_handoff(li)
    before_accept, _ = await li.api("GET", f"/console/api/handoffs/{h['id']}")
    await li.api("POST", f"/console/api/handoffs/{h['id']}/accept")

    status, body = await wang.api("GET", f"/console/api/handoffs/{h['id']}")
    relay = await wang.api("POST", f"/console/api/handoffs/{h['id']}/relay", {"text": "hi"})
    async with web.container.uow() as uow:
        actions = [(e.actor, e.action) for e in await uow.audit.all()]

    assert before_accept == 403 and status == 403 and "messages" not in body
    assert relay[0] == 409 and relay[1] == {"result": "refused"}
    assert ("c2", "conversation.read.denied") in actions and ("c1", "conversation.read") in actions


async def test_the_queue_puts_higher_risk_first_then_the_longest_waiting(
        client: Callable[[], Browserish]) -> None:
    await crisis_resident(client, "I want to die")
    await crisis_resident(client, CRISIS_EN)
    li = client()
    await li.login("li")

    _, data = await li.api("GET", "/console/api/queue")

    assert [h["level"] for h in data["queue"]] == ["imminent", "high"]


async def test_going_off_duty_is_recorded(web: Server, client: Callable[[], Browserish]) -> None:
    li = client()
    await li.login("li")

    await li.api("POST", "/console/api/duty", {"available": False})
    _, data = await li.api("GET", "/console/api/queue")
    async with web.container.uow() as uow:
        me = await uow.counselors.get("c1")
        audited = [e.action for e in await uow.audit.all() if e.actor == "c1"]

    assert data["available"] is False and me is not None and me.available is False
    assert "duty.toggle" in audited


async def test_relay_refuses_empty_and_overlong_text(web: Server, client: Callable[[], Browserish]) -> None:
    await crisis_resident(client)
    li = client()
    await li.login("li")
    h = await open_handoff(li)
    await li.api("POST", f"/console/api/handoffs/{h['id']}/accept")
    limit = web.container.settings.max_message_chars

    empty = await li.api("POST", f"/console/api/handoffs/{h['id']}/relay", {"text": "  "})
    long = await li.api("POST", f"/console/api/handoffs/{h['id']}/relay", {"text": "x" * (limit + 1)})
    bad_outcome = await li.api("POST", f"/console/api/handoffs/{h['id']}/close", {"outcome": "dunno"})

    assert empty[0] == 400 and long[0] == 413 and bad_outcome[0] == 400
