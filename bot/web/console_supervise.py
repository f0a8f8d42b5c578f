"""The console's supervision routes (issue 16 item 12): a coordinator lists the chats colleagues
hold, watches one (the live transcript, as the holder's pane shows it), joins it and writes.

Thin: bot/services/supervision.py decides and audits; roles come from bot/security/roles.py
("handoff.supervise"), so a counselor gets 403 here. A closed or missing chat is a 409 "gone"
with no text.
"""

from __future__ import annotations

import time

from aiohttp import web

from bot.conversation.states import ActionResult
from bot.services.runtime import Runtime
from bot.services.supervision import Supervision
from bot.web.auth import STAFF, StaffSession, require_staff
from bot.web.console_common import handoff_id, line_text, message_json
from bot.web.keys import CONTAINER
from triage.levels import rank

SUPERVISION = web.AppKey("supervision", Supervision)
# (supervisor id, handoff id) -> monotonic time of the last audited watch
WATCH_AUDIT: web.AppKey[dict[tuple[str, int], float]] = web.AppKey("watch_audit")
READ_AUDIT_EVERY_S = 600.0  # as the holder's reads: one audited read per supervisor and chat per 10 min


def _service(request: web.Request) -> Supervision:
    return request.app[SUPERVISION]


def _gone(result: ActionResult) -> web.Response:
    status = 200 if result == ActionResult.OK else 409
    return web.json_response({"result": result}, status=status)


def _should_audit(request: web.Request, who: str, hid: int) -> bool:
    """The pane re-reads on every change: one audited watch per supervisor and chat per 10 min."""
    seen, key = request.app[WATCH_AUDIT], (who, hid)
    last = seen.get(key)
    if last is not None and time.monotonic() - last < READ_AUDIT_EVERY_S:
        return False
    seen[key] = time.monotonic()
    return True


@require_staff("handoff.supervise")
async def live(request: web.Request) -> web.Response:
    """Chats colleagues hold now, by risk then longest held: no text, only level and alias."""
    staff: StaffSession = request[STAFF]
    now = request.app[CONTAINER].clock.now()
    chats = await _service(request).live(staff.counselor_id)
    chats.sort(key=lambda c: -rank(c.handoff.level))
    return web.json_response({"live": [
        {"id": c.handoff.id, "level": c.handoff.level, "lang": c.handoff.lang, "holder": c.holder_alias,
         "joined": c.joined,
         "held_s": int((now - (c.handoff.accepted_at or c.handoff.created_at)).total_seconds())}
        for c in chats]})


@require_staff("handoff.supervise", "conversation.read")
async def watch(request: web.Request) -> web.Response:
    """The live transcript of a chat a colleague holds, read-only until joined (audited)."""
    staff: StaffSession = request[STAFF]
    hid = handoff_id(request)
    seen = _should_audit(request, staff.counselor_id, hid)
    got = await _service(request).watch(staff.counselor_id, hid, seen)
    if isinstance(got, ActionResult):
        request.app[WATCH_AUDIT].pop((staff.counselor_id, hid), None)
        return web.json_response({"result": got, "error": "this chat is not live (closed or gone)"},
                                 status=409)
    h = got.handoff
    return web.json_response({
        "id": h.id, "level": h.level, "reasons": list(h.reasons or []), "state": h.state, "lang": h.lang,
        "holder": got.holder_alias, "joined": got.joined, "supervisors": got.supervisors,
        "mine": False, "watching": True,
        "messages": [message_json(m, text) for m, text in got.messages],
    })


@require_staff("handoff.supervise", "conversation.read")
async def join(request: web.Request) -> web.Response:
    staff: StaffSession = request[STAFF]
    return _gone(await _service(request).join(staff.counselor_id, handoff_id(request)))


@require_staff("handoff.supervise", "handoff.relay")
async def write(request: web.Request) -> web.Response:
    """A joined supervisor's line to the resident (checked as the holder's relay is)."""
    staff: StaffSession = request[STAFF]
    text = await line_text(request)
    if isinstance(text, web.Response):
        return text
    return _gone(await _service(request).write(staff.counselor_id, handoff_id(request), text))


def register(app: web.Application) -> None:
    container = app[CONTAINER]
    runtime = Runtime(container.uow, container.clock, container.actions.effects)
    app[WATCH_AUDIT] = {}
    app[SUPERVISION] = Supervision(runtime, container.settings.max_message_chars)
    app.router.add_get("/console/api/supervise", live)
    app.router.add_get("/console/api/handoffs/{hid}/watch", watch)
    app.router.add_post("/console/api/handoffs/{hid}/join", join)
    app.router.add_post("/console/api/handoffs/{hid}/supervisor-relay", write)
