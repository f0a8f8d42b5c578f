"""Staff authentication for the web faces: argon2 passwords, encrypted-cookie sessions, CSRF,
role guards, login and logout.

Interface other web modules use (the console here, the coordinator dashboard in bot/web/admin/):

    hash_password(pw) -> str                      verify_password(hash, pw) -> bool
    await current_staff(request) -> StaffSession | None
    await require_role(request, *actions) -> StaffSession   # actions from bot.security.roles
    @require_staff(*actions)                      # the same, as a handler decorator
    await csrf_token(request) -> str              # put it in forms (csrf_token) or X-CSRF-Token
    await check_csrf(request, token) -> bool      # for WebSocket messages that change state

Pages get a redirect to /login, API calls (paths with /api/ or JSON-accepting requests) a 401/403
JSON answer. Roles are re-read from the database on every request so a revoked role bites at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from urllib.parse import quote

from aiohttp import web
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from bot.security.roles import Actor, Forbidden, Role, allowed, staff_actor
from bot.storage.session_repo import end_session, is_live, open_session
from bot.web.keys import CONTAINER
from bot.web.sessions import CookieSessions, Session, get_session, new_session
from bot.web.sessions import setup as setup_session_middleware

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
COOKIE_NAME = "hotline_session"
# Staff sessions end after 12 hours without activity: one long shift, then log in again.
SESSION_MAX_AGE_S = 12 * 3600
STAFF_KEY = "staff"
CSRF_KEY = "csrf"
SID_KEY = "sid"  # the server-side session id (bot/storage/session_repo.py)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# settings.password_hash_cost -> argon2id parameters ("standard": the library's recommended ones).
HASH_COSTS = {"standard": profiles.RFC_9106_LOW_MEMORY, "test": profiles.CHEAPEST}
_cost = "standard"
_hasher = PasswordHasher.from_parameters(HASH_COSTS[_cost])
# Verifying against this when a login does not exist keeps the timing of "no such login" and
# "wrong password" alike, so logins cannot be enumerated by timing.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AuthError(Exception):
    """Root of authentication errors in the web layer."""


# ---- passwords ---------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    """An argon2id hash (with its own salt and parameters) for Counselor.password_hash."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; False for a wrong password, a missing or malformed hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def configure_hashing(cost: str) -> None:
    """Hash and verify with the parameters of `cost` (settings.password_hash_cost) from now on.
    "test" is for test suites only: one login costs microseconds instead of about 0.2 s of CPU,
    and a suite logs in hundreds of times. A hash keeps the parameters it was made with, and a
    login with different parameters is rehashed (bot/web/login.py)."""
    global _hasher, _DUMMY_HASH, _cost
    if cost == _cost:
        return
    _hasher, _cost = PasswordHasher.from_parameters(HASH_COSTS[cost]), cost
    _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """argon2 is deliberately slow (tens of ms): run it off the event loop."""
    return await asyncio.to_thread(verify_password, password_hash, password)


# ---- sessions ----------------------------------------------------------------------------------
def session_key(secret_key: str | None, explicit: str | None = None) -> bytes:
    """32 bytes for the session cookie cipher.

    An explicit key (settings.session_key / HOTLINE_SESSION_KEY, any string) wins; else derived
    from the first message-encryption key (HMAC with a purpose label, so the two uses never share
    a key). Rotating that key therefore logs everyone out, which is acceptable.
    """
    base = explicit or os.environ.get("HOTLINE_SESSION_KEY") or (secret_key or "").split(",")[0].strip()
    if not base:
        raise AuthError("no key for session cookies: set HOTLINE_SESSION_KEY or HOTLINE_SECRET_KEY")
    return hmac.new(base.encode(), b"hotline web session cookie v1", hashlib.sha256).digest()


def setup_sessions(app: web.Application, key: bytes, secure: bool = False) -> None:
    """Encrypted (Fernet) session cookie, HttpOnly and SameSite=Lax; Secure when served over TLS."""
    setup_session_middleware(app, CookieSessions(key, COOKIE_NAME, SESSION_MAX_AGE_S, secure))


@dataclass(frozen=True)
class StaffSession:
    """The logged-in staff member, as the database says now."""

    counselor_id: str
    name: str
    alias: str
    roles: frozenset[Role]

    @property
    def actor(self) -> Actor:
        return staff_actor(self.counselor_id, [r.value for r in self.roles])

    def can(self, action: str) -> bool:
        return allowed(self.actor, action)


STAFF = web.RequestKey("staff", StaffSession)
_CACHE: web.RequestKey[StaffSession | None] = web.RequestKey("staff_cache")


