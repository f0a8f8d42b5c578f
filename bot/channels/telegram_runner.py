"""Start and stop the Telegram channel (polling) inside our own event loop."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from telegram.ext import Application

from bot.channels.telegram import TelegramSender, build_application
from bot.conversation.messages import Inbound
from bot.conversation.ports import Outbox, Sender
from config.settings import Settings

log = logging.getLogger(__name__)


class _Service(Protocol):
    @property
    def handle(self) -> Callable[[Inbound], Awaitable[Any]]: ...


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
        self.app = build_application(settings.telegram_token, settings.telegram_base_url,
                                     self.container.service.handle)
        await self.app.initialize()
        self.container.senders["telegram"] = TelegramSender(self.app)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(timeout=self.poll_timeout, poll_interval=0.0)
        log.info("telegram polling started")
        self.container.dispatcher.wake()

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
