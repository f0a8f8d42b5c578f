"""Cross-cutting web protections: security headers with a strict CSP and friendly errors without
stack traces (the login rate limiter is in bot/web/throttle.py).

Request bodies are bounded by the app's `client_max_size`; WebSocket frames by `max_msg_size`
where each socket is opened.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web.auth import wants_json
from bot.web.keys import CONTAINER
from bot.web.layout import Frame
from bot.web.staff_text import request_lang
from bot.web.templating import render

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# No inline scripts or styles anywhere: every script and stylesheet is a file under /static.
# connect-src 'self' covers the same host's ws:/wss: (CSP 3); bare `ws: wss:` allowed any host.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# Only where cookies are Secure (settings.secure_cookies: TLS in front): a year, as OWASP suggests.
HSTS = "max-age=31536000; includeSubDomains"
SERVER_NAME = "hotline"  # aiohttp's default names its and Python's versions, which help only a probe


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Server"] = SERVER_NAME
    if request.app[CONTAINER].settings.secure_cookies:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith(("/chat", "/console", "/admin", "/login")):
        response.headers.setdefault("Cache-Control", "no-store")  # chats never sit in a cache


def install_security_headers(app: web.Application) -> None:
    app.on_response_prepare.append(_headers)


def error_page(status: int, message: str, as_json: bool, lang: str = "en") -> web.Response:
    if as_json:
        return web.json_response({"error": message}, status=status)
    text = render("error.html", frame=Frame(str(status), lang=lang), status=status, message=message)
    return web.Response(text=text, status=status, content_type="text/html")


FRIENDLY = {
    400: "The request could not be read. Reload the page and try again.",
    401: "Please log in first.",
    403: "This is not allowed.",
    404: "There is no page here.",
    405: "This address does not accept that kind of request.",
    413: "That was too large. Send a shorter message.",
    429: "Too many attempts. Wait a few minutes and try again.",
}


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Known HTTP errors get a short page; anything unexpected a 500 without a stack trace
    (the trace goes to the log, never to the person). The page's language is the staff pages'
    (`request_lang` without an account: it never waits on the database)."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        text = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else None
        return error_page(exc.status, text or FRIENDLY.get(exc.status, exc.reason), wants_json(request),
                          await request_lang(request))
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_page(500, "Something went wrong on our side. If you are in danger, call 110 or "
                               "120, or 12356 for psychological support.", wants_json(request),
                          await request_lang(request))
