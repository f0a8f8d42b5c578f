"""Typed keys of what the web app keeps on the aiohttp application, in one module: page modules
find the container here, never in app.py, so app.py can import every page module at its top.
(The dashboard's own key, ROTA, is in bot/web/admin/rota_source.py, beside the rota service it holds.)"""

from __future__ import annotations

from aiohttp import web

from bot.bootstrap import Container
from bot.security.pacing import EdgePacer
from bot.web.throttle import LoginLimiter
from bot.web.web_channel import WebChannel

CONTAINER = web.AppKey("container", Container)
WEB_CHANNEL = web.AppKey("web_channel", WebChannel)  # the resident chat's sockets, by chat key
PACER = web.AppKey("pacer", EdgePacer)  # per-resident token buckets for floods (bot/security/pacing.py)
LOGIN_LIMITER = web.AppKey("login_limiter", LoginLimiter)
# (counselor id, conversation id) -> monotonic time of the last "conversation.read" audit entry
READ_AUDIT: web.AppKey[dict[tuple[str, int], float]] = web.AppKey("read_audit")
