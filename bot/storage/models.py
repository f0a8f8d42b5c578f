"""Tables. Message text is stored only as ciphertext (`text_enc`); residents only as a pseudonym.

Later issues add their own tables in their own modules on the same `Base.metadata` and their own
Alembic migrations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from bot.storage.sealed import SealedJSON

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Resident(Base):
    """A pseudonymous resident: the HMAC of (channel, channel user id) is all we keep."""

    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    # Where replies go on that channel (Telegram chat id, web session key); not a person's name.
    chat_key: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(24), default="welcome")
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    risk_level: Mapped[str] = mapped_column(String(12), default="none")
    # Conversation-level triage memory (recent assessments), so risk decays slowly across restarts.
    # It quotes the matched words, so it is encrypted like message text (bot/storage/sealed.py).
    risk_memory: Mapped[list[Any]] = mapped_column("risk_memory_enc", SealedJSON, nullable=True, default=list)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_conversations_channel_chat", "channel", "chat_key"),)


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    sender: Mapped[str] = mapped_column(String(12))  # resident | bot | counselor
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    risk_level: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(index=True)


class Counselor(Base):
    __tablename__ = "counselors"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    station_id: Mapped[str | None] = mapped_column(String(64))
    roles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    web_login: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    # Shown to residents instead of the counselor's name or account.
    alias: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    # Set from the console ("off duty" for a break); the rota says who is scheduled.
    available: Mapped[bool] = mapped_column(default=True)


class Handoff(Base):
    """A request for a human. States: requested, offered, accepted, active, closed, fallback."""

    __tablename__ = "handoffs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default="requested", index=True)
    level: Mapped[str] = mapped_column(String(12))
    # Why triage asked for a person, quoting the matched words: encrypted (bot/storage/sealed.py).
    reasons: Mapped[list[Any]] = mapped_column("reasons_enc", SealedJSON, nullable=True, default=list)
    # The escalation policy copied when escalation starts: later edits do not change this case.
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    step: Mapped[int] = mapped_column(Integer, default=0)
    step_repeat: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped on every state change; timers carry it and drop themselves when stale.
    version: Mapped[int] = mapped_column(Integer, default=0)
    counselor_id: Mapped[str | None] = mapped_column(ForeignKey("counselors.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(32))
    # Counselor ids offered the card at the current step, and those who declined it.
    offered_to: Mapped[list[Any]] = mapped_column(JSON, default=list)
    declined_by: Mapped[list[Any]] = mapped_column(JSON, default=list)
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    created_at: Mapped[datetime]
    offered_at: Mapped[datetime | None]
    next_step_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Append-only, hash-chained record of staff actions."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    object: Mapped[str] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class OutboxItem(Base):
    """A message to send, written in the same transaction as the state that caused it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_key: Mapped[str] = mapped_column(String(128))
    # Ciphertext of the JSON payload (text, buttons, edits): it carries message text.
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    failed: Mapped[bool] = mapped_column(default=False)
    dedupe_key: Mapped[str | None] = mapped_column(String(128))
    # Lease of the instance delivering this row (bot/channels/outbox.py): another instance takes
    # the row only once claimed_until has passed, so a dead instance's rows come back.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),)


class InviteCode(Base):
    __tablename__ = "invite_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    counselor_id: Mapped[str] = mapped_column(ForeignKey("counselors.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ProcessedUpdate(Base):
    """Channel update ids already handled, so a replayed update or double click does nothing twice."""

    __tablename__ = "processed_updates"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    at: Mapped[datetime]




class SentRef(Base):
    """Channel message id of a message we named (a handoff card), so it can be edited later."""

    __tablename__ = "sent_refs"
    ref: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_key: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str] = mapped_column(String(64))


class Feedback(Base):
    """Helpful / not helpful on answers and counselor chats: counts for the satisfaction report."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # answer | counselor
    subject: Mapped[str | None] = mapped_column(String(64))  # entry id, topic
    value: Mapped[int] = mapped_column(Integer)  # +1 / -1
    at: Mapped[datetime]


class FollowUp(Base):
    """A check-in a counselor scheduled when closing (24 h, 1 week, 1 month)."""

    __tablename__ = "followups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    counselor_id: Mapped[str | None] = mapped_column(ForeignKey("counselors.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
