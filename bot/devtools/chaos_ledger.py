"""What the database says was sent, against what the fake Bot API received: lost, doubled, order.

The outbox is the only way a message leaves (docs/ARCHITECTURE.md), so per chat the texts of the
sent outbox rows, in id order, are exactly what Telegram should have seen, once each and in that
order. Messages the server sends around the outbox (the emergency numbers while the database is
down, `_emergency_direct`) are counted apart.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy import text as sql

from bot.channels.telegram import TELEGRAM_LIMIT, split_text
from bot.crypto import Cipher
from bot.devtools.fake_telegram import FakeTelegram
from bot.storage.engine import create_engine, session_factory
from bot.storage.models import AuditEntry, Conversation, Counselor, FollowUp, Handoff, Message, OutboxItem
from bot.storage.uow import UnitOfWorkFactory

DELIVERY_METHODS = ("sendMessage", "editMessageText")
STAFF_TG_BASE = 5000


@dataclass
class ChatCheck:
    expected: list[str]
    received: list[str]

    @property
    def lost(self) -> int:
        return sum((Counter(self.expected) - Counter(self.received)).values())

    @property
    def doubled(self) -> int:
        return sum((Counter(self.received) - Counter(self.expected)).values())

    @property
    def in_order(self) -> bool:
        """The received texts, first sight of each, follow the outbox's order."""
        seen: list[str] = []
        for text in self.received:
            if text not in seen:
                seen.append(text)
        return [t for t in seen if t in self.expected] == [t for t in dict.fromkeys(self.expected)]


@dataclass
class Ledger:
    chats: dict[str, ChatCheck] = field(default_factory=dict)
    unsent: int = 0  # outbox rows neither sent nor parked
    parked: int = 0
    outside: int = 0  # received texts the outbox never held (the direct emergency sends)

    @property
    def lost(self) -> int:
        return self.unsent + self.parked + sum(c.lost for c in self.chats.values())

    @property
    def doubled(self) -> int:
        return sum(c.doubled for c in self.chats.values())

    @property
    def out_of_order(self) -> list[str]:
        return [chat for chat, c in self.chats.items() if not c.in_order]


