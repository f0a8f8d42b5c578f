"""Repositories over one AsyncSession. They never commit: the unit of work does.

The statements every turn runs are built once, at import, with bind parameters (`_TURN_*`):
building a SQLAlchemy statement and its cache key each time cost more CPU than running it on
SQLite (issue 20, `hotline bench turn`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BindParameter, Table, bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crypto import Cipher
from bot.storage.models import (
    AuditEntry,
    Conversation,
    Counselor,
    Handoff,
    Message,
    OutboxItem,
    ProcessedUpdate,
    Resident,
    UTCDateTime,
)

GENESIS = "0" * 64
_CHANNEL: BindParameter[str] = bindparam("channel")
_CHAT: BindParameter[str] = bindparam("chat_key")
_CONV: BindParameter[int] = bindparam("conv_id")
_SINCE: BindParameter[datetime] = bindparam("since", type_=UTCDateTime())  # aware UTC in, naive on SQLite
_OPEN_CONVERSATION = (
    select(Conversation)
    .where(Conversation.channel == _CHANNEL, Conversation.chat_key == _CHAT)
    .where(Conversation.closed_at.is_(None))
    .order_by(Conversation.id.desc())
    .limit(1)
)
_STANDINGS = (
    select(Conversation.chat_key, Conversation.state, Conversation.risk_level, Conversation.lang)
    .where(Conversation.channel == _CHANNEL, Conversation.chat_key.in_(bindparam("keys", expanding=True)))
    .where(Conversation.closed_at.is_(None))
    .order_by(Conversation.id)
)
_RESIDENT_LINES = (
    select(Message.created_at, Message.text_enc)
    .where(Message.conversation_id == _CONV, Message.sender == "resident", Message.created_at >= _SINCE)
    .order_by(Message.id.desc())
    .limit(bindparam("limit"))
)
_COUNT_SINCE = (
    select(func.count())
    .select_from(Message)
    .where(Message.conversation_id == _CONV, Message.sender == bindparam("sender"),
           Message.created_at >= _SINCE)
)
# A replayed update: insert its key, or do nothing when it is there (mark_update_processed). On the
# table, not the mapped class: an ORM insert given parameters would run as a bulk insert, no rowcount.
_SEEN = {
    name: insert(cast(Table, ProcessedUpdate.__table__))
    .values(key=bindparam("key"), at=bindparam("at", type_=UTCDateTime()))
    .on_conflict_do_nothing(index_elements=["key"])
    for name, insert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}


class ResidentRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get_or_create(self, pseudonym: str, channel: str, now: datetime) -> Resident:
        found = await self.s.scalar(select(Resident).where(Resident.pseudonym == pseudonym))
        if found is not None:
            return found
        resident = Resident(pseudonym=pseudonym, channel=channel, created_at=now)
        self.s.add(resident)
        await self.s.flush()
        return resident

    async def get(self, resident_id: int) -> Resident | None:
        return await self.s.get(Resident, resident_id)


class ConversationRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def open_for(self, channel: str, chat_key: str) -> Conversation | None:
        return await self.s.scalar(_OPEN_CONVERSATION, {"channel": channel, "chat_key": chat_key})

    async def standing(self, channel: str, chat_key: str) -> tuple[str, str, str] | None:
        """(state, risk level, language) of the chat's open conversation, or None: three columns,
        so the encrypted risk memory is neither loaded nor decrypted (the web chat asks after
        every line it delivers: bot/web/web_channel.py)."""
        q = (
            select(Conversation.state, Conversation.risk_level, Conversation.lang)
            .where(Conversation.channel == channel, Conversation.chat_key == chat_key)
            .where(Conversation.closed_at.is_(None))
            .order_by(Conversation.id.desc())
            .limit(1)
        )
        row = (await self.s.execute(q)).first()
        return None if row is None else (row.state, row.risk_level, row.lang)

    async def standings(self, channel: str, chat_keys: list[str]) -> dict[str, tuple[str, str, str]]:
        """`standing` for many chats in one statement; a chat with no open conversation is absent."""
        if not chat_keys:
            return {}
        rows = await self.s.execute(_STANDINGS, {"channel": channel, "keys": chat_keys})
        # Oldest first, so a chat's newest open conversation is the one kept (as `standing` picks).
        return {row.chat_key: (row.state, row.risk_level, row.lang) for row in rows}

    async def add(self, conv: Conversation) -> Conversation:
        self.s.add(conv)
        await self.s.flush()
        return conv

    async def get(self, conv_id: int, lock: bool = False) -> Conversation | None:
        q = select(Conversation).where(Conversation.id == conv_id)
        if lock:
            q = q.with_for_update()  # PostgreSQL row lock; SQLite serialises writers anyway
        return await self.s.scalar(q)


class MessageRepo:
    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self.s = session
        self.cipher = cipher

    async def add(
        self, conv_id: int, sender: str, text_: str, now: datetime, risk_level: str | None = None
    ) -> Message:
        msg = Message(
            conversation_id=conv_id,
            sender=sender,
            text_enc=self.cipher.encrypt(text_),
            risk_level=risk_level,
            created_at=now,
        )
        self.s.add(msg)
        await self.s.flush()
        return msg

    async def recent(self, conv_id: int, limit: int = 10) -> list[tuple[Message, str]]:
        """The last `limit` messages, oldest first, with their decrypted text."""
        q = (
            select(Message)
            .where(Message.conversation_id == conv_id)
            .order_by(Message.id.desc())
            .limit(limit)
        )
        rows = list(await self.s.scalars(q))
        return [(m, self.cipher.decrypt(m.text_enc)) for m in reversed(rows)]

    async def resident_lines(self, conv_id: int, since: datetime, limit: int) -> list[tuple[datetime, str]]:
        """The resident's own last `limit` lines written at or after `since`, oldest first, with
        their time and decrypted text. Bot and counselor lines are left in the database, still
        encrypted: triage reads only the resident's words (bot/conversation/screening.py), and each
        line decrypted is text in memory (safety rule 5) and CPU on every turn (issue 20)."""
        params = {"conv_id": conv_id, "since": since, "limit": limit}
        rows = (await self.s.execute(_RESIDENT_LINES, params)).all()
        return [(at, self.cipher.decrypt(enc)) for at, enc in reversed(rows)]

    async def count_since(self, conv_id: int, sender: str, since: datetime) -> int:
        """How many lines `sender` wrote in the conversation at or after `since` (nothing decrypted)."""
        params = {"conv_id": conv_id, "sender": sender, "since": since}
        return int(await self.s.scalar(_COUNT_SINCE, params) or 0)

    async def after(self, conv_id: int, seq: int, limit: int = 200) -> list[tuple[Message, str]]:
        """Messages with id > seq, oldest first: what a reconnecting web client missed."""
        q = (
            select(Message)
            .where(Message.conversation_id == conv_id, Message.id > seq)
            .order_by(Message.id)
            .limit(limit)
        )
        return [(m, self.cipher.decrypt(m.text_enc)) for m in await self.s.scalars(q)]


class HandoffRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, handoff: Handoff) -> Handoff:
        self.s.add(handoff)
        await self.s.flush()
        return handoff

    async def get(self, handoff_id: int, lock: bool = False) -> Handoff | None:
        q = select(Handoff).where(Handoff.id == handoff_id)
        if lock:
            q = q.with_for_update()
        return await self.s.scalar(q)

    async def open_for_conversation(self, conv_id: int) -> Handoff | None:
        q = (
            select(Handoff)
            .where(Handoff.conversation_id == conv_id)
            .where(Handoff.state.in_(("requested", "offered", "accepted", "active", "fallback")))
            .order_by(Handoff.id.desc())
            .limit(1)
        )
        return await self.s.scalar(q)

    async def try_accept(self, handoff_id: int, counselor_id: str, now: datetime) -> bool:
        """Atomic first-accept-wins: one UPDATE guarded on the state; exactly one caller gets True."""
        result = await self.s.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.state.in_(("requested", "offered", "fallback")))
            .values(
                state="active",
                counselor_id=counselor_id,
                accepted_at=now,
                next_step_at=None,
                version=Handoff.version + 1,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def by_state(self, *states: str) -> list[Handoff]:
        q = select(Handoff).where(Handoff.state.in_(states)).order_by(Handoff.created_at)
        return list(await self.s.scalars(q))

    async def active_for(self, counselor_id: str) -> Handoff | None:
        """The chat a counselor accepted most recently and still holds."""
        q = (select(Handoff).where(Handoff.counselor_id == counselor_id, Handoff.state == "active")
             .order_by(Handoff.accepted_at.desc()).limit(1))
        return await self.s.scalar(q)


class CounselorRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, counselor_id: str) -> Counselor | None:
        return await self.s.get(Counselor, counselor_id)

    async def by_telegram_id(self, telegram_id: int) -> Counselor | None:
        return await self.s.scalar(select(Counselor).where(Counselor.telegram_id == telegram_id))

    async def by_login(self, login: str) -> Counselor | None:
        return await self.s.scalar(select(Counselor).where(Counselor.web_login == login))

    async def all(self) -> list[Counselor]:
        return list(await self.s.scalars(select(Counselor).order_by(Counselor.id)))

    async def add(self, counselor: Counselor) -> Counselor:
        self.s.add(counselor)
        await self.s.flush()
        return counselor

    async def bind_telegram(self, counselor: Counselor, telegram_id: int) -> None:
        """One Telegram account per counselor: an earlier holder of the id loses it first."""
        previous = await self.by_telegram_id(telegram_id)
        if previous is not None and previous.id != counselor.id:
            previous.telegram_id = None
            await self.s.flush()  # the unique index must not see the id twice
        counselor.telegram_id = telegram_id


def audit_hash(prev: str, at: datetime, actor: str, action: str, obj: str, detail: dict[str, Any]) -> str:
    """Each row's hash covers its content and the previous hash: an edit or delete breaks the chain."""
    body = json.dumps(
        [prev, at.isoformat(timespec="microseconds"), actor, action, obj, detail],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


class AuditRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def append(
        self, actor: str, action: str, obj: str, now: datetime, detail: dict[str, Any] | None = None
    ) -> AuditEntry:
        if self.s.get_bind().dialect.name == "postgresql":
            # Serialise appenders so two transactions never chain onto the same previous row.
            await self.s.execute(text("SELECT pg_advisory_xact_lock(424242)"))
        last = await self.s.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        prev = last.hash if last else GENESIS
        detail = detail or {}
        entry = AuditEntry(
            at=now, actor=actor, action=action, object=obj, detail=detail, prev_hash=prev,
            hash=audit_hash(prev, now, actor, action, obj, detail),
        )
        self.s.add(entry)
        await self.s.flush()
        return entry

    async def all(self) -> list[AuditEntry]:
        return list(await self.s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


class OutboxRepo:
    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self.s = session
        self.cipher = cipher

    async def add(
        self,
        channel: str,
        chat_key: str,
        payload: dict[str, Any],
        now: datetime,
        dedupe_key: str | None = None,
    ) -> OutboxItem:
        item = OutboxItem(
            channel=channel,
            chat_key=chat_key,
            payload_enc=self.cipher.encrypt(json.dumps(payload, ensure_ascii=False)),
            created_at=now,
            next_attempt_at=now,
            dedupe_key=dedupe_key,
        )
        self.s.add(item)
        await self.s.flush()
        return item

    def payload(self, item: OutboxItem) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.cipher.decrypt(item.payload_enc))
        return data

    async def pending(self, channels: list[str], limit: int = 200) -> list[OutboxItem]:
        """Unsent rows in id order, due or not: delivery keeps each chat's order."""
        q = (
            select(OutboxItem)
            .where(OutboxItem.sent_at.is_(None), OutboxItem.failed.is_(False))
            .where(OutboxItem.channel.in_(channels))
            .order_by(OutboxItem.id)
            .limit(limit)
        )
        return list(await self.s.scalars(q))


async def mark_update_processed(session: AsyncSession, key: str, now: datetime) -> bool:
    """Record a channel update id; False when it was seen before (a replay or a double click).

    One statement on every turn (issue 20): an insert that does nothing when the key is there.
    On PostgreSQL a second instance inserting the same key waits for the first transaction and
    then gets False, where a read-then-insert failed on the unique key and deferred the turn."""
    stmt = _SEEN.get(session.get_bind().dialect.name)
    if stmt is not None:
        result = await session.execute(stmt, {"key": key, "at": now})
        return bool(result.rowcount)  # type: ignore[attr-defined]
    if await session.get(ProcessedUpdate, key) is not None:
        return False
    session.add(ProcessedUpdate(key=key, at=now))
    await session.flush()
    return True
