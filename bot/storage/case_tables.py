"""Case notes (issue 16 items 8-10): what a counselor wrote when handing a chat on, handing it
back to the bot or closing it, with the safety check and the risk they judged at close. The note
is free text about a person in crisis, so it is stored only as ciphertext, like message text
(safety rule 5). Rows go with their handoff (ON DELETE CASCADE). Migration: 0007_case_notes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base


class CaseNote(Base):
    __tablename__ = "case_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    counselor_id: Mapped[str | None] = mapped_column(ForeignKey("counselors.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(12))  # close | transfer | handback (bot.conversation.casework)
    # close only: what made closing safe (SafetyCheck) and the risk the counselor judged at close.
    safety_check: Mapped[str | None] = mapped_column(String(24))
    risk_at_close: Mapped[str | None] = mapped_column(String(12))
    note_enc: Mapped[bytes] = mapped_column(LargeBinary)  # Fernet ciphertext, "" encrypted when no note
    at: Mapped[datetime]
