"""/login and /logout for staff. Failed logins are throttled per (login, address) and per
address, in the database as keyed tags (bot/web/throttle.py): slowed down, never locked out,
and the owner is told at the next login (session key LOGIN_NOTICE_KEY, and the audit entry)."""

from __future__ import annotations

from urllib.parse import urlparse

from aiohttp import web

from bot.bootstrap import resolve_keys
from bot.security.roles import allowed, staff_actor
from bot.web.address import client_address
from bot.web.auth import (
    current_staff,
    end_staff_session,
    hash_password,
    needs_rehash,
    read_form,
    session_key,
    start_staff_session,
    verify_password_async,
)
from bot.web.keys import CONTAINER, LOGIN_LIMITER
from bot.web.layout import staff_page
from bot.web.throttle import LoginLimiter

LOGIN_NOTICE_KEY = "login_notice"  # failed tries on this login before it succeeded
MAX_FIELD = 256  # longer logins or passwords are refused before hashing (argon2 cost stays bounded)


def safe_next(target: str | None) -> str:
    """Only local paths after login (no open redirect to another site); "" means the home page."""
    if not target:
        return ""
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return ""
    return target


def home_for(roles: list[str]) -> str:
    """Counselors land on the console; coordinators and admins without chats on the dashboard."""
    return "/console" if allowed(staff_actor("x", roles), "handoff.queue") else "/admin"


async def _form_page(request: web.Request, next_url: str, error: str = "",
                     status: int = 200) -> web.Response:
    return await staff_page(request, "login.html", "Log in", status=status, next_url=next_url,
                            error=error)


async def login_get(request: web.Request) -> web.Response:
    return await _form_page(request, safe_next(request.query.get("next")))


async def login_post(request: web.Request) -> web.Response:
    container = request.app[CONTAINER]
    limiter = request.app[LOGIN_LIMITER]
    form = await read_form(request)
    login, password = str(form.get("login", ""))[:MAX_FIELD], str(form.get("password", ""))
    next_url = safe_next(str(form.get("next", "")))
    ip = client_address(request)  # the client's, also behind the proxy (bot/web/address.py)
    now = container.clock.now()
    async with container.uow() as uow:
        wait = await limiter.wait_s(uow, login, ip, now)
    if wait:
        return await _form_page(request, next_url, f"Too many failed attempts from here. Wait {wait} "
                                "seconds and try again, or ask a coordinator to reset your password.", 429)
    async with container.uow() as uow:
        c = await uow.counselors.by_login(login) if login else None
        ok = len(password) <= MAX_FIELD and await verify_password_async(
            c.password_hash if c is not None and c.active else None, password)
        if not ok:
            await limiter.failed(uow, login, ip, now)
            await uow.audit.append(c.id if c else "unknown", "login.failed",
                                   f"counselor:{c.id}" if c else "login:unknown", now)
            await uow.commit()
            return await _form_page(request, next_url, "Login or password is wrong.", 401)
        assert c is not None
        if c.password_hash and needs_rehash(c.password_hash):
            c.password_hash = hash_password(password)
        failed_before = await limiter.succeeded(uow, login)
        await uow.audit.append(c.id, "login", f"counselor:{c.id}", now,
                               {"via": "web", "failed_before": failed_before})
        await uow.commit()
    session = await start_staff_session(request, c.id)
    if failed_before:  # the owner hears of tries on their login (shown once by the next page)
        session[LOGIN_NOTICE_KEY] = failed_before
    raise web.HTTPFound(next_url or home_for(list(c.roles or [])))


async def logout(request: web.Request) -> web.Response:
    staff = await current_staff(request)
    if staff is not None:
        container = request.app[CONTAINER]
        async with container.uow() as uow:
            await uow.audit.append(staff.counselor_id, "logout", f"counselor:{staff.counselor_id}",
                                   container.clock.now())
            await uow.commit()
    await end_staff_session(request)
    raise web.HTTPFound("/login")


def register(app: web.Application) -> None:
    settings = app[CONTAINER].settings
    keys, _ = resolve_keys(settings)  # the same key as the session cookie's (bot/web/app.py)
    app[LOGIN_LIMITER] = LoginLimiter(session_key(keys[0] if keys else None, settings.session_key))
    app.router.add_get("/login", login_get)
    app.router.add_post("/login", login_post)
    app.router.add_post("/logout", logout)
