"""The conversation service: lock, load, decide, commit, then deliver.

Foundation version: stores every inbound message (encrypted) and answers /start and text.
The full state machine (triage, knowledge base, handoffs) grows on this skeleton.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime

from bot.channels.outbox import OutboxDispatcher
from bot.clock import Clock
from bot.conversation.messages import Inbound, Outbound
from bot.crypto import pseudonym
from bot.storage.models import Conversation
from bot.storage.repositories import mark_update_processed
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

WELCOME = (
    "你好，这里是心理支持热线机器人。我不是医生，但可以提供心理健康信息并帮你联系值班咨询师。\n"
    "Hello, this is the support-line bot. I am not a doctor; I can share information and connect you "
    "with an on-duty counselor.\n"
    "紧急情况 Emergency: 12356 (24h) · 010-82951332 · 110 · 120"
)


class ConversationService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, dispatcher: OutboxDispatcher,
                 pseudonym_key: bytes) -> None:
        self.uow = uow
        self.clock = clock
        self.dispatcher = dispatcher
        self.pseudonym_key = pseudonym_key
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def handle(self, inbound: Inbound) -> None:
        now = self.clock.now()
        async with self._locks[f"{inbound.channel}:{inbound.chat_key}"]:
            async with self.uow() as uow:
                if inbound.update_key and not await mark_update_processed(
                    uow.session, inbound.update_key, now
                ):
                    return  # a replayed update: already handled
                conv = await self._conversation(uow, inbound, now)
                await uow.messages.add(conv.id, "resident", inbound.text, now)
                reply = WELCOME if inbound.command == "start" else "收到。Thank you, I have your message."
                out = Outbound(inbound.channel, inbound.chat_key, reply)
                await uow.outbox.add(out.channel, out.chat_key, out.to_payload(), now)
                await uow.commit()
        self.dispatcher.wake()

    async def _conversation(self, uow: UnitOfWork, inbound: Inbound, now: datetime) -> Conversation:
        conv = await uow.conversations.open_for(inbound.channel, inbound.chat_key)
        if conv is not None:
            return conv
        resident = await uow.residents.get_or_create(
            pseudonym(self.pseudonym_key, inbound.channel, inbound.user_key), inbound.channel, now
        )
        return await uow.conversations.add(Conversation(
            resident_id=resident.id, channel=inbound.channel, chat_key=inbound.chat_key,
            created_at=now, updated_at=now, risk_memory=[],
        ))
