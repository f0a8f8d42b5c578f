"""Sessions in an encrypted cookie: Fernet (AES-CBC + HMAC) over a small JSON object.

Written here rather than taken from aiohttp-session because that package keys the request with
plain strings, which aiohttp 3.14 warns about (and the test suite turns warnings into errors).
The cookie expires `max_age` seconds after it was last written; a bad or old cookie is a new,
empty session.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Awaitable, Callable, Iterator, MutableMapping

from aiohttp import web
from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Session(MutableMapping[str, object]):
    """A dict of JSON values that remembers whether it changed (only changed sessions are written
    back); readers check the type of what they read, as it comes from a cookie."""

    def __init__(self, data: dict[str, object] | None = None, new: bool = True) -> None:
        self._data = dict(data or {})
        self.new = new
        self.changed = False

    def __getitem__(self, key: str) -> object:
        return self._data[key]

    def __setitem__(self, key: str, value: object) -> None:
        self._data[key] = value
        self.changed = True

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self.changed = True

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def invalidate(self) -> None:
        self._data.clear()
        self.changed = True


class CookieSessions:
    def __init__(self, key: bytes, cookie_name: str, max_age: int, secure: bool = False) -> None:
        self.fernet = Fernet(base64.urlsafe_b64encode(key))
        self.cookie_name, self.max_age, self.secure = cookie_name, max_age, secure

    def load(self, request: web.Request) -> Session:
        raw = request.cookies.get(self.cookie_name)
        if not raw:
            return Session()
        try:
            data = json.loads(self.fernet.decrypt(raw.encode(), ttl=self.max_age))
        except (InvalidToken, ValueError):
            log.info("session cookie unreadable or expired: starting a new session")
            return Session()
        return Session(data if isinstance(data, dict) else {}, new=False)

    def save(self, response: web.StreamResponse, session: Session) -> None:
        if not session:
            response.del_cookie(self.cookie_name, path="/")
            return
        value = self.fernet.encrypt(json.dumps(dict(session)).encode()).decode()
        response.set_cookie(self.cookie_name, value, max_age=self.max_age, path="/", httponly=True,
                            samesite="Lax", secure=self.secure)


SESSION = web.RequestKey("session", Session)
STORE = web.AppKey("session_store", CookieSessions)


async def get_session(request: web.Request) -> Session:
    """This request's session (loaded from the cookie on first use)."""
    if SESSION not in request:
        request[SESSION] = request.app[STORE].load(request)
    return request[SESSION]


async def new_session(request: web.Request) -> Session:
    """Drop the old session and start an empty one (after login: no session fixation)."""
    session = Session()
    session.changed = True
    request[SESSION] = session
    return session


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    raised: web.HTTPException | None = None
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as exc:
        raised, response = exc, exc
    session = request.get(SESSION)
    # WebSocket and streamed responses are already sent: their handlers must not change the session.
    if session is not None and session.changed and not response.prepared:
        request.app[STORE].save(response, session)
    if raised is not None:
        raise raised
    return response


def setup(app: web.Application, store: CookieSessions) -> None:
    app[STORE] = store
    app.middlewares.append(session_middleware)
