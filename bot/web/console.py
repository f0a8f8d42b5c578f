"""The counselor console: `/console` (page), a JSON API under `/console/api/`, and `/console/ws`
which only says "something changed" (woken by the event hub; ids, never text) so the page
re-reads the queue and the open chat.

Every action goes through the staff-action table (bot/services/staff.py), where roles are
checked, as Telegram's are. A counselor reads a chat through a handoff they hold, and after its
close only up to the close (the rule is bot/security/access.py; checked on the server, audited).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from datetime import datetime

from aiohttp import WSMsgType, web
from sqlalchemy import func, select

from bot.conversation.states import CLOSE_OUTCOMES, OPEN_HANDOFF_STATES, ActionResult, FollowUpKind
from bot.events import Event
from bot.security.access import chat_window
from bot.services.rota_requests import home_tz
from bot.services.staff import ActionRequest, StaffAction
from bot.services.supervision import supervisor_aliases
from bot.storage.access_reads import recent_until
from bot.storage.case_repo import notes_for
from bot.storage.models import Handoff, Message
from bot.tasks import cancel_and_wait
from bot.web import console_casework, console_rota, console_supervise
from bot.web.admin.rota_source import ROTA
from bot.web.auth import STAFF, StaffSession, require_role, require_staff
from bot.web.chat import same_origin
from bot.web.console_common import act, handoff_id, json_body, line_text, message_json
from bot.web.console_page import FOLLOW_UP_LABELS, OUTCOME_LABELS, QUICK_REPLIES, RISK_LABELS, SAFETY_LABELS
from bot.web.keys import CONTAINER, READ_AUDIT
from bot.web.layout import staff_page
from bot.web.typing_relay import TYPING, Gate, TypingRelay
from triage.levels import rank

OUTCOMES = tuple(CLOSE_OUTCOMES)  # a tuple: a JSON list or object compares unequal, never raises
FOLLOW_UPS = ("", *FollowUpKind)  # "" is no follow-up
READ_AUDIT_EVERY_S = 600.0  # one "conversation.read" entry per counselor and chat per 10 minutes


@require_staff("handoff.queue")
async def console_page(request: web.Request) -> web.Response:
    staff: StaffSession = request[STAFF]
    # Transcript times are shown in the counselor's own station's zone (issue 16 item 7).
    station_tz = home_tz(await request.app[ROTA].rota(), staff.counselor_id)
    return await staff_page(request, "console.html", "Console", scripts=["/static/console.js"],
                            styles=["/static/console.css"], quick_replies=QUICK_REPLIES,
                            station_tz=str(station_tz),
                            supervise=staff.can("handoff.supervise"),
                            outcomes=OUTCOME_LABELS, follow_ups=FOLLOW_UP_LABELS,
                            safety_checks=SAFETY_LABELS, risks=RISK_LABELS)


def _wait_s(h: Handoff, now: datetime) -> int:
    return int((now - h.created_at).total_seconds())


@require_staff("handoff.queue")
async def queue(request: web.Request) -> web.Response:
    """Open handoffs by risk, then longest waiting first; and this counselor's own chats."""
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    now = container.clock.now()
    async with container.uow() as uow:
        me = await uow.counselors.get(staff.counselor_id)
        open_ = await uow.handoffs.by_state(*OPEN_HANDOFF_STATES)
        mine = list(await uow.session.scalars(
            select(Handoff).where(Handoff.counselor_id == staff.counselor_id, Handoff.state == "active")
            .order_by(Handoff.accepted_at)))
        # The newest resident line per held chat: the page marks a chat unread past what it showed.
        last: dict[int, int] = {conv: seq for conv, seq in await uow.session.execute(
            select(Message.conversation_id, func.max(Message.id))
            .where(Message.conversation_id.in_([h.conversation_id for h in mine]),
                   Message.sender == "resident")
            .group_by(Message.conversation_id))} if mine else {}
    open_.sort(key=lambda h: (-rank(h.level), h.created_at))
    return web.json_response({
        "available": bool(me and me.available),
        "queue": [{"id": h.id, "level": h.level, "reasons": list(h.reasons or []), "state": h.state,
                   "wait_s": _wait_s(h, now), "lang": h.lang,
                   "offered_to_me": staff.counselor_id in (h.offered_to or [])} for h in open_],
        "mine": [{"id": h.id, "level": h.level, "wait_s": _wait_s(h, now), "lang": h.lang,
                  "last_resident_seq": last.get(h.conversation_id, 0)} for h in mine],
    })


def _should_audit(request: web.Request, counselor_id: str, conv_id: int) -> bool:
    seen = request.app[READ_AUDIT]
    last = seen.get((counselor_id, conv_id))
    if last is not None and time.monotonic() - last < READ_AUDIT_EVERY_S:
        return False
    seen[(counselor_id, conv_id)] = time.monotonic()
    return True


