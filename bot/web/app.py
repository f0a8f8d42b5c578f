"""aiohttp app factory: `/healthz` checks the database and how far each part is loaded, `/metrics`
serves Prometheus text to admins and the scraper's token; the resident chat, the counselor console,
staff login and (when present) the coordinator dashboard.

Middlewares, outermost first: friendly errors (no stack traces), encrypted-cookie sessions, CSRF.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from pathlib import Path

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot.bootstrap import Container, resolve_keys
from bot.cluster import metrics as cluster_metrics
from bot.cluster import webhook
from bot.web import chat, console, login, templating
from bot.web.admin import routes as admin_routes
from bot.web.auth import configure_hashing, csrf_middleware, require_role, session_key, setup_sessions
from bot.web.flood import FLOOD, FloodWatch, new_chat_budget
from bot.web.keys import CONTAINER
from bot.web.security import error_middleware, install_security_headers

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
# Request bodies: a chat message is at most a few kB; forms are small. 256 kB bounds any upload.
MAX_BODY = 256 * 1024


async def healthz(request: web.Request) -> web.Response:
    """200 once messages can be taken safely: the database answers and the lexicon and rules screen.

    The body names each part: `database` up|down, and each loading part (lexicon_rules,
    knowledge_base, classifier_zh, classifier_en, telegram when configured) loading|ready|failed.
    `status`: ok (all ready), loading, degraded (a part failed: the lexicon and rules still screen,
    and every assessment says so) or unavailable (503). `deferred_turns`: resident lines waiting
    for the database (bot/services/deferred.py), answered once it takes writes again.
    """
    container = request.app[CONTAINER]
    parts: dict[str, str] = {}
    for source in container.readiness:  # the adapters' (bootstrap) and Telegram's (bot/server.py)
        parts.update(source())
    try:
        async with asyncio.timeout(3):
            async with container.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        database = "up"
    except Exception as exc:  # any database failure means "not healthy", never a stack trace
        log.warning("health check: database unavailable (%s)", exc.__class__.__name__)
        database = "down"
    safe = database == "up" and parts.get("lexicon_rules", "ready") == "ready"
    states = set(parts.values())
    status = ("unavailable" if not safe else "degraded" if states - {"ready", "loading"}
              else "loading" if "loading" in states else "ok")
    # Which instance answered and whether it runs the timers (several instances behind a proxy).
    headers = {"X-Hotline-Instance": container.dispatcher.instance,
               "X-Hotline-Leader": "yes" if cluster_metrics.leads(container.leadership) else "no"}
    deferred = container.service.deferred_count()
    return web.json_response({"status": status, "database": database, "deferred_turns": deferred, **parts},
                             status=200 if safe else 503, headers=headers)


def _scraper(request: web.Request) -> bool:
    """A Prometheus scraper sending `Authorization: Bearer <HOTLINE_METRICS_TOKEN>`."""
    token = request.app[CONTAINER].settings.metrics_token
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text for the scraper's token or an admin's session (the probe found it open: its
    figures say how busy the line is and when, which is nobody else's business)."""
    if not _scraper(request):
        await require_role(request, "metrics.read")
    try:  # this instance's leadership and the outbox backlog; a database failure leaves them stale
        container = request.app[CONTAINER]
        await cluster_metrics.refresh(container.uow, container.leadership,
                                      container.dispatcher.instance)
    except Exception as exc:
        log.warning("metrics: cluster figures unavailable (%s)", exc.__class__.__name__)
    body = generate_latest()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def home(request: web.Request) -> web.Response:
    raise web.HTTPFound("/chat")


def _session_key(container: Container) -> bytes:
    keys, _ = resolve_keys(container.settings)
    return session_key(keys[0] if keys else None, container.settings.session_key)


def create_app(container: Container) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[error_middleware])
    app[CONTAINER] = container
    configure_hashing(container.settings.password_hash_cost)  # staff passwords (argon2id)
    if container.settings.password_hash_cost == "test":
        log.warning("passwords are hashed with argon2's cheapest parameters (password_hash_cost=test):"
                    " for test suites only")
    # Secure cookies need TLS in front: on by default outside demo mode (settings.secure_cookies).
    setup_sessions(app, _session_key(container), container.settings.secure_cookies)
    # Every state-changing request needs the session's CSRF token, except Telegram's webhook
    # POSTs, which carry the webhook's secret token instead (bot/cluster/webhook.py).
    app.middlewares.append(webhook.except_webhook(csrf_middleware))
    # New resident chats per address are budgeted (bot/web/flood.py; the board shows refusals).
    app[FLOOD] = FloodWatch()
    app.middlewares.append(new_chat_budget)
    install_security_headers(app)
    templating.setup(app)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/", home)
    app.router.add_post(webhook.WEBHOOK_PATH, webhook.telegram_webhook)
    app.router.add_static("/static", STATIC_DIR, follow_symlinks=False)
    login.register(app)
    chat.register(app)
    console.register(app)
    admin_routes.register(app)
    return app
