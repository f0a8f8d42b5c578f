"""aiohttp app factory: `/healthz` checks the database, `/metrics` serves Prometheus text."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot.bootstrap import Container

log = logging.getLogger(__name__)
CONTAINER = web.AppKey("container", Container)


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


def create_app(container: Container) -> web.Application:
    app = web.Application(client_max_size=256 * 1024)
    app[CONTAINER] = container
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app
