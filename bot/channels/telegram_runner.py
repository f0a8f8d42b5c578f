"""Start and stop the Telegram channel inside our own event loop: long polling (one instance), or
webhook mode (several instances: updates arrive through bot/cluster/webhook.py on any instance,
and the timer leader registers the webhook with Telegram)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from telegram import Update
from telegram.ext import Application

from bot.channels.telegram import TelegramSender, build_application
from bot.cluster.webhook import ALLOWED_UPDATES
from bot.conversation.messages import Inbound
from bot.conversation.ports import Outbox, Sender
from bot.services.deferred import DeferredSpool
from config.settings import Settings

log = logging.getLogger(__name__)


class _Service(Protocol):
    @property
    def handle(self) -> Callable[[Inbound], Awaitable[Any]]: ...

    @property
    def spool(self) -> DeferredSpool | None: ...


class Host(Protocol):
    """What the channel needs of bot.bootstrap.Container (named structurally: the container
    imports the channels, so the channels do not import it back)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def service(self) -> _Service: ...

    @property
    def dispatcher(self) -> Outbox: ...

    @property
    def senders(self) -> dict[str, Sender]: ...


class TelegramChannel:
    def __init__(self, container: Host, poll_timeout: int = 10) -> None:
        self.container = container
        self.poll_timeout = poll_timeout
        self.app: Application | None = None  # type: ignore[type-arg]

    async def start(self) -> None:
        settings = self.container.settings
        if not settings.telegram_token:
            return
        # Polling: updates are journaled before Telegram forgets them (a webhook's update is not
        # answered before its turn, so Telegram itself keeps it until then).
        spool = self.container.service.spool
        journal = spool.updates() if spool is not None and not self.webhook_mode else None
        self.app = build_application(settings.telegram_token, settings.telegram_base_url,
                                     self.container.service.handle, journal)
        await self.app.initialize()
        self.container.senders["telegram"] = TelegramSender(self.app)
        await self.app.start()
        if not self.webhook_mode:
            assert self.app.updater is not None
            if journal is not None:  # what a killed process took and did not finish, first
                left = await asyncio.to_thread(journal.left_over)
                for data in left:
                    await self.app.update_queue.put(Update.de_json(data, self.app.bot))
                if left:
                    log.warning("telegram: %d update(s) taken before a restart handled again", len(left))
            # PTB deletes any webhook first: switching back to polling needs nothing more.
            await self.app.updater.start_polling(timeout=self.poll_timeout, poll_interval=0.0)
            log.info("telegram polling started")
        self.container.dispatcher.wake()

    @property
    def webhook_mode(self) -> bool:
        return bool(self.container.settings.telegram_webhook_url)

    @property
    def receiving(self) -> bool:
        """Updates can come in: polling runs, or (webhook mode) the application runs."""
        if self.app is None:
            return False
        if self.webhook_mode:
            return bool(self.app.running)
        return self.app.updater is not None and self.app.updater.running

    async def feed(self, data: dict[str, Any]) -> None:
        """One update POSTed to our webhook, handled before the answer (a failure is a 5xx)."""
        if self.app is None:
            raise RuntimeError("telegram channel not started")
        update = Update.de_json(data, self.app.bot)
        await self.app.process_update(update)

    async def register_webhook(self) -> None:
        """setWebhook with the secret and the update types we handle; the leader calls it."""
        settings = self.container.settings
        if self.app is None or not settings.telegram_webhook_url:
            return
        await self.app.bot.set_webhook(settings.telegram_webhook_url,
                                       secret_token=settings.telegram_webhook_secret,
                                       allowed_updates=list(ALLOWED_UPDATES))
        log.info("telegram webhook registered")

    async def stop(self) -> None:
        if self.app is None:
            return
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        self.container.senders.pop("telegram", None)
        self.app = None
