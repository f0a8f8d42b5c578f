"""What a reconnecting (or reloaded) resident page gets back: the transcript after its last
sequence number, with the counselor's alias on counselor lines and the answer buttons on the bot
lines the resident has not answered yet.

The transcript stores text only. The alias comes from the handoff that was accepted before the
line was written; the buttons from the line's outbox row (its payload carries the transcript
number), looked up among the chat's newest outbox rows only, so a reload stays cheap.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.services import supervision
from bot.storage.models import AuditEntry, Conversation, Counselor, Handoff, Message, OutboxItem
from bot.storage.uow import UnitOfWork
from bot.web.web_channel import Buttons, MessageFrame, message_frame

SUPERVISOR = "supervisor"  # the transcript's sender for a joined supervisor's lines
OUTBOX_LOOKBACK = 40  # newest outbox rows of the chat searched for the unanswered lines' buttons


async def resync_frames(uow: UnitOfWork, conv: Conversation,
                        rows: list[tuple[Message, str]]) -> list[MessageFrame]:
    aliases = await _aliases(uow, conv.id)
    supervisors = await _supervisors(uow, conv) if any(m.sender == SUPERVISOR for m, _ in rows) else []
    pending = _unanswered(rows)
    buttons = await _buttons(uow, conv, pending) if pending else {}
    return [message_frame(m.id, m.sender, text, buttons.get(m.id, []), False,
                          _alias_at(aliases, m.created_at) if m.sender == "counselor"
                          else _alias_at(supervisors, m.created_at) if m.sender == SUPERVISOR else None)
            for m, text in rows]


async def _supervisors(uow: UnitOfWork, conv: Conversation) -> list[tuple[datetime, str]]:
    """(joined at, "督导 alias") of each supervisor who joined one of the conversation's chats,
    oldest first: a reload labels their lines as the live frames did (bot/services/supervision.py)."""
    objects = [f"handoff:{hid}" for hid in await uow.session.scalars(
        select(Handoff.id).where(Handoff.conversation_id == conv.id))]
    q = (select(AuditEntry.at, Counselor.alias).join(Counselor, Counselor.id == AuditEntry.actor)
         .where(AuditEntry.action == supervision.JOIN, AuditEntry.object.in_(objects))
         .order_by(AuditEntry.id))
    return [(at, supervision.label(alias, conv.lang)) for at, alias in (await uow.session.execute(q)).all()]


def _unanswered(rows: list[tuple[Message, str]]) -> set[int]:
    """Bot lines after the resident's latest line: their buttons are still a live choice."""
    ids: set[int] = set()
    for m, _ in reversed(rows):
        if m.sender == "resident":
            break
        if m.sender == "bot":
            ids.add(m.id)
    return ids


async def _aliases(uow: UnitOfWork, conv_id: int) -> list[tuple[datetime, str]]:
    """(accepted at, alias) of each handoff of the conversation, oldest first."""
    q = (select(Handoff.accepted_at, Counselor.alias)
         .join(Counselor, Counselor.id == Handoff.counselor_id)
         .where(Handoff.conversation_id == conv_id, Handoff.accepted_at.is_not(None))
         .order_by(Handoff.accepted_at))
    # Never the counselor's name: the same fallback as the live relay (conversation/staff.py).
    return [(at, alias or "Counselor") for at, alias in (await uow.session.execute(q)).all()
            if at is not None]


def _alias_at(aliases: list[tuple[datetime, str]], at: datetime) -> str | None:
    found = None
    for accepted, alias in aliases:
        if accepted <= at:
            found = alias
    return found if found is not None else (aliases[0][1] if aliases else None)


async def _buttons(uow: UnitOfWork, conv: Conversation, wanted: set[int]) -> dict[int, Buttons]:
    q = (select(OutboxItem)
         .where(OutboxItem.channel == conv.channel, OutboxItem.chat_key == conv.chat_key)
         .order_by(OutboxItem.id.desc()).limit(OUTBOX_LOOKBACK))
    found: dict[int, Buttons] = {}
    for item in await uow.session.scalars(q):
        payload = uow.outbox.payload(item)
        seq = (payload.get("extra") or {}).get("seq")
        if isinstance(seq, int) and seq in wanted and payload.get("buttons"):
            found[seq] = payload["buttons"]
    return found
