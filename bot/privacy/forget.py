"""A resident's right to be forgotten: erase everything that is theirs, keep only anonymous counts.

The conversation flow asks for confirmation, then calls `forget_resident` inside its unit of work
and commits; the confirmation reply itself goes out through the outbox afterwards (it is written
after the erase, so it is not among the rows removed here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, or_, select

from bot.privacy.counts import add_counts
from bot.storage.models import Conversation, Handoff, Message, OutboxItem, Resident
from bot.storage.uow import UnitOfWork


@dataclass(frozen=True)
class ForgetReport:
    """How many rows of each kind were erased; `resident` is False when there was nobody to forget."""

    resident: bool
    conversations: int = 0
    messages: int = 0
    handoffs: int = 0
    outbox: int = 0

    def counts(self) -> dict[str, int]:
        return {"residents": int(self.resident), "conversations": self.conversations,
                "messages": self.messages, "handoffs": self.handoffs, "outbox": self.outbox}


async def _count(uow: UnitOfWork, table: type, where: ColumnElement[bool]) -> int:
    return int(await uow.session.scalar(select(func.count()).select_from(table).where(where)) or 0)


def _detach_erased(uow: UnitOfWork, resident_id: int, conv_ids: set[int],
                   chat_keys: set[tuple[str, str]]) -> None:
    """Objects the caller loaded for these rows no longer exist: detach them, so a later change to
    one (`conv.version += 1`) is dropped instead of failing the commit on a missing row."""
    for obj in list(uow.session.identity_map.values()):
        gone = (
            (isinstance(obj, Resident) and obj.id == resident_id)
            or (isinstance(obj, Conversation) and obj.id in conv_ids)
            or (isinstance(obj, Message | Handoff) and obj.conversation_id in conv_ids)
            or (isinstance(obj, OutboxItem) and (obj.channel, obj.chat_key) in chat_keys)
        )
        if gone:
            uow.session.expunge(obj)


async def forget_resident(uow: UnitOfWork, resident_id: int, now: datetime) -> ForgetReport:
    """Erase the resident, their conversations, messages, handoffs (and follow-ups, by cascade) and
    the outbox rows addressed to their chats, in the caller's transaction; the caller commits.

    Handoffs go even when open: the resident asked for it, and a counselor's card then finds no
    chat. Anonymous per-day counts of what went are added in the same transaction.
    """
    resident = await uow.session.get(Resident, resident_id)
    if resident is None:
        return ForgetReport(resident=False)
    convs = list(await uow.session.execute(
        select(Conversation.id, Conversation.channel, Conversation.chat_key)
        .where(Conversation.resident_id == resident_id)))
    conv_ids = [c.id for c in convs]
    chats = or_(*(and_(OutboxItem.channel == c.channel, OutboxItem.chat_key == c.chat_key) for c in convs)) \
        if convs else None
    report = ForgetReport(
        resident=True,
        conversations=len(conv_ids),
        messages=await _count(uow, Message, Message.conversation_id.in_(conv_ids)),
        handoffs=await _count(uow, Handoff, Handoff.conversation_id.in_(conv_ids)),
        outbox=await _count(uow, OutboxItem, chats) if chats is not None else 0,
    )
    # Children first and explicitly: the counts above must equal what is gone, on any backend.
    await uow.session.execute(delete(Message).where(Message.conversation_id.in_(conv_ids)))
    await uow.session.execute(delete(Handoff).where(Handoff.conversation_id.in_(conv_ids)))
    if chats is not None:
        await uow.session.execute(delete(OutboxItem).where(chats))
    await uow.session.execute(delete(Conversation).where(Conversation.id.in_(conv_ids)))
    await uow.session.execute(delete(Resident).where(Resident.id == resident_id))
    _detach_erased(uow, resident_id, set(conv_ids), {(c.channel, c.chat_key) for c in convs})
    await add_counts(uow.session, now.date(), "forget", report.counts())
    return report
