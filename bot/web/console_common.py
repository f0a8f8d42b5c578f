"""What every console API handler shares: the handoff id from the path, the JSON body, and
running one staff action with its result mapped to an HTTP status."""

from __future__ import annotations

from aiohttp import web

from bot.conversation.states import ActionResult
from bot.security.roles import Forbidden
from bot.services.staff import ActionRequest
from bot.storage.models import Message
from bot.web.auth import STAFF, StaffSession
from bot.web.keys import CONTAINER

# Answered 200: done, or moot because somebody else got there first; anything else is a 409.
SETTLED = (ActionResult.OK, ActionResult.TAKEN, ActionResult.GONE)


def handoff_id(request: web.Request) -> int:
    # Past 9 digits an id overflows the database's integer (a 500 before this check).
    hid = request.match_info["hid"]
    if not (hid.isascii() and hid.isdigit() and len(hid) <= 9):
        raise web.HTTPNotFound()
    return int(hid)


async def json_body(request: web.Request) -> dict[str, object]:
    try:
        data = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "send JSON"}', content_type="application/json") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text='{"error": "send a JSON object"}', content_type="application/json")
    return data


async def line_text(request: web.Request) -> str | web.Response:
    """The `text` of a staff line to a resident, or the error to answer: empty (400), too long (413)."""
    text = (await json_body(request)).get("text")
    limit = request.app[CONTAINER].settings.max_message_chars
    if not isinstance(text, str) or not text.strip():
        return web.json_response({"result": "empty"}, status=400)
    if len(text) > limit:
        return web.json_response({"result": "too_long", "limit": limit}, status=413)
    return text


async def act(request: web.Request, action: ActionRequest) -> web.Response:
    staff: StaffSession = request[STAFF]
    try:
        result = (await request.app[CONTAINER].actions.perform(staff.counselor_id, action)).result
    except Forbidden:
        return web.json_response({"result": "forbidden"}, status=403)
    return web.json_response({"result": result}, status=200 if result in SETTLED else 409)


def message_json(m: Message, text: str) -> dict[str, object]:
    """One transcript line as the console's panes show it (holder's and supervisor's alike)."""
    return {"seq": m.id, "sender": m.sender, "text": text, "at": m.created_at.isoformat(timespec="seconds")}
