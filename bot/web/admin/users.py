"""Accounts, for admins (/admin/users): every staff member with roles, station, languages,
Telegram and web login; a form to add one, a page to edit one, deactivate or reactivate it, and a
one-time code with which the person sets their own password at /password (the admin never learns
it). Each change goes through bot/services/accounts.py; a form that was not saved comes back
filled in as typed with the reason beside its field (400)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.services.accounts import (
    CODE_VALID,
    LANGUAGES,
    STAFF_ROLES,
    AccountRefused,
    AccountSpec,
    create_account,
    issue_password_code,
    live_codes,
    set_active,
    update_account,
)
from bot.storage.models import Counselor
from bot.web.admin.frame import admin_page
from bot.web.admin.rota_source import ROTA
from bot.web.auth import STAFF, StaffSession, require_staff
from bot.web.keys import CONTAINER

COLUMNS = ("admin.col.id", "admin.col.name", "admin.col.roles", "admin.col.languages", "admin.station",
           "admin.col.telegram", "admin.col.web_login", "admin.col.password",
           "admin.col.active")  # catalog keys
NOTICES = {"created": "Account created. Give them a one-time code below so they can set a password.",
           "saved": "Changes saved.", "deactivate": "Account deactivated: its sessions have ended.",
           "reactivate": "Account reactivated."}


def done_key(request: web.Request) -> str:
    """The catalog key of the notice a redirect asked for (?done=), or ""."""
    done = request.query.get("done", "")
    return f"admin.done.users.{done}" if done in NOTICES else ""


@dataclass(frozen=True)
class Failed:
    """A form that was not saved: what was typed, and the reason beside `field`."""

    field: str
    message: str
    typed: dict[str, object]


async def read_account_form(request: web.Request) -> dict[str, object]:
    """The form as typed (roles and languages are lists of ticked boxes)."""
    data = await request.post()
    out: dict[str, object] = {k: str(data.get(k, "")).strip()
                              for k in ("id", "name", "station", "telegram_id", "web_login", "alias")}
    out["roles"] = [str(v) for v in data.getall("roles", [])]
    out["languages"] = [str(v) for v in data.getall("languages", [])]
    return out


def spec_from(form: dict[str, object], counselor_id: str | None = None) -> AccountSpec:
    tg = str(form.get("telegram_id", ""))
    if tg and not tg.isdigit():
        raise AccountRefused("telegram_id", "A Telegram id is a whole number (ask the person to send "
                                            "/start to @userinfobot), or leave it empty.")
    roles, langs = form.get("roles", []), form.get("languages", [])
    assert isinstance(roles, list) and isinstance(langs, list)
    return AccountSpec(id=counselor_id or str(form.get("id", "")).lower(), name=str(form.get("name", "")),
                       roles=tuple(r for r in STAFF_ROLES if r in roles),
                       languages=tuple(lang for lang in LANGUAGES if lang in langs) + tuple(
                           lang for lang in langs if lang not in LANGUAGES),
                       station=str(form.get("station", "")) or None, telegram_id=int(tg) if tg else None,
                       web_login=str(form.get("web_login", "")).lower() or None,
                       alias=str(form.get("alias", "")) or None)


def typed_from(c: Counselor) -> dict[str, object]:
    return {"id": c.id, "name": c.name, "roles": list(c.roles or []), "languages": list(c.languages or []),
            "station": c.station_id or "", "telegram_id": str(c.telegram_id or ""),
            "web_login": c.web_login or "", "alias": c.alias or ""}


async def stations(request: web.Request) -> list[tuple[str, str]]:
    return [(s.id, s.name) for s in (await request.app[ROTA].rota()).stations.values()]


@require_staff("user.manage")
async def users_page(request: web.Request) -> web.Response:
    return await list_page(request)


async def list_page(request: web.Request, failed: Failed | None = None) -> web.Response:
    container = request.app[CONTAINER]
    async with container.uow() as uow:
        people = await uow.counselors.all()
        codes = await live_codes(uow, container.clock.now())
    places = await stations(request)
    return await admin_page(request, "admin/users.html", "admin.title.users", status=400 if failed else 200,
                            columns=COLUMNS, people=people, codes=codes, places=dict(places),
                            stations=places, roles=STAFF_ROLES, languages=LANGUAGES, failed=failed,
                            done=done_key(request),
                            typed=failed.typed if failed else {"roles": ["counselor"], "languages": ["zh"]})


@require_staff("user.manage")
async def create_user(request: web.Request) -> web.Response:
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    form = await read_account_form(request)
    try:
        spec = spec_from(form)
        async with container.uow() as uow:
            await create_account(uow, spec, staff.counselor_id, container.clock.now())
            await uow.commit()
    except AccountRefused as exc:
        return await list_page(request, Failed(exc.field, exc.message, form))
    raise web.HTTPSeeOther(f"/admin/users/{spec.id}?done=created")


async def edit_page(request: web.Request, c: Counselor, failed: Failed | None = None,
                    code: str = "", status: int = 200) -> web.Response:
    container = request.app[CONTAINER]
    async with container.uow() as uow:
        expires = (await live_codes(uow, container.clock.now())).get(c.id)
    places = await stations(request)
    if c.station_id and c.station_id not in dict(places):  # kept as it is unless changed
        places.append((c.station_id, c.station_id))
    return await admin_page(request, "admin/user_edit.html", "admin.title.account",
                            title_values={"name": c.name}, status=status, c=c,
                            stations=places, roles=STAFF_ROLES, languages=LANGUAGES,
                            failed=failed, typed=failed.typed if failed else typed_from(c), code=code,
                            code_expires=expires, code_hours=int(CODE_VALID.total_seconds() // 3600),
                            done=done_key(request),
                            me=request[STAFF].counselor_id)


async def account(request: web.Request) -> Counselor:
    async with request.app[CONTAINER].uow() as uow:
        c = await uow.counselors.get(request.match_info["counselor_id"])
    if c is None:
        raise web.HTTPNotFound(text="No account with that id: go back to /admin/users.")
    return c


@require_staff("user.manage")
async def user_page(request: web.Request) -> web.Response:
    return await edit_page(request, await account(request))


@require_staff("user.manage")
async def save_user(request: web.Request) -> web.Response:
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    c = await account(request)
    form = await read_account_form(request)
    form["id"] = c.id
    try:
        async with container.uow() as uow:
            await update_account(uow, c.id, spec_from(form, c.id), staff.counselor_id, container.clock.now())
            await uow.commit()
    except AccountRefused as exc:
        return await edit_page(request, c, Failed(exc.field, exc.message, form), status=400)
    raise web.HTTPSeeOther(f"/admin/users/{c.id}?done=saved")


@require_staff("user.manage")
async def deactivate_user(request: web.Request) -> web.Response:
    return await switch_user(request, "deactivate")


@require_staff("user.manage")
async def reactivate_user(request: web.Request) -> web.Response:
    return await switch_user(request, "reactivate")


async def switch_user(request: web.Request, verdict: str) -> web.Response:
    """Deactivate or reactivate; a refusal (own account, last admin, open chats) is shown in place."""
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    c = await account(request)
    try:
        async with container.uow() as uow:
            await set_active(uow, c.id, verdict == "reactivate", staff.counselor_id, container.clock.now())
            await uow.commit()
    except AccountRefused as exc:
        return await edit_page(request, c, Failed("active", exc.message, typed_from(c)), status=409)
    raise web.HTTPSeeOther(f"/admin/users/{c.id}?done={verdict}")


@require_staff("user.manage")
async def password_code(request: web.Request) -> web.Response:
    """The code is in this answer only (never in a URL or a log); only its hash is stored."""
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    c = await account(request)
    try:
        async with container.uow() as uow:
            code = await issue_password_code(uow, c.id, staff.counselor_id, container.clock.now())
            await uow.commit()
    except AccountRefused as exc:
        return await edit_page(request, c, Failed("code", exc.message, typed_from(c)), status=409)
    response = await edit_page(request, c, code=code)
    response.headers["Cache-Control"] = "no-store"
    return response
