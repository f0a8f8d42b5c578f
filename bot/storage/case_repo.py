"""Case notes and a resident's earlier handoffs (issue 16 items 9-10). Like the other
repositories it never commits; note text is encrypted with the unit of work's cipher."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from bot.storage.case_tables import CaseNote
from bot.storage.models import Conversation, Handoff
from bot.storage.uow import UnitOfWork


async def add_note(uow: UnitOfWork, handoff_id: int, counselor_id: str, kind: str, note: str,
                   at: datetime, safety_check: str | None = None,
                   risk_at_close: str | None = None) -> CaseNote:
    row = CaseNote(handoff_id=handoff_id, counselor_id=counselor_id, kind=kind,
                   note_enc=uow.cipher.encrypt(note), safety_check=safety_check,
                   risk_at_close=risk_at_close, at=at)
    uow.session.add(row)
    await uow.session.flush()
    return row


async def notes_for(uow: UnitOfWork, handoff_ids: Sequence[int]) -> list[tuple[CaseNote, str]]:
    """Notes on these handoffs, oldest first, with their text decrypted."""
    if not handoff_ids:
        return []
    rows = await uow.session.scalars(
        select(CaseNote).where(CaseNote.handoff_id.in_(list(handoff_ids))).order_by(CaseNote.id))
    return [(n, uow.cipher.decrypt(n.note_enc)) for n in rows]


async def earlier_handoffs(uow: UnitOfWork, handoff: Handoff, limit: int = 20) -> list[Handoff]:
    """The same resident's handoffs before this one (any conversation, any channel), newest first."""
    conv = await uow.conversations.get(handoff.conversation_id)
    if conv is None:
        return []
    convs = select(Conversation.id).where(Conversation.resident_id == conv.resident_id)
    q = (select(Handoff).where(Handoff.conversation_id.in_(convs), Handoff.id < handoff.id)
         .order_by(Handoff.id.desc()).limit(limit))
    return list(await uow.session.scalars(q))