@require_staff("handoff.queue", "conversation.read")
async def chat(request: web.Request) -> web.Response:
    """The chat pane: risk level, reasons and recent messages, for a holder only."""
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    hid = handoff_id(request)
    now = container.clock.now()
    async with container.uow() as uow:
        h = await uow.handoffs.get(hid)
        if h is None:
            raise web.HTTPNotFound(text='{"error": "no such handoff"}', content_type="application/json")
        window = chat_window(h.counselor_id, h.closed_at, staff.counselor_id)
        if window is None:
            await uow.audit.append(staff.counselor_id, "conversation.read.denied",
                                   f"conversation:{h.conversation_id}", now)
            await uow.commit()
            raise web.HTTPForbidden(text='{"error": "you do not hold this chat"}',
                                    content_type="application/json")
        rows = await recent_until(uow, h.conversation_id, window.until, 50)
        # The notes on this handoff (a colleague's transfer note), within the same window.
        notes = [(n, text) for n, text in await notes_for(uow, [h.id])
                 if window.until is None or n.at <= window.until]
        supervisors = await supervisor_aliases(uow, h.id)  # the holder sees who joined
        if _should_audit(request, staff.counselor_id, h.conversation_id):
            await uow.audit.append(staff.counselor_id, "conversation.read",
                                   f"conversation:{h.conversation_id}", now, {"via": "console"})
            await uow.commit()
    return web.json_response({
        "id": h.id, "level": h.level, "reasons": list(h.reasons or []), "state": h.state,
        "outcome": h.outcome, "lang": h.lang, "wait_s": _wait_s(h, now),
        "mine": h.counselor_id == staff.counselor_id and h.state == "active",
        "messages": [message_json(m, text) for m, text in rows],
        "supervisors": supervisors,
        "notes": [console_casework.note_json(n, text) for n, text in notes],
    })


@require_staff("duty.toggle")
async def duty(request: web.Request) -> web.Response:
    data = await json_body(request)
    return await act(request, ActionRequest(StaffAction.DUTY, available=bool(data.get("available"))))


@require_staff("handoff.accept")
async def accept(request: web.Request) -> web.Response:
    return await act(request, ActionRequest(StaffAction.ACCEPT, handoff_id(request)))


@require_staff("handoff.relay")
async def relay(request: web.Request) -> web.Response:
    text = await line_text(request)
    if isinstance(text, web.Response):
        return text
    return await act(request, ActionRequest(StaffAction.RELAY, handoff_id(request), text=text))


@require_staff("handoff.close")
async def close(request: web.Request) -> web.Response:
    """Close with an outcome and the wrap-up (case note, risk at close, and for a high or
    imminent chat a safety check: nothing is closed without it, the form says what is missing)."""
    data = await json_body(request)
    hid = handoff_id(request)
    outcome, followup = data.get("outcome"), data.get("followup") or ""
    if not isinstance(outcome, str) or not isinstance(followup, str) \
            or outcome not in OUTCOMES or followup not in FOLLOW_UPS:
        return web.json_response({"result": "bad_outcome"}, status=400)
    level = await console_casework.handoff_level(request, hid)
    if level is None:
        return web.json_response({"result": ActionResult.GONE})
    wrap = console_casework.wrap_up(data, level)
    if isinstance(wrap, web.Response):
        return wrap
    return await act(request, ActionRequest(StaffAction.CLOSE, hid, outcome=outcome, followup=followup,
                                            wrap_up=wrap))


async def console_ws(request: web.Request) -> web.StreamResponse:
    """Wakes the page on every handoff or conversation event (coalesced); it carries no text.
    Both ways it also carries typing hints: {"type": "typing", "handoff": id} (typing_relay.py)."""
    if not same_origin(request):
        raise web.HTTPForbidden(text="cross-origin WebSocket refused")
    staff = await require_role(request, "handoff.queue")
    ws = web.WebSocketResponse(max_msg_size=4096, heartbeat=30)
    await ws.prepare(request)
    events, relay = request.app[CONTAINER].events, request.app[TYPING]
    gate = Gate()
    relay.attach_console(staff.counselor_id, ws)
    async with events.subscribe() as q:
        pump = asyncio.create_task(_pump(ws, q))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await _on_frame(ws, msg.data, staff.counselor_id, relay, gate)
        finally:
            relay.detach_console(staff.counselor_id, ws)
            await cancel_and_wait(pump)
    return ws


async def _on_frame(ws: web.WebSocketResponse, raw: str, counselor_id: str, relay: TypingRelay,
                    gate: Gate) -> None:
    """"ping", or a typing hint for a chat this counselor holds (anyone else's is dropped quietly)."""
    if raw == "ping":
        await ws.send_str("pong")
        return
    try:
        data = json.loads(raw)
    except ValueError:
        await ws.send_json({"type": "error", "code": "bad_json"})
        return
    hid = data.get("handoff") if isinstance(data, dict) and data.get("type") == "typing" else None
    if isinstance(hid, bool) or not isinstance(hid, int) or not 0 < hid < 2**62:
        await ws.send_json({"type": "error", "code": "bad_request"})
        return
    if gate.open():
        await relay.from_counselor(counselor_id, hid)


async def _pump(ws: web.WebSocketResponse, q: asyncio.Queue[Event]) -> None:
    while not ws.closed:
        await q.get()
        await asyncio.sleep(0.1)  # coalesce a burst (a turn publishes several events) into one wake-up
        while not q.empty():
            q.get_nowait()
        with contextlib.suppress(ConnectionError, RuntimeError):
            await ws.send_json({"type": "changed"})


def register(app: web.Application) -> None:
    app[READ_AUDIT] = {}
    app.router.add_get("/console", console_page)
    app.router.add_get("/console/ws", console_ws)
    app.router.add_get("/console/api/queue", queue)
    app.router.add_get("/console/api/handoffs/{hid}", chat)
    app.router.add_post("/console/api/duty", duty)
    app.router.add_post("/console/api/handoffs/{hid}/accept", accept)
    app.router.add_post("/console/api/handoffs/{hid}/relay", relay)
    app.router.add_post("/console/api/handoffs/{hid}/close", close)
    console_casework.register(app)
    console_supervise.register(app)
    console_rota.register(app)  # My shifts, swap and leave requests, the calendar feed
