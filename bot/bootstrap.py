"""One function builds every object; tests call it with a test database and fakes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.base import Sender
from bot.channels.outbox import OutboxDispatcher
from bot.clock import Clock, SystemClock
from bot.conversation.service import ConversationService
from bot.crypto import Cipher, demo_keys
from bot.storage.engine import create_engine, session_factory
from bot.storage.uow import UnitOfWorkFactory
from config.errors import ConfigError
from config.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    uow: UnitOfWorkFactory
    clock: Clock
    dispatcher: OutboxDispatcher
    service: ConversationService
    senders: dict[str, Sender] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    async def start(self) -> None:
        await self.dispatcher.start()

    async def stop(self) -> None:
        await self.dispatcher.stop()
        await self.engine.dispose()


def resolve_keys(settings: Settings) -> tuple[list[str], bytes]:
    """Encryption keys and pseudonym key; demo mode makes its own under ./var, production must set them."""
    if settings.secret_key and settings.pseudonym_key:
        return [k for k in settings.secret_key.split(",") if k.strip()], settings.pseudonym_key.encode()
    if not settings.demo:
        missing = "HOTLINE_SECRET_KEY" if not settings.secret_key else "HOTLINE_PSEUDONYM_KEY"
        raise ConfigError("environment", missing,
                          "required outside demo mode (generate one with `hotline keys new`)")
    fernet_key, pseudo_key = demo_keys(settings.var_dir)
    log.warning("demo mode: using demo keys from %s/demo.keys", settings.var_dir)
    return [settings.secret_key or fernet_key], (settings.pseudonym_key or pseudo_key).encode()


def build(settings: Settings, clock: Clock | None = None) -> Container:
    clock = clock or SystemClock()
    keys, pseudo_key = resolve_keys(settings)
    engine = create_engine(settings.database_url)
    uow = UnitOfWorkFactory(session_factory(engine), Cipher(keys))
    senders: dict[str, Sender] = {}
    dispatcher = OutboxDispatcher(uow, senders, clock, settings.outbox_max_attempts)
    service = ConversationService(uow, clock, dispatcher, pseudo_key)
    return Container(settings, engine, uow, clock, dispatcher, service, senders)
