"""Run the whole service: database migrated, channels, outbox, web; stop cleanly on a signal.

Start-up order: the port opens as soon as the lexicon and rules can screen messages; the
knowledge base and the classifiers then load in one background thread (bot/adapters/background.py)
and /healthz reports each part (bot/web/app.py, from Container.readiness).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING

from aiohttp import web

from bot.adapters import background
from bot.bootstrap import Container
from bot.cluster import webhook
from bot.cluster.single import SingleInstance
from bot.cluster.web_relay import WebRelay
from bot.logging_setup import install_log_privacy
from bot.storage import migrate
from bot.web.app import create_app
from config.errors import ConfigError

if TYPE_CHECKING:
    from bot.channels.telegram_runner import TelegramChannel

log = logging.getLogger(__name__)


class Server:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.telegram: TelegramChannel | None = None
        self.runner: web.AppRunner | None = None
        self.port: int | None = None
        self.single = SingleInstance(container.settings.database_url)

    async def start(self, host: str, port: int) -> None:
        settings = self.container.settings
        if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
            raise ConfigError("environment", "HOTLINE_TELEGRAM_WEBHOOK_SECRET",
                              "required with HOTLINE_TELEGRAM_WEBHOOK_URL (16-256 of A-Z a-z 0-9 _ -)")
        self.single.acquire()  # a second instance on one SQLite file stops here, before migrating
        await migrate.upgrade_async(self.container.settings.database_url)
        await self.container.start()
        if self.container.settings.telegram_token:
            # python-telegram-bot is imported only when a token is set (about 0.3 s otherwise lost).
            from bot.channels.telegram_runner import TelegramChannel

            install_log_privacy()  # PTB's loggers exist now: each gets the payload filter too
            self.telegram = TelegramChannel(self.container)
            self.container.readiness.append(self._telegram_readiness)
            await self.telegram.start()
        app = create_app(self.container)
        web_sender = self.container.senders.get("web")
        if self.container.bus is not None and web_sender is not None:  # sockets may be elsewhere
            self.container.senders["web"] = WebRelay(web_sender, self.container.bus,  # type: ignore[arg-type]
                                                     self.container.uow)
        if self.telegram is not None and self.telegram.webhook_mode:
            app[webhook.FEED] = self.telegram.feed
            app[webhook.SECRET] = settings.telegram_webhook_secret or ""
            self.container.lead_hooks.append(self.telegram.register_webhook)
            leadership = self.container.leadership
            if leadership is not None and leadership.is_leader:  # led before Telegram started
                await self.telegram.register_webhook()
        self.runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.info("serving on http://%s:%s", host, self.port)
        background.start()  # after the port is open: the loads do not slow the start above

    def _telegram_readiness(self) -> dict[str, str]:
        receiving = self.telegram is not None and self.telegram.receiving
        return {"telegram": "ready" if receiving else "stopped"}

    async def stop(self) -> None:
        if self.telegram is not None:
            await self.telegram.stop()
        if self.runner is not None:
            await self.runner.cleanup()
        await self.container.stop()
        self.single.release()


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
