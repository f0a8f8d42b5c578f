"""Failed staff logins, shared by every instance (bot/security/login_throttle.py decides the
wait). The login as typed and the address are stored only as keyed hashes (HMAC with the
pseudonym key): a password typed into the login field, or a caller's address, is never kept.
Rows older than the window are deleted as new ones come. Migration: 0006_login_throttle.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base


class LoginFailureRow(Base):
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login_tag: Mapped[str] = mapped_column(String(64), index=True)
    address_tag: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime]
