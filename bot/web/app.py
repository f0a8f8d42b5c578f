"""aiohttp app factory: `/healthz` checks the database, `/metrics` serves Prometheus text; the
resident chat, the counselor console, staff login and (when present) the coordinator dashboard.

Middlewares, outermost first: friendly errors (no stack traces), encrypted-cookie sessions, CSRF.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from pathlib import Path

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot.bootstrap import Container

log = logging.getLogger(__name__)
CONTAINER = web.AppKey("container", Container)
STATIC_DIR = Path(__file__).parent / "static"
# Request bodies: a chat message is at most a few kB; forms are small. 256 kB bounds any upload.
MAX_BODY = 256 * 1024


async def healthz(request: web.Request) -> web.Response:
    container = request.app[CONTAINER]
    try:
        async with asyncio.timeout(3):
            async with container.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means "not healthy", never a stack trace
        log.warning("health check: database unavailable (%s)", exc.__class__.__name__)
        return web.json_response({"status": "unavailable", "database": "down"}, status=503)
    return web.json_response({"status": "ok", "database": "up"})


async def metrics(request: web.Request) -> web.Response:
    body = generate_latest()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def home(request: web.Request) -> web.Response:
    raise web.HTTPFound("/chat")


def _session_key(container: Container) -> bytes:
    from bot.bootstrap import resolve_keys
    from bot.web.auth import session_key

    keys, _ = resolve_keys(container.settings)
    return session_key(keys[0] if keys else None, getattr(container.settings, "session_key", None))


def create_app(container: Container) -> web.Application:
    from bot.web import chat, console, login
    from bot.web.auth import csrf_middleware, setup_sessions
    from bot.web.security import error_middleware, install_security_headers

    app = web.Application(client_max_size=MAX_BODY, middlewares=[error_middleware])
    app[CONTAINER] = container
    # Secure cookies need TLS in front (settings.cookie_secure, once settings has it).
    setup_sessions(app, _session_key(container), bool(getattr(container.settings, "cookie_secure", False)))
    app.middlewares.append(csrf_middleware)
    install_security_headers(app)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/", home)
    app.router.add_static("/static", STATIC_DIR, follow_symlinks=False)
    login.register(app)
    chat.register(app)
    console.register(app)
    if importlib.util.find_spec("bot.web.admin") is not None:
        admin = importlib.import_module("bot.web.admin")
        if hasattr(admin, "register"):
            admin.register(app)
    return app
