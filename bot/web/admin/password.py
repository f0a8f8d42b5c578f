"""/password: a staff member sets their own web password with the one-time code an admin gave
them (bot/services/accounts.py). Open without a login, like /login: the code is the proof. A wrong
code is counted against that login's code (a few void it); every answer to a bad code reads the
same, so the page does not tell which logins have a code."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.services.accounts import PASSWORD_MAX, CodeOutcome, password_problem, set_password_with_code
from bot.web.auth import hash_password
from bot.web.keys import CONTAINER
from bot.web.layout import staff_page

BAD_CODE = ("That login and code do not match a code that is still valid. Check both, or ask an admin "
            "for a new code.")


async def page(request: web.Request, *, error: str = "", field: str = "", login: str = "",
               code: str = "", status: int = 200, done: bool = False) -> web.Response:
    """The form; after an error it keeps the login (and the code, unless the code was wrong)."""
    return await staff_page(request, "admin/password.html", "page.password", status=status,
                            error=error, field=field, login=login, code=code, done=done,
                            max_len=PASSWORD_MAX)


async def password_get(request: web.Request) -> web.Response:
    return await page(request)


async def password_post(request: web.Request) -> web.Response:
    data = await request.post()
    login = str(data.get("login", "")).strip().lower()[:64]
    code, password, again = (str(data.get(k, "")) for k in ("code", "password", "again"))
    for name, value in (("login", login), ("code", code)):
        if not value.strip():
            return await page(request, error="Fill in this field.", field=name, login=login,
                              code=code[:64], status=400)
    problem = password_problem(password, login)
    if problem is None and password != again:
        problem = "The two passwords differ: type the same one twice."
    if problem:
        return await page(request, error=problem, field="password", login=login, code=code[:64], status=400)
    hashed = await asyncio.to_thread(hash_password, password)  # argon2: tens of ms, off the loop
    container = request.app[CONTAINER]
    async with container.uow() as uow:
        outcome = await set_password_with_code(uow, login, code[:64], hashed, container.clock.now())
        await uow.commit()  # a wrong try is counted too
    if outcome is not CodeOutcome.SET:
        return await page(request, error=BAD_CODE, field="code", login=login, status=400)
    return await page(request, done=True, login=login)
