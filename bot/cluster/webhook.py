"""Telegram webhook endpoint, served by every instance's aiohttp app.

Telegram POSTs each update to HOTLINE_TELEGRAM_WEBHOOK_URL with the secret token in the
X-Telegram-Bot-Api-Secret-Token header; a request without the right token is refused (403,
nothing done). The update is handled before the answer, so a failure is a 5xx and Telegram sends
the update again (the turn's processed-update record makes the repeat do nothing). The web layer
knows only `Feed`; the Telegram channel (bot/channels/telegram_runner.py) provides it.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.security.limits import Limits

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The update types the bot handles; setWebhook asks Telegram for these only.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
Feed = Callable[[dict[str, Any]], Awaitable[None]]
FEED: web.AppKey[Feed] = web.AppKey("telegram_webhook_feed")  # set by bot/server.py in webhook mode
SECRET = web.AppKey("telegram_webhook_secret", str)
# One update is far smaller than the app's request bound (bot/security/limits.py says why).
BODY_BYTES = Limits().webhook_body_bytes


async def telegram_webhook(request: web.Request) -> web.Response:
    feed = request.app.get(FEED)
    secret = request.app.get(SECRET)
    if feed is None or not secret:
        raise web.HTTPNotFound()  # polling mode: there is no webhook here
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        log.warning("telegram webhook: wrong or missing secret token")
        raise web.HTTPForbidden()
    body = await request.content.read(BODY_BYTES + 1)
    if len(body) > BODY_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=BODY_BYTES, actual_size=len(body))
    try:
        update = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="not JSON") from None
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        raise web.HTTPBadRequest(text="not a Telegram update")
    await feed(update)
    return web.Response(text="ok")


def except_webhook(check: Middleware) -> Middleware:
    """`check` (the CSRF middleware) for every path but the webhook, which has no session: its
    secret token is its check."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == WEBHOOK_PATH:
            return await handler(request)
        return await check(request, handler)

    return middleware