class Db:
    """Reads (and the few test-side writes) on the instance's database."""

    def __init__(self, db_url: str, secret_key: str) -> None:
        self.engine = create_engine(db_url)
        self.uow = UnitOfWorkFactory(session_factory(self.engine), Cipher([secret_key]))

    async def close(self) -> None:
        await self.engine.dispose()

    async def give_staff_telegram_ids(self) -> dict[str, int]:
        """Every counselor and coordinator of the demo rota gets a Telegram id (5000 + n), so
        their cards and callbacks go through the fake Bot API. Returns counselor id -> chat id."""
        out: dict[str, int] = {}
        async with self.uow() as uow:
            rows = (await uow.session.scalars(select(Counselor).order_by(Counselor.id))).all()
            for n, c in enumerate(rows, 1):
                if set(c.roles or ()) & {"counselor", "coordinator"}:
                    c.telegram_id = c.telegram_id or STAFF_TG_BASE + n
                    out[c.id] = int(c.telegram_id)
            await uow.commit()
        return out

    async def handoffs(self) -> list[Handoff]:
        async with self.uow() as uow:
            return list((await uow.session.scalars(select(Handoff).order_by(Handoff.id))).all())

    async def handoff(self, handoff_id: int) -> Handoff | None:
        async with self.uow() as uow:
            return await uow.session.get(Handoff, handoff_id)

    async def resident_messages(self) -> int:
        async with self.uow() as uow:
            n = await uow.session.scalar(select(func.count()).select_from(Message)
                                         .where(Message.sender == "resident"))
            return int(n or 0)

    async def audit_actions(self) -> list[tuple[str, str]]:
        async with self.uow() as uow:
            rows = await uow.session.execute(select(AuditEntry.action, AuditEntry.object)
                                             .order_by(AuditEntry.id))
            return [(a, o) for a, o in rows.all()]

    async def followups(self) -> list[FollowUp]:
        async with self.uow() as uow:
            return list((await uow.session.scalars(select(FollowUp).order_by(FollowUp.id))).all())

    async def bring_followups_forward(self, due_at: Any) -> int:
        """Stands in for a day passing: open follow-ups fall due at `due_at` (timezone-aware)."""
        async with self.uow() as uow:
            result = await uow.session.execute(update(FollowUp).where(FollowUp.done_at.is_(None))
                                               .values(due_at=due_at))
            await uow.commit()
            return int(getattr(result, "rowcount", 0) or 0)

    async def bot_lines(self, chat_key: str) -> list[str]:
        """The bot's lines in the transcript of this chat's conversations, oldest first."""
        out: list[str] = []
        async with self.uow() as uow:
            query = select(Conversation.id).where(Conversation.chat_key == chat_key).order_by(Conversation.id)
            for conv_id in (await uow.session.scalars(query)).all():
                lines = await uow.messages.after(conv_id, 0, 500)
                out += [text for msg, text in lines if msg.sender == "bot"]
        return out

    @asynccontextmanager
    async def writes_held(self) -> AsyncIterator[None]:
        """Inside, the server cannot write resident messages (its turns wait for the lock); reads
        go on. SQLite: a write transaction held open; PostgreSQL: the messages table locked
        against writers."""
        if self.engine.dialect.name == "sqlite":
            con = sqlite3.connect(str(self.engine.url.database), isolation_level=None, timeout=30,
                                  check_same_thread=False)
            await asyncio.to_thread(con.execute, "BEGIN EXCLUSIVE")
            try:
                yield
            finally:
                con.rollback()
                con.close()
            return
        async with self.engine.connect() as conn:
            await conn.execute(sql("LOCK TABLE messages IN EXCLUSIVE MODE"))
            try:
                yield
            finally:
                await conn.rollback()

    async def outbox_unsettled(self) -> int:
        async with self.uow() as uow:
            n = await uow.session.scalar(select(func.count()).select_from(OutboxItem).where(
                OutboxItem.sent_at.is_(None), OutboxItem.failed.is_(False)))
            return int(n or 0)

    async def repeated_offers(self) -> int:
        """Card rows written more than once for the same handoff, step and counselor chat: a step
        offered twice, which an escalation timer firing twice would do (high-level chains have no
        `repeat` steps). Counted in the database, so a resent row does not count here."""
        seen: Counter[tuple[str, str, str]] = Counter()
        async with self.uow() as uow:
            items = (await uow.session.scalars(select(OutboxItem).order_by(OutboxItem.id))).all()
            for item in items:
                payload = uow.outbox.payload(item)
                accept = [b["data"] for row in payload.get("buttons", []) for b in row
                          if str(b.get("data", "")).startswith("acc:")]
                if accept and not payload.get("edit_ref"):
                    step = str(payload.get("text", "")).split("\n", 1)[0]  # "HIGH · handoff #1 · backup"
                    seen[(item.chat_key, accept[0], step)] += 1
        return sum(n - 1 for n in seen.values())

    async def ledger(self, fake: FakeTelegram) -> Ledger:
        result = Ledger()
        expected: dict[str, list[str]] = {}
        async with self.uow() as uow:
            items = (await uow.session.scalars(select(OutboxItem).where(OutboxItem.channel == "telegram")
                                               .order_by(OutboxItem.id))).all()
            for item in items:
                if item.failed:
                    result.parked += 1
                    continue
                if item.sent_at is None:
                    result.unsent += 1
                    continue
                payload = uow.outbox.payload(item)
                expected.setdefault(item.chat_key, []).extend(_parts(payload))
        received: dict[str, list[str]] = {}
        for call in fake.calls:
            if call.method in DELIVERY_METHODS:
                received.setdefault(str(call.params.get("chat_id")), []).append(str(call.params.get("text")))
        for chat in sorted(set(expected) | set(received)):
            exp, got = expected.get(chat, []), received.get(chat, [])
            extra = [t for t in got if t not in exp]
            result.outside += len(extra)
            result.chats[chat] = ChatCheck(exp, [t for t in got if t in exp])
        return result


def _parts(payload: dict[str, Any]) -> list[str]:
    text = str(payload.get("text", ""))
    if payload.get("edit_ref"):
        return [text[:TELEGRAM_LIMIT]]
    return split_text(text)
