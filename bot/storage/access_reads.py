"""Reads bounded by an access window (bot/security/access.py): the last messages up to a moment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.storage.models import Message
from bot.storage.uow import UnitOfWork


async def recent_until(uow: UnitOfWork, conv_id: int, until: datetime | None,
                       limit: int) -> list[tuple[Message, str]]:
    """The last `limit` messages at or before `until` (all when None), oldest first, decrypted."""
    if until is None:
        return await uow.messages.recent(conv_id, limit)
    q = (select(Message).where(Message.conversation_id == conv_id, Message.created_at <= until)
         .order_by(Message.id.desc()).limit(limit))
    rows = list(await uow.session.scalars(q))
    return [(m, uow.messages.cipher.decrypt(m.text_enc)) for m in reversed(rows)]
