"""Counselors: who they are (languages, station, roles), whether Telegram is bound, and a
one-time invite code to bind it. The code is shown once, in the answer to the POST; only its
hash is stored (bot.conversation.coordinator.create_invite)."""

from __future__ import annotations

from aiohttp import web

from bot.conversation.coordinator import INVITE_VALID, create_invite
from bot.web.admin.frame import admin_page
from bot.web.admin.users import stations
from bot.web.auth import STAFF, StaffSession, require_staff
from bot.web.keys import CONTAINER

COLUMNS = ("admin.col.id", "admin.col.name", "admin.col.languages", "admin.station", "admin.col.roles",
           "admin.col.telegram", "admin.col.web_login", "admin.col.active", "")  # catalog keys


@require_staff("counselor.manage")
async def counselors_page(request: web.Request) -> web.Response:
    async with request.app[CONTAINER].uow() as uow:
        people = await uow.counselors.all()
    return await admin_page(request, "admin/counselors.html", "admin.title.counselors", columns=COLUMNS,
                            people=people, places=dict(await stations(request)))


@require_staff("invite.create")
async def invite(request: web.Request) -> web.Response:
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    counselor_id = request.match_info["counselor_id"]
    async with container.uow() as uow:
        c = await uow.counselors.get(counselor_id)
        if c is None or not c.active:
            raise web.HTTPNotFound(text="No active counselor with that id. Go back to the list.")
        code = await create_invite(uow, c.id, staff.counselor_id, container.clock.now())
        await uow.commit()
    return await admin_page(request, "admin/invite.html", "admin.title.invite", counselor=c, code=code,
                            days=INVITE_VALID.days)
