"""The console's casework (issue 16 items 8-10): decline a card, transfer a chat to a named
colleague on duty or back to the queue, hand it back to the bot with a reason, the wrap-up asked
at close, the follow-ups a counselor scheduled, and the resident's earlier contacts.

Every change goes through the staff-action table (bot/services/staff.py), where the role is
checked. Earlier contacts are shown only to the counselor holding the chat now, and every read is
audited (safety rule 5): dates, levels, outcomes and case notes, never an earlier transcript.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from bot.conversation.staff import WrapUp
from bot.conversation.states import SAFETY_CHECKS, SafetyCheck
from bot.services.staff import ActionRequest, StaffAction
from bot.storage.case_repo import earlier_handoffs, notes_for
from bot.storage.case_tables import CaseNote
from bot.storage.models import FollowUp, Handoff, Message
from bot.web.auth import STAFF, StaffSession, require_staff
from bot.web.console_common import act, handoff_id, json_body
from bot.web.keys import CONTAINER
from triage.levels import LEVELS, rank

NOTE_MAX = 2000  # characters in a case note, transfer note or hand-back reason
QUEUE = "queue"  # transfer target: back to the queue, offered to the others on duty
SAFETY = tuple(SafetyCheck)
RISKS = ("", *LEVELS)


def bad(result: str, status: int = 400, **extra: object) -> web.Response:
    return web.json_response({"result": result, **extra}, status=status)


def note_field(data: dict[str, object], key: str, required: bool = False) -> str | web.Response:
    """A free-text field, stripped; a clear error when it is not text, too long or missing."""
    value = data.get(key, "")
    if not isinstance(value, str):
        return bad(f"{key}_not_text")
    value = value.strip()
    if len(value) > NOTE_MAX:
        return bad(f"{key}_too_long", 413, limit=NOTE_MAX)
    if required and not value:
        return bad(f"{key}_required")
    return value


def wrap_up(data: dict[str, object], level: str) -> WrapUp | web.Response:
    """The close form's wrap-up. A high or imminent chat closes only with a safety check."""
    note = note_field(data, "note")
    if isinstance(note, web.Response):
        return note
    check, risk = data.get("safety_check") or "", data.get("risk") or ""
    if not isinstance(check, str) or (check and check not in SAFETY):
        return bad("bad_safety_check", choices=list(SAFETY))
    if not isinstance(risk, str) or risk not in RISKS:
        return bad("bad_risk", choices=list(LEVELS))
    if rank(level) >= rank("high") and not check:
        return bad("safety_check_required", choices=list(SAFETY))
    if check == SafetyCheck.OTHER and not note:
        return bad("note_required")
    return WrapUp(note=note, safety_check=check, risk_at_close=risk)


async def handoff_level(request: web.Request, hid: int) -> str | None:
    async with request.app[CONTAINER].uow() as uow:
        h = await uow.handoffs.get(hid)
        return None if h is None else h.level


@require_staff("handoff.transfer")
async def colleagues(request: web.Request) -> web.Response:
    """Colleagues on duty now and available, the transfer form's choices (not this counselor)."""
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    now = container.clock.now()
    async with container.uow() as uow:
        ids = await container.rota.on_duty(now, None, uow)
        people = [c for cid in dict.fromkeys(ids) if cid != staff.counselor_id
                  and (c := await uow.counselors.get(cid)) is not None and c.active and c.available]
    return web.json_response({"colleagues": [
        {"id": c.id, "name": c.name, "alias": c.alias or "", "languages": list(c.languages or [])}
        for c in people]})


@require_staff("handoff.decline")
async def decline(request: web.Request) -> web.Response:
    return await act(request, ActionRequest(StaffAction.DECLINE, handoff_id(request)))


@require_staff("handoff.transfer")
async def transfer(request: web.Request) -> web.Response:
    data = await json_body(request)
    to, note = data.get("to"), note_field(data, "note")
    if isinstance(note, web.Response):
        return note
    if not isinstance(to, str) or not to:
        return bad("choose_colleague")
    if to == QUEUE:
        return await act(request, ActionRequest(StaffAction.RELEASE, handoff_id(request), note=note))
    return await act(request, ActionRequest(StaffAction.TRANSFER, handoff_id(request), to=to, note=note))


