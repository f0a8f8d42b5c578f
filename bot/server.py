"""Run the whole service: database migrated, channels, outbox, web; stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from bot.bootstrap import Container
from bot.channels.telegram_runner import TelegramChannel
from bot.storage import migrate
from bot.web.app import create_app

log = logging.getLogger(__name__)


class Server:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.telegram = TelegramChannel(container)
        self.runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, host: str, port: int) -> None:
        await migrate.upgrade_async(self.container.settings.database_url)
        await self.container.start()
        await self.telegram.start()
        self.runner = web.AppRunner(create_app(self.container), handle_signals=False,
                                    access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.info("serving on http://%s:%s", host, self.port)

    async def stop(self) -> None:
        await self.telegram.stop()
        if self.runner is not None:
            await self.runner.cleanup()
        await self.container.stop()


async def serve_forever(container: Container, host: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM, then shut every part down in order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = Server(container)
    await server.start(host, port)
    if container.settings.demo:
        from bot.demo import banner, seed

        print(banner(f"http://{host}:{server.port}", await seed(container)), flush=True)
    print(f"hotline serving on http://{host}:{server.port} (Ctrl-C stops)", flush=True)
    try:
        await stop.wait()
    finally:
        print("stopping ...", flush=True)
        await server.stop()
        print("stopped cleanly", flush=True)