async def current_staff(request: web.Request) -> StaffSession | None:
    """The staff member logged in on this request, or None (cached on the request)."""
    if _CACHE in request:
        return request[_CACHE]
    session = await get_session(request)
    staff_id, sid = session.get(STAFF_KEY), session.get(SID_KEY)
    result: StaffSession | None = None
    if isinstance(staff_id, str) and isinstance(sid, str):
        async with request.app[CONTAINER].uow() as uow:
            c = await uow.counselors.get(staff_id)
            live = await is_live(uow, staff_id, sid)
        # A deactivated or deleted account is logged out at once, and so is a session ended by
        # logout, deactivation or a new password (its row is gone: bot/storage/session_tables.py).
        # The cookie is left untouched here: WebSocket handlers must not change it after the upgrade.
        if c is not None and c.active and live:
            actor = staff_actor(c.id, list(c.roles or []))
            result = StaffSession(c.id, c.name, c.alias or c.name, actor.roles)
    request[_CACHE] = result
    return result


def wants_json(request: web.Request) -> bool:
    return "/api/" in request.path or "application/json" in request.headers.get("Accept", "") \
        or request.headers.get("Upgrade", "").lower() == "websocket"


async def require_role(request: web.Request, *actions: str) -> StaffSession:
    """The logged-in staff member allowed every one of `actions`; else redirect, 401 or 403."""
    staff = await current_staff(request)
    if staff is None:
        if wants_json(request):
            raise web.HTTPUnauthorized(text='{"error": "login required"}', content_type="application/json")
        raise web.HTTPFound(f"/login?next={quote(request.path)}")
    for action in actions:
        if not staff.can(action):
            if wants_json(request):
                raise web.HTTPForbidden(text='{"error": "not allowed"}', content_type="application/json")
            raise web.HTTPForbidden(text="You are logged in, but your role does not allow this page.")
    return staff


def require_staff(*actions: str) -> Callable[[Handler], Handler]:
    """Decorator: the handler runs only for staff allowed `actions` (request[STAFF] is set)."""
    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            request[STAFF] = await require_role(request, *actions)
            try:
                return await handler(request)
            except Forbidden as exc:
                raise web.HTTPForbidden(text=str(exc)) from None
        return guarded
    return wrap


# ---- CSRF --------------------------------------------------------------------------------------
async def csrf_token(request: web.Request) -> str:
    """This session's CSRF token (made on first use). Forms send it as `csrf_token`, scripts as
    the X-CSRF-Token header, WebSocket clients inside their messages."""
    session = await get_session(request)
    token = session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_KEY] = token
    return token


async def check_csrf(request: web.Request, token: object) -> bool:
    session = await get_session(request)
    expected = session.get(CSRF_KEY)
    return isinstance(token, str) and isinstance(expected, str) and bool(token) \
        and hmac.compare_digest(token.encode(), expected.encode())


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse every state-changing request without this session's token (403, nothing done)."""
    if request.method not in SAFE_METHODS:
        token = request.headers.get("X-CSRF-Token")
        if token is None and request.content_type in ("application/x-www-form-urlencoded",
                                                      "multipart/form-data"):
            form = await read_form(request)
            value = form.get("csrf_token")
            token = value if isinstance(value, str) else None
        if not await check_csrf(request, token):
            raise web.HTTPForbidden(text="The form has expired or did not come from this site. "
                                         "Reload the page and try again.")
    return await handler(request)


async def read_form(request: web.Request) -> Mapping[str, object]:
    """The posted form (cached by aiohttp: handlers read it again); a body that is not the form it
    claims to be (a multipart body without its boundary, say) is a 400, not a 500."""
    try:
        return await request.post()
    except ValueError:
        raise web.HTTPBadRequest() from None


async def start_staff_session(request: web.Request, counselor_id: str) -> Session:
    """A fresh session after login (a new cookie and CSRF token: no session fixation)."""
    old = await get_session(request)
    keep = {k: old[k] for k in ("lang",) if k in old}
    session = await new_session(request)
    session.update(keep)
    session[STAFF_KEY] = counselor_id
    session[SID_KEY] = sid = secrets.token_urlsafe(32)
    session[CSRF_KEY] = secrets.token_urlsafe(32)
    container = request.app[CONTAINER]
    async with container.uow() as uow:
        await open_session(uow, counselor_id, sid, container.clock.now())
        await uow.commit()
    request.pop(_CACHE, None)
    return session


async def end_staff_session(request: web.Request) -> None:
    """Logout: the server forgets this session (a saved copy of the cookie reads nothing), then
    the cookie is cleared."""
    session = await get_session(request)
    sid = session.get(SID_KEY)
    if isinstance(sid, str):
        async with request.app[CONTAINER].uow() as uow:
            await end_session(uow, sid)
            await uow.commit()
    session.invalidate()
    request.pop(_CACHE, None)