@require_staff("handoff.handback")
async def handback(request: web.Request) -> web.Response:
    data = await json_body(request)
    reason = note_field(data, "reason", required=True)
    if isinstance(reason, web.Response):
        return reason
    return await act(request, ActionRequest(StaffAction.HAND_BACK, handoff_id(request), note=reason))


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="seconds")


def note_json(n: CaseNote, text: str) -> dict[str, Any]:
    check = SafetyCheck(n.safety_check) if n.safety_check in SAFETY else None
    return {"kind": n.kind, "text": text, "by": n.counselor_id, "at": _iso(n.at),
            "safety_check": n.safety_check, "safety_label": SAFETY_CHECKS[check] if check else "",
            "risk_at_close": n.risk_at_close}


@require_staff("handoff.queue")
async def followups(request: web.Request) -> web.Response:
    """This counselor's check-ins, soonest due first, with what came of the sent ones."""
    staff: StaffSession = request[STAFF]
    async with request.app[CONTAINER].uow() as uow:
        rows = list(await uow.session.execute(
            select(FollowUp, Handoff).join(Handoff, Handoff.id == FollowUp.handoff_id)
            .where(FollowUp.counselor_id == staff.counselor_id)
            .order_by(FollowUp.done_at.is_not(None), FollowUp.due_at).limit(50)))
        out: list[dict[str, Any]] = []
        for fu, h in rows:
            replies = 0
            if fu.done_at is not None:  # a resident line after the check-in went out
                replies = await uow.session.scalar(select(func.count()).select_from(Message).where(
                    Message.conversation_id == h.conversation_id, Message.sender == "resident",
                    Message.created_at > fu.done_at)) or 0
            result = "scheduled" if fu.done_at is None else ("replied" if replies else "sent, no reply yet")
            out.append({"id": fu.id, "handoff": h.id, "kind": fu.kind, "level": h.level,
                        "due_at": _iso(fu.due_at), "sent_at": _iso(fu.done_at), "result": result})
    return web.json_response({"followups": out})


@require_staff("handoff.queue", "conversation.read")
async def history(request: web.Request) -> web.Response:
    """The resident's earlier handoffs with their case notes, for the counselor holding this chat."""
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    hid, now = handoff_id(request), container.clock.now()
    async with container.uow() as uow:
        h = await uow.handoffs.get(hid)
        if h is None:
            raise web.HTTPNotFound(text='{"error": "no such handoff"}', content_type="application/json")
        target = f"conversation:{h.conversation_id}"
        if h.counselor_id != staff.counselor_id or h.state != "active":
            await uow.audit.append(staff.counselor_id, "history.read.denied", target, now)
            await uow.commit()
            raise web.HTTPForbidden(text='{"error": "only the counselor holding this chat sees earlier '
                                         'contacts"}', content_type="application/json")
        earlier = await earlier_handoffs(uow, h)
        notes = await notes_for(uow, [e.id for e in earlier])
        await uow.audit.append(staff.counselor_id, "history.read", target, now,
                               {"handoff": h.id, "earlier": len(earlier)})
        await uow.commit()
    by_handoff: dict[int, list[dict[str, Any]]] = {}
    for n, text in notes:
        by_handoff.setdefault(n.handoff_id, []).append(note_json(n, text))
    return web.json_response({"earlier": [
        {"id": e.id, "level": e.level, "reasons": list(e.reasons or []), "outcome": e.outcome,
         "opened_at": _iso(e.created_at), "closed_at": _iso(e.closed_at), "notes": by_handoff.get(e.id, [])}
        for e in earlier]})


def register(app: web.Application) -> None:
    app.router.add_get("/console/api/colleagues", colleagues)
    app.router.add_get("/console/api/followups", followups)
    app.router.add_get("/console/api/handoffs/{hid}/history", history)
    app.router.add_post("/console/api/handoffs/{hid}/decline", decline)
    app.router.add_post("/console/api/handoffs/{hid}/transfer", transfer)
    app.router.add_post("/console/api/handoffs/{hid}/handback", handback)
