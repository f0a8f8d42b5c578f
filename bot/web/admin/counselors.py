"""Counselors: who they are (languages, station, roles), whether Telegram is bound, and a
one-time invite code to bind it. The code is shown once, in the answer to the POST; only its
hash is stored (bot.conversation.coordinator.create_invite)."""

from __future__ import annotations

from aiohttp import web

from bot.conversation.coordinator import INVITE_VALID, create_invite
from bot.storage.models import Counselor
from bot.web.admin.common import admin_page, csrf_field
from bot.web.app import CONTAINER
from bot.web.auth import STAFF, StaffSession, require_staff
from bot.web.layout import esc

COLUMNS = ("ID", "Name", "Languages", "Station", "Roles", "Telegram", "Web login", "Active", "")


async def _row(request: web.Request, c: Counselor) -> str:
    bound = '<span class="ok">bound</span>' if c.telegram_id else '<span class="warn">not bound</span>'
    invite = (f'<form method="post" action="/admin/counselors/{esc(c.id)}/invite" class="inline">'
              f'{await csrf_field(request)}<button type="submit" class="secondary small">'
              'Create invite code</button></form>') if c.active else ""
    cells = (esc(c.id), esc(c.name), esc(", ".join(c.languages or [])), esc(c.station_id or "–"),
             esc(", ".join(c.roles or [])), bound, esc(c.web_login or "–"),
             "yes" if c.active else "no", invite)
    return "<tr>" + "".join(f"<td>{x}</td>" for x in cells) + "</tr>"


@require_staff("counselor.manage")
async def counselors_page(request: web.Request) -> web.Response:
    async with request.app[CONTAINER].uow() as uow:
        people = await uow.counselors.all()
    head = "".join(f'<th scope="col">{c}</th>' for c in COLUMNS)
    rows = "".join([await _row(request, c) for c in people]) or \
        f'<tr><td colspan="{len(COLUMNS)}" class="empty">No counselors yet.</td></tr>'
    body = ('<p class="hint">An invite code binds a counselor\'s Telegram account: they send '
            '<code>/join CODE</code> to the bot. A new code is shown once; only its hash is kept.</p>'
            f'<table class="grid" id="counselors"><thead><tr>{head}</tr></thead>'
            f'<tbody>{rows}</tbody></table>')
    return await admin_page(request, "Counselors", body)


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
    days = INVITE_VALID.days
    body = (f'<section class="card invite" aria-live="polite"><p>Invite code for {esc(c.name)} '
            f'({esc(c.id)}):</p><p class="code" id="invite-code">{esc(code)}</p>'
            f'<p class="hint">Valid {days} days, single use. It will not be shown again: pass it on now. '
            f'They send <code>/join {esc(code)}</code> to the hotline bot on Telegram.</p>'
            '<p><a href="/admin/counselors">Back to counselors</a></p></section>')
    return await admin_page(request, "Invite code", body)
