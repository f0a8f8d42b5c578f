"""One repository contract suite, run against SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.storage.models import Conversation, Counselor, Handoff, Message
from bot.storage.repositories import audit_hash, mark_update_processed
from bot.storage.uow import UnitOfWorkFactory

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


async def new_conversation(uow: UnitOfWorkFactory, chat_key: str = "c1") -> int:
    async with uow() as u:
        resident = await u.residents.get_or_create("p" * 64, "test", NOW)
        conv = await u.conversations.add(Conversation(
            resident_id=resident.id, channel="test", chat_key=chat_key, created_at=NOW,
            updated_at=NOW, risk_memory=[]))
        await u.commit()
        return conv.id


async def test_resident_is_found_again_by_pseudonym(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        first = await u.residents.get_or_create("a" * 64, "telegram", NOW)
        await u.commit()
    async with uow() as u:
        again = await u.residents.get_or_create("a" * 64, "telegram", NOW)
    assert again.id == first.id


async def test_messages_are_stored_encrypted_and_read_back_in_order(uow: UnitOfWorkFactory) -> None:
    conv_id = await new_conversation(uow)
    async with uow() as u:
        await u.messages.add(conv_id, "resident", "第一句 first", NOW)
        await u.messages.add(conv_id, "bot", "second", NOW + timedelta(seconds=1))
        await u.commit()
    async with uow() as u:
        recent = await u.messages.recent(conv_id)
        raw = list(await u.session.scalars(select(Message.text_enc)))
    assert [t for _, t in recent] == ["第一句 first", "second"]
    assert all(b"first" not in bytes(r) for r in raw)


async def test_datetimes_come_back_aware_utc(uow: UnitOfWorkFactory) -> None:
    conv_id = await new_conversation(uow)
    async with uow() as u:
        conv = await u.conversations.get(conv_id)
    assert conv is not None and conv.created_at == NOW and conv.created_at.tzinfo is not None


async def test_leaving_without_commit_rolls_back(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.residents.get_or_create("b" * 64, "web", NOW)
    async with uow() as u:
        count = await u.session.scalar(text("SELECT count(*) FROM residents"))
    assert count == 0


async def test_first_accept_wins_when_two_counselors_press_at_once(uow: UnitOfWorkFactory) -> None:
    conv_id = await new_conversation(uow)
    async with uow() as u:
        for cid in ("c1", "c2"):
            await u.counselors.add(Counselor(id=cid, name=cid, languages=["zh"], roles=["counselor"]))
        h = await u.handoffs.add(Handoff(conversation_id=conv_id, state="offered", level="high",
                                         created_at=NOW))
        await u.commit()

    async def accept(cid: str) -> bool:
        async with uow() as u:
            won = await u.handoffs.try_accept(h.id, cid, NOW)
            await u.commit()
            return won

    results = await asyncio.gather(accept("c1"), accept("c2"))
    assert sorted(results) == [False, True]
    async with uow() as u:
        row = await u.handoffs.get(h.id)
    assert row is not None and row.state == "active"
    assert row.counselor_id == ("c1" if results[0] else "c2")


async def test_audit_entries_chain_their_hashes(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        a = await u.audit.append("c1", "login", "counselor:c1", NOW)
        b = await u.audit.append("c1", "accept", "handoff:1", NOW, {"level": "high"})
        await u.commit()
    assert b.prev_hash == a.hash
    assert b.hash == audit_hash(a.hash, NOW, "c1", "accept", "handoff:1", {"level": "high"})


async def test_outbox_pending_lists_unsent_rows_in_order_due_or_not(uow: UnitOfWorkFactory) -> None:
    """The dispatcher keeps each chat's order, so it sees rows not yet due; sent rows are gone."""
    async with uow() as u:
        sent = await u.outbox.add("test", "c1", {"text": "sent"}, NOW)
        sent.sent_at = NOW
        first = await u.outbox.add("test", "c1", {"text": "hello"}, NOW)
        later = await u.outbox.add("test", "c1", {"text": "later"}, NOW)
        later.next_attempt_at = NOW + timedelta(minutes=5)
        await u.outbox.add("other", "c2", {"text": "elsewhere"}, NOW)
        await u.commit()
    async with uow() as u:
        pending = await u.outbox.pending(["test"])
        assert [u.outbox.payload(i)["text"] for i in pending] == ["hello", "later"]
        assert pending[0].id == first.id and pending[1].next_attempt_at > NOW


async def test_outbox_dedupe_key_refuses_a_second_copy(uow: UnitOfWorkFactory) -> None:
    from sqlalchemy.exc import IntegrityError

    async with uow() as u:
        await u.outbox.add("test", "c1", {"text": "card"}, NOW, dedupe_key="card:1:c1")
        await u.commit()
    with pytest.raises(IntegrityError):
        async with uow() as u:
            await u.outbox.add("test", "c1", {"text": "card"}, NOW, dedupe_key="card:1:c1")
            await u.commit()


async def test_a_replayed_update_is_recognised(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        assert await mark_update_processed(u.session, "tg:u:7", NOW) is True
        await u.commit()
    async with uow() as u:
        assert await mark_update_processed(u.session, "tg:u:7", NOW) is False
