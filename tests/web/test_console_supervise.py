"""Supervision over real HTTP (issue 16 item 12): a coordinator watches a chat a colleague holds,
joins it (the resident is told once, the holder sees it) and writes as "Supervisor <alias>";
counselors are refused, a closed chat shows nothing, a double or stale join sends nothing more,
and every watch and join is audited."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.conversation.texts import t
from bot.server import Server
from tests.web.conftest import CRISIS_ZH, Browserish, Resident
from tests.web.test_console_api import crisis_resident, open_handoff
from tests.web.test_console_casework import held_by

ZH_LINE = "我也在这里陪着你。"
LINE = "I am the supervisor on duty tonight; we are both here with you."


def routes(hid: int) -> list[tuple[str, str, Any]]:
    base = f"/console/api/handoffs/{hid}"
    return [("GET", "/console/api/supervise", None), ("GET", f"{base}/watch", None),
            ("POST", f"{base}/join", None), ("POST", f"{base}/supervisor-relay", {"text": "hi"})]


def notices(r: Resident, lang: str) -> list[dict[str, Any]]:
    return [f for f in r.messages() if f["text"] == t("supervisor_joined", lang)]


async def audit(web: Server, actor: str) -> list[tuple[str, str, dict[str, Any]]]:
    async with web.container.uow() as uow:
        return [(e.action, e.object, e.detail) for e in await uow.audit.all() if e.actor == actor]


async def test_a_supervisor_watches_joins_once_and_writes_and_both_resident_and_holder_see_it(
        web: Server, client: Callable[[], Browserish]) -> None:
    r, li, h = await held_by(client, "li")
    zhao = client()
    await zhao.login("zhao")
    hid = h["id"]

    _, live = await zhao.api("GET", "/console/api/supervise")
    await li.api("POST", f"/console/api/handoffs/{hid}/relay", {"text": "I am here with you."})
    await r.wait(lambda f: f["type"] == "msg" and f["sender"] == "counselor")
    watched, pane = await zhao.api("GET", f"/console/api/handoffs/{hid}/watch")
    joins = await asyncio.gather(*(zhao.api("POST", f"/console/api/handoffs/{hid}/join") for _ in range(2)))
    again = await zhao.api("POST", f"/console/api/handoffs/{hid}/join")  # a stale page, later
    told = await r.wait(lambda f: f["type"] == "msg" and f["sender"] == "bot" and "supervisor" in f["text"])
    sent = await zhao.api("POST", f"/console/api/handoffs/{hid}/supervisor-relay", {"text": LINE})
    heard = await r.wait(lambda f: f["type"] == "msg" and f["sender"] == "supervisor")
    _, holder = await li.api("GET", f"/console/api/handoffs/{hid}")
    _, after = await zhao.api("GET", f"/console/api/handoffs/{hid}/watch")
    lang = pane["lang"]
    label = {"en": "Supervisor Zhao", "zh": "督导 Zhao"}[lang]

    assert [(c["id"], c["holder"], c["joined"]) for c in live["live"]] == [(hid, "Xiao Li", False)]
    assert watched == 200 and pane["mine"] is False and pane["joined"] is False
    assert [m["text"] for m in pane["messages"]][-1] == "I am here with you."
    assert list(joins) == [(200, {"result": "ok"})] * 2 and again == (200, {"result": "ok"})
    assert told["text"] == t("supervisor_joined", lang) and len(notices(r, lang)) == 1
    assert sent == (200, {"result": "ok"})
    assert heard["alias"] == label and heard["text"] == f"{label}: {LINE}"
    assert holder["supervisors"] == ["Supervisor Zhao"]
    assert [(m["sender"], m["text"]) for m in holder["messages"][-2:]] == [
        ("bot", t("supervisor_joined", lang)), ("supervisor", LINE)]
    assert after["joined"] is True and after["messages"] == holder["messages"]
    actions = await audit(web, "k1")
    assert [a for a, _, _ in actions].count("supervision.join") == 1
    assert ("supervision.watch", f"handoff:{hid}", {"holder": "c1"}) in actions
    read = {"via": "supervision", "handoff": hid}
    assert any(a == "conversation.read" and d == read for a, _, d in actions)


async def test_the_holder_keeps_the_chat_and_alone_closes_it(
        web: Server, client: Callable[[], Browserish]) -> None:
    r, li, h = await held_by(client, "li")
    zhao = client()
    await zhao.login("zhao")
    hid = h["id"]
    await zhao.api("POST", f"/console/api/handoffs/{hid}/join")

    by_supervisor = await zhao.api("POST", f"/console/api/handoffs/{hid}/close",
                                   {"outcome": "resolved", "safety_check": "safety_plan"})
    _, queue = await li.api("GET", "/console/api/queue")
    by_holder = await li.api("POST", f"/console/api/handoffs/{hid}/close",
                             {"outcome": "resolved", "safety_check": "safety_plan"})

    assert by_supervisor == (409, {"result": "refused"})
    assert [m["id"] for m in queue["mine"]] == [hid]
    assert by_holder == (200, {"result": "ok"})


async def test_counselors_and_admins_are_refused_and_read_nothing(
        web: Server, client: Callable[[], Browserish]) -> None:
    r, li, h = await held_by(client, "li")
    wang, admin = client(), client()
    await wang.login("wang")
    await admin.login("admin")

    answers = [await who.api(method, path, body) for who in (wang, admin, li)
               for method, path, body in routes(h["id"])]

    assert [status for status, _ in answers] == [403] * len(answers)
    assert all("messages" not in str(body) for _, body in answers)
    assert not notices(r, "en") and not notices(r, "zh")
    assert not [a for a, _, _ in await audit(web, "c2") if a.startswith("supervision")]


async def test_watching_or_joining_a_closed_chat_reads_and_sends_nothing(
        web: Server, client: Callable[[], Browserish]) -> None:
    r, li, h = await held_by(client, "li")
    zhao = client()
    await zhao.login("zhao")
    hid = h["id"]
    await li.api("POST", f"/console/api/handoffs/{hid}/close",
                 {"outcome": "resolved", "safety_check": "safety_plan"})
    await r.wait(lambda f: f["type"] == "state" and f["state"] == "self_help")

    watched = await zhao.api("GET", f"/console/api/handoffs/{hid}/watch")
    joined = await zhao.api("POST", f"/console/api/handoffs/{hid}/join")
    wrote = await zhao.api("POST", f"/console/api/handoffs/{hid}/supervisor-relay", {"text": "hello?"})
    missing = await zhao.api("GET", "/console/api/handoffs/999999/watch")
    _, live = await zhao.api("GET", "/console/api/supervise")

    assert watched[0] == 409 and watched[1]["result"] == "gone" and "messages" not in watched[1]
    assert joined == (409, {"result": "gone"}) and wrote == (409, {"result": "gone"})
    assert missing[0] == 409 and live == {"live": []}
    assert not notices(r, "en") and not notices(r, "zh")
    actions = await audit(web, "k1")
    denied = [(a, d["via"]) for a, _, d in actions if a != "login"]
    assert denied == [("conversation.read.denied", "supervision")]


async def test_a_supervisor_writes_only_after_joining_and_never_empty_text(
        web: Server, client: Callable[[], Browserish]) -> None:
    r, li, h = await held_by(client, "li")
    zhao = client()
    await zhao.login("zhao")
    hid = h["id"]

    silent = await zhao.api("POST", f"/console/api/handoffs/{hid}/supervisor-relay", {"text": "hi"})
    await zhao.api("POST", f"/console/api/handoffs/{hid}/join")
    empty = await zhao.api("POST", f"/console/api/handoffs/{hid}/supervisor-relay", {"text": "  "})
    not_text = await zhao.api("POST", f"/console/api/handoffs/{hid}/supervisor-relay", {"text": ["x"]})
    too_long = await zhao.api("POST", f"/console/api/handoffs/{hid}/supervisor-relay",
                              {"text": "x" * (web.container.settings.max_message_chars + 1)})

    assert silent == (409, {"result": "refused"})
    assert empty[0] == 400 and not_text[0] == 400 and too_long[0] == 413
    assert not [f for f in r.messages() if f["sender"] == "supervisor"]


async def test_a_chinese_speaking_resident_is_told_in_chinese_and_sees_the_supervisor_label(
        web: Server, client: Callable[[], Browserish]) -> None:
    r = await crisis_resident(client, CRISIS_ZH)
    li, zhao = client(), client()
    await li.login("li")
    await zhao.login("zhao")
    h = await open_handoff(li)
    await li.api("POST", f"/console/api/handoffs/{h['id']}/accept")

    await zhao.api("POST", f"/console/api/handoffs/{h['id']}/join")
    told = await r.wait(lambda f: f["type"] == "msg" and f["sender"] == "bot" and "督导" in f["text"])
    await zhao.api("POST", f"/console/api/handoffs/{h['id']}/supervisor-relay", {"text": ZH_LINE})
    heard = await r.wait(lambda f: f["type"] == "msg" and f["sender"] == "supervisor")

    reloaded = Resident(r.tab)  # the page reloaded: the transcript comes back from the database
    await reloaded.connect()
    again = [f for f in reloaded.messages() if f["sender"] == "supervisor"]

    assert told["text"] == t("supervisor_joined", "zh")
    assert heard["alias"] == "督导 Zhao" and heard["text"] == f"督导 Zhao: {ZH_LINE}"
    assert [f["alias"] for f in again] == ["督导 Zhao"]  # labelled as live, never a name
