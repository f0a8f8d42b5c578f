"""The web chat's sender when several instances share one PostgreSQL.

A resident's socket lives on one instance, but any instance may deliver the outbox row meant for
it (whoever claims it, bot/cluster/claims.py). So delivering a web row pushes it to this
instance's sockets and tells the others its outbox id (bot/cluster/notify.py); the instance
holding the chat's socket reads that row and pushes it there. Only the id crosses the wire:
the text stays encrypted in the outbox. A push lost with a connection is healed by the page's
resync from the transcript, which is the truth either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.cluster.notify import Bus
from bot.conversation.messages import Outbound
from bot.storage.models import OutboxItem
from bot.storage.uow import UnitOfWorkFactory

OUTBOX_ID = "outbox_id"  # the dispatcher names each message's row in its extra


class LocalWeb(Protocol):
    """This instance's web chat sockets (bot/web/web_channel.WebChannel)."""

    @property
    def sockets(self) -> Mapping[str, object]: ...

    async def send(self, message: Outbound) -> str | None: ...


class WebRelay:
    channel = "web"

    def __init__(self, local: LocalWeb, bus: Bus, uow: UnitOfWorkFactory) -> None:
        self.local, self.bus, self.uow = local, bus, uow
        bus.web_push = self.push_row

    async def send(self, message: Outbound) -> str | None:
        result = await self.local.send(message)
        outbox_id = message.extra.get(OUTBOX_ID)
        if isinstance(outbox_id, int):  # a direct send (the emergency line with the database down) has none
            self.bus.send_web(outbox_id, message.chat_key)
        return result

    async def push_row(self, outbox_id: int, chat_key: str) -> None:
        """Another instance delivered row `outbox_id`: push it if the chat's socket is here."""
        if chat_key not in self.local.sockets:
            return
        async with self.uow() as uow:
            item = await uow.session.get(OutboxItem, outbox_id)
            if item is None or item.channel != self.channel or item.chat_key != chat_key:
                return
            payload = uow.outbox.payload(item)
        await self.local.send(Outbound.from_payload(self.channel, chat_key, payload))
