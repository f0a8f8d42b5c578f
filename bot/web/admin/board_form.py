"""Assign a chat from the live board: GET shows the chat (no message text) and a form naming the
counselors on duty now; POST runs the staff action ASSIGN (bot/services/staff.py, the role
checked there as for every staff action; bot/services/board_assign.py does the work).

A refused form comes back with the reason beside its field, the note as typed and the chat as
it is now, so nothing typed is lost and a stale form cannot act twice.
"""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from bot.conversation.states import ActionResult
from bot.services.board_assign import NOTE_MAX, REASONS, Refusal, Why
from bot.services.staff import ActionRequest, StaffAction
from bot.storage.models import Handoff
from bot.web.admin.board import board_people, board_row
from bot.web.admin.board_presence import PresenceRow
from bot.web.admin.frame import admin_page
from bot.web.auth import STAFF, StaffSession, read_form, require_staff
from bot.web.keys import CONTAINER
from bot.web.staff_text import staff_lang

CHOOSE = Why("to", "Choose who should take this chat.")
STATUS = {"handoff": 409, "to": 400, "note": 400}


def _hid(request: web.Request) -> int:
    raw = request.match_info["hid"]
    if not raw.isdigit() or len(raw) > 12:
        raise web.HTTPNotFound(text="No such chat on the board.")
    return int(raw)


async def _render(request: web.Request, h: Handoff, typed: dict[str, str],
                  failed: Why | None) -> web.Response:
    container = request.app[CONTAINER]
    now = container.clock.now()
    async with container.uow() as uow:
        names = {c.id: c.name for c in [await uow.counselors.get(cid) for cid in
                                         {h.counselor_id, *(h.offered_to or [])} if cid] if c}
        on_duty = await container.rota.on_duty(now, None, uow)
    people: list[PresenceRow] = await board_people(request)
    choices = [p for p in people if p["id"] in on_duty and p["available"] and p["id"] != h.counselor_id]
    row = board_row(h, names, now, await staff_lang(request))
    if not row["assignable"] and failed is None:
        failed = REASONS[Refusal.GONE]  # closed since the board was drawn: say so, offer no form
    return await admin_page(
        request, "admin/board_assign.html", "admin.title.assign", title_values={"id": h.id},
        status=STATUS[failed.field] if failed else 200, row=row, choices=choices,
        typed=typed, failed=failed, note_max=NOTE_MAX, held=h.state == "active")


async def _handoff(request: web.Request, hid: int) -> Handoff:
    async with request.app[CONTAINER].uow() as uow:
        h = await uow.handoffs.get(hid)
    if h is None:
        raise web.HTTPNotFound(text="No such chat on the board.")
    return h


@require_staff("handoff.assign")
async def assign_page(request: web.Request) -> web.Response:
    return await _render(request, await _handoff(request, _hid(request)), {}, None)


@require_staff("handoff.assign")
async def assign_post(request: web.Request) -> web.Response:
    staff: StaffSession = request[STAFF]
    hid = _hid(request)
    form = await read_form(request)
    typed = {k: str(form.get(k, "")).strip() for k in ("to", "note", "version")}
    if not typed["to"]:
        return await _render(request, await _handoff(request, hid), typed, CHOOSE)
    version = int(typed["version"]) if typed["version"].isdigit() and len(typed["version"]) < 12 else -1
    done = await request.app[CONTAINER].actions.perform(staff.counselor_id, ActionRequest(
        StaffAction.ASSIGN, hid, to=typed["to"], note=typed["note"], version=version))
    if done.result == ActionResult.OK:
        raise web.HTTPSeeOther(f"/admin/board?assigned={hid}&to={quote(typed['to'])}")
    why = REASONS.get(Refusal(done.text)) if done.text in tuple(Refusal) else None
    return await _render(request, await _handoff(request, hid), typed, why or REASONS[Refusal.GONE])
