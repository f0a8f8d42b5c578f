"""The console's casework over real HTTP: decline, transfer (a colleague or the queue), hand back
with a reason, the wrap-up at close (a high chat needs a safety check), follow-ups and the
resident's earlier contacts (holder only, audited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from bot.server import Server
from bot.storage.case_tables import CaseNote
from tests.web.conftest import CRISIS_EN, Browserish, Resident
from tests.web.test_console_api import crisis_resident, open_handoff

NOTE = "Talked through a safety plan; sister is with her tonight."


async def held_by(client: Callable[[], Browserish],
                  login: str) -> tuple[Resident, Browserish, dict[str, Any]]:
    """A crisis resident whose handoff `login` accepted."""
    r = await crisis_resident(client)
    tab = client()
    await tab.login(login)
    h = await open_handoff(tab)
    await tab.api("POST", f"/console/api/handoffs/{h['id']}/accept")
    await r.wait(lambda f: f["type"] == "state" and f["state"] == "with_counselor")
    return r, tab, h


async def test_transfer_to_a_named_colleague_carries_the_note_and_moves_the_chat(
        web: Server, client: Callable[[], Browserish]) -> None:
    r, li, h = await held_by(client, "li")
    wang = client()
    await wang.login("wang")

    _, people = await li.api("GET", "/console/api/colleagues")
    moved = await li.api("POST", f"/console/api/handoffs/{h['id']}/transfer", {"to": "c2", "note": NOTE})
    told = await r.wait(lambda f: f["type"] == "msg" and "Another counselor" in f["text"])
    _, queue = await wang.api("GET", "/console/api/queue")
    wang_reads, pane = await wang.api("GET", f"/console/api/handoffs/{h['id']}")
    li_reads, _ = await li.api("GET", f"/console/api/handoffs/{h['id']}")
    async with web.container.uow() as uow:
        note = await uow.session.scalar(select(CaseNote).where(CaseNote.handoff_id == h["id"]))
        assert note is not None
        text = uow.cipher.decrypt(note.note_enc)

    assert [p["id"] for p in people["colleagues"]] == ["c2"]  # on duty, available, not me
    assert moved == (200, {"result": "ok"}) and told["sender"] == "bot"
    assert [m["id"] for m in queue["mine"]] == [h["id"]]
    assert wang_reads == 200 and li_reads == 403
    assert [(n["kind"], n["text"], n["by"]) for n in pane["notes"]] == [("transfer", NOTE, "c1")]
    assert note.kind == "transfer" and text == NOTE and NOTE.encode() not in bytes(note.note_enc)


async def test_transfer_back_to_the_queue_offers_the_chat_to_the_others(
        web: Server, client: Callable[[], Browserish]) -> None:
    r, li, h = await held_by(client, "li")
    wang = client()
    await wang.login("wang")

    released = await li.api("POST", f"/console/api/handoffs/{h['id']}/transfer", {"to": "queue"})
    waiting = await r.wait(lambda f: f["type"] == "state" and f["state"] == "waiting")
    _, wq = await wang.api("GET", "/console/api/queue")
    _, lq = await li.api("GET", "/console/api/queue")
    again = await wang.api("POST", f"/console/api/handoffs/{h['id']}/accept")

    assert released == (200, {"result": "ok"}) and waiting["state"] == "waiting"
    assert [(q["id"], q["offered_to_me"]) for q in wq["queue"]] == [(h["id"], True)]
    assert [(q["id"], q["offered_to_me"]) for q in lq["queue"]] == [(h["id"], False)]
    assert lq["mine"] == [] and again == (200, {"result": "ok"})


async def test_hand_back_needs_a_reason_then_returns_the_resident_to_the_bot(
        web: Server, client: Callable[[], Browserish]) -> None:
    r, li, h = await held_by(client, "li")

    no_reason = await li.api("POST", f"/console/api/handoffs/{h['id']}/handback", {"reason": "  "})
    not_text = await li.api("POST", f"/console/api/handoffs/{h['id']}/handback", {"reason": ["x"]})
    done = await li.api("POST", f"/console/api/handoffs/{h['id']}/handback",
                        {"reason": "Only wanted the clinic's opening hours"})
    back = await r.wait(lambda f: f["type"] == "state" and f["state"] == "self_help")
    async with web.container.uow() as uow:
        handoff = await uow.handoffs.get(h["id"])

    assert no_reason == (400, {"result": "reason_required"}) and not_text[0] == 400
    assert done == (200, {"result": "ok"}) and back["state"] == "self_help"
    assert handoff is not None and handoff.outcome == "handed_back"


async def test_declining_a_card_is_recorded_and_the_card_stays_for_the_others(
        web: Server, client: Callable[[], Browserish]) -> None:
    await crisis_resident(client)
    li = client()
    await li.login("li")
    h = await open_handoff(li)

    declined = await li.api("POST", f"/console/api/handoffs/{h['id']}/decline")
    async with web.container.uow() as uow:
        handoff = await uow.handoffs.get(h["id"])

    assert declined == (200, {"result": "ok"})
    assert handoff is not None and handoff.declined_by == ["c1"] and handoff.state == "offered"


async def test_closing_a_high_risk_chat_asks_for_a_safety_check_and_keeps_the_wrap_up(
        web: Server, client: Callable[[], Browserish]) -> None:
    r, li, h = await held_by(client, "li")
    path = f"/console/api/handoffs/{h['id']}/close"

    unchecked = await li.api("POST", path, {"outcome": "resolved", "note": NOTE})
    bad_check = await li.api("POST", path, {"outcome": "resolved", "safety_check": "vibes"})
    bad_risk = await li.api("POST", path, {"outcome": "resolved", "safety_check": "safety_plan",
                                           "risk": "ok"})
    other_bare = await li.api("POST", path, {"outcome": "resolved", "safety_check": "other"})
    too_long = await li.api("POST", path, {"outcome": "resolved", "safety_check": "safety_plan",
                                           "note": "x" * 2001})
    _, still = await li.api("GET", f"/console/api/handoffs/{h['id']}")
    closed = await li.api("POST", path, {"outcome": "resolved", "followup": "24h",
                                         "safety_check": "safety_plan", "risk": "medium", "note": NOTE})
    await r.wait(lambda f: f["type"] == "state" and f["state"] == "self_help")
    _, due = await li.api("GET", "/console/api/followups")
    async with web.container.uow() as uow:
        note = await uow.session.scalar(select(CaseNote).where(CaseNote.handoff_id == h["id"]))

    assert unchecked[0] == 400 and unchecked[1]["result"] == "safety_check_required"
    assert bad_check[0] == 400 and bad_risk[0] == 400 and too_long[0] == 413
    assert other_bare == (400, {"result": "note_required"})
    assert still["state"] == "active"  # nothing was closed by a refused form
    assert closed == (200, {"result": "ok"})
    assert note is not None and (note.kind, note.safety_check, note.risk_at_close) == \
        ("close", "safety_plan", "medium")
    assert [(f["handoff"], f["kind"], f["result"]) for f in due["followups"]] == \
        [(h["id"], "24h", "scheduled")]


async def test_the_holder_sees_earlier_contacts_with_their_notes_and_others_do_not(
        web: Server, client: Callable[[], Browserish]) -> None:
    r, li, first = await held_by(client, "li")
    await li.api("POST", f"/console/api/handoffs/{first['id']}/close",
                 {"outcome": "resolved", "safety_check": "safety_plan", "risk": "medium", "note": NOTE})
    await r.wait(lambda f: f["type"] == "state" and f["state"] == "self_help")
    await r.send(CRISIS_EN)  # the same resident, in crisis again
    await r.wait(lambda f: f["type"] == "state" and f["state"] == "waiting")
    wang = client()
    await wang.login("wang")
    second = await open_handoff(wang)
    await wang.api("POST", f"/console/api/handoffs/{second['id']}/accept")

    status, seen = await wang.api("GET", f"/console/api/handoffs/{second['id']}/history")
    denied, body = await li.api("GET", f"/console/api/handoffs/{second['id']}/history")
    async with web.container.uow() as uow:
        audit = [(e.actor, e.action) for e in await uow.audit.all()]

    assert status == 200 and second["id"] != first["id"]
    assert [(e["id"], e["level"], e["outcome"]) for e in seen["earlier"]] == \
        [(first["id"], "imminent", "resolved")]
    assert [(n["kind"], n["text"], n["safety_check"]) for n in seen["earlier"][0]["notes"]] == \
        [("close", NOTE, "safety_plan")]
    assert denied == 403 and "earlier" not in body
    assert ("c2", "history.read") in audit and ("c1", "history.read.denied") in audit
