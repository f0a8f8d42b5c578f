"""Small builders for privacy tests: a resident with a conversation, messages, a handoff, outbox rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy.tables import AnonymousCount
from bot.storage.models import Conversation, Handoff
from bot.storage.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class Seeded:
    resident_id: int
    conversation_id: int
    chat_key: str


async def seed_resident(uow: UnitOfWorkFactory, name: str, at: datetime, messages: int = 2,
                        handoff_state: str | None = None, closed_at: datetime | None = None,
                        outbox: int = 1) -> Seeded:
    """One resident writing at `at`: a conversation, some messages, outbox replies, maybe a handoff."""
    async with uow() as u:
        resident = await u.residents.get_or_create(f"pseudo-{name}", "telegram", at)
        conv = await u.conversations.add(Conversation(
            resident_id=resident.id, channel="telegram", chat_key=f"chat-{name}",
            created_at=at, updated_at=at))
        for i in range(messages):
            await u.messages.add(conv.id, "resident", f"{name} says {i}", at)
        for i in range(outbox):
            await u.outbox.add("telegram", conv.chat_key, {"text": f"reply {i} to {name}"}, at)
        if handoff_state is not None:
            await u.handoffs.add(Handoff(conversation_id=conv.id, state=handoff_state, level="high",
                                         created_at=at, closed_at=closed_at))
        await u.commit()
        return Seeded(resident.id, conv.id, conv.chat_key)


async def read_counts(session: AsyncSession) -> dict[tuple[date, str, str], int]:
    """Every stored anonymous count, keyed by (day, source, kind)."""
    rows = await session.execute(
        select(AnonymousCount.day, AnonymousCount.source, AnonymousCount.kind, AnonymousCount.count)
    )
    return {(d, s, k): n for d, s, k, n in rows}
