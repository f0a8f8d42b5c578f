"""Anonymous counts of what retention and `/forget` removed: numbers per day, nothing that links to a person.

The day is the UTC date of the removal (not of the data), so the counts cannot be joined back to
when a resident wrote.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base


class AnonymousCount(Base):
    __tablename__ = "anonymous_counts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))  # retention | forget
    kind: Mapped[str] = mapped_column(String(24))  # conversations, messages, handoffs, ...
    count: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (UniqueConstraint("day", "source", "kind", name="uq_anonymous_counts_day_source_kind"),)
