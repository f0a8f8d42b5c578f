"""One-time codes that let a staff member set their own web password (issue 17 item 8). An admin
creates one for a new account or a forgotten password and passes it on; the person types it with
a new password at /password. Only the code's SHA-256 is stored, one live code per person (a new
code replaces the old), and a few wrong tries void it. Migration: 0007_password_codes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base


class PasswordCodeRow(Base):
    __tablename__ = "password_codes"
    counselor_id: Mapped[str] = mapped_column(ForeignKey("counselors.id", ondelete="CASCADE"),
                                              primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(Integer, default=0)  # wrong codes typed for this login
