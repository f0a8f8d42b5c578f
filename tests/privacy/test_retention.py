"""Retention with an injected clock, on SQLite and PostgreSQL: what is older than its days goes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from bot.privacy.retention import count_due, cutoffs, run_retention
from bot.storage.case_tables import CaseNote
from bot.storage.models import Conversation, Handoff, Message, OutboxItem, ProcessedUpdate, Resident
from bot.storage.repositories import mark_update_processed
from bot.storage.uow import UnitOfWorkFactory
from config.retention import RetentionConfig, load_retention
from tests.fakes.clock import FakeClock
from tests.privacy.seed import read_counts, seed_resident

CONFIG = RetentionConfig(message_text=40, handoff_records=365, audit_trail=2190, outbox_sent=7,
                         processed_updates=2, batch_size=3)


async def count(uow: UnitOfWorkFactory, table: type) -> int:
    async with uow() as u:
        return int(await u.session.scalar(select(func.count()).select_from(table)) or 0)


def test_cutoffs_are_now_minus_the_configured_days() -> None:
    now = FakeClock().now()

    c = cutoffs(CONFIG, now)

    assert now - c.message_text == timedelta(days=40)
    assert now - c.outbox_sent == timedelta(days=7)
    assert now - c.processed_updates == timedelta(days=2)


def test_shipped_retention_file_validates_and_keeps_text_shorter_than_records() -> None:
    cfg = load_retention()

    assert cfg.outbox_sent <= cfg.message_text < cfg.handoff_records <= cfg.audit_trail


async def test_old_conversation_without_handoff_goes_entirely_and_recent_one_stays(
    uow: UnitOfWorkFactory,
) -> None:
    clock = FakeClock()
    old = await seed_resident(uow, "old", clock.now(), messages=7, outbox=2)
    clock.advance(days=30)
    recent = await seed_resident(uow, "recent", clock.now(), messages=2)
    clock.advance(days=15)  # old is 45 days old (> 40), recent 15 days

    removed = await run_retention(uow, clock, CONFIG)

    assert removed["messages"] == 7 and removed["conversations"] == 1 and removed["residents"] == 1
    async with uow() as u:
        assert await u.residents.get(old.resident_id) is None
        assert await u.residents.get(recent.resident_id) is not None
        assert [t for _, t in await u.messages.recent(recent.conversation_id)] == \
            ["recent says 0", "recent says 1"]


async def test_closed_handoff_record_outlives_its_text_until_its_own_retention(
    uow: UnitOfWorkFactory,
) -> None:
    clock = FakeClock()
    s = await seed_resident(uow, "h", clock.now(), handoff_state="closed", closed_at=clock.now())
    clock.advance(days=100)

    first = await run_retention(uow, clock, CONFIG)
    clock.advance(days=300)  # 400 days after close
    second = await run_retention(uow, clock, CONFIG)

    assert first["messages"] == 2 and first["handoffs"] == 0 and first["conversations"] == 0
    assert second["handoffs"] == 1 and second["conversations"] == 1 and second["residents"] == 1
    async with uow() as u:
        assert await u.conversations.get(s.conversation_id) is None


async def test_open_handoff_is_never_purged_however_old(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    s = await seed_resident(uow, "open", clock.now(), handoff_state="active")
    clock.advance(days=1000)

    removed = await run_retention(uow, clock, CONFIG)

    assert removed["handoffs"] == 0 and removed["conversations"] == 0
    async with uow() as u:
        assert await u.handoffs.open_for_conversation(s.conversation_id) is not None


async def test_sent_outbox_items_go_after_a_week_and_unsent_ones_stay(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    await seed_resident(uow, "o", clock.now(), messages=0, outbox=2)
    async with uow() as u:
        first = min(await u.session.scalars(select(OutboxItem.id)))
        await u.session.execute(update(OutboxItem).where(OutboxItem.id == first).values(sent_at=clock.now()))
        await u.commit()
    clock.advance(days=8)

    removed = await run_retention(uow, clock, CONFIG)

    assert removed["outbox"] == 1
    assert await count(uow, OutboxItem) == 1


async def test_processed_update_ids_go_after_two_days(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    async with uow() as u:
        for i in range(4):
            await mark_update_processed(u.session, f"tg:{i}", clock.now())
        await u.commit()
    clock.advance(days=1)
    async with uow() as u:
        await mark_update_processed(u.session, "tg:new", clock.now())
        await u.commit()
    clock.advance(days=1, hours=12)

    removed = await run_retention(uow, clock, CONFIG)

    assert removed["processed_updates"] == 4
    assert await count(uow, ProcessedUpdate) == 1


async def test_dry_run_counts_equal_what_the_run_then_deletes(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    for i in range(4):
        await seed_resident(uow, f"r{i}", clock.now(), messages=3,
                            handoff_state="closed" if i % 2 else None, closed_at=clock.now())
    clock.advance(days=50)
    await seed_resident(uow, "fresh", clock.now())
    async with uow() as u:
        planned = await count_due(u.session, cutoffs(CONFIG, clock.now()))

    removed = await run_retention(uow, clock, CONFIG)

    assert planned == removed
    assert planned["conversations"] == 2 and planned["messages"] == 12


async def test_counts_stay_anonymous_per_day_and_add_up_across_batches(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    for i in range(3):
        await seed_resident(uow, f"c{i}", clock.now(), messages=4)  # 12 messages, batch size 3
    clock.advance(days=41)

    await run_retention(uow, clock, CONFIG)

    async with uow() as u:
        counts = await read_counts(u.session)
    day = clock.now().date()
    assert counts[(day, "retention", "messages")] == 12
    assert counts[(day, "retention", "conversations")] == 3
    assert await count(uow, Message) == 0 and await count(uow, Conversation) == 0
    assert await count(uow, Resident) == 0 and await count(uow, Handoff) == 0


async def test_each_run_is_on_the_audit_trail_with_counts_only(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    await seed_resident(uow, "audited", clock.now(), messages=3)
    clock.advance(days=41)

    await run_retention(uow, clock, CONFIG)

    async with uow() as u:
        entries = await u.audit.all()
    assert [(e.actor, e.action) for e in entries] == [("system:retention", "retention.run")]
    assert entries[0].detail["messages"] == 3
    assert all(isinstance(v, int) for v in entries[0].detail.values())


async def test_matched_words_and_case_notes_go_with_the_text_while_the_record_stays(
        uow: UnitOfWorkFactory) -> None:
    """The words triage matched (handoff reasons, risk memory) and counselors' case notes are
    message text by another name: they go at the text's retention, not the record's."""
    clock = FakeClock()
    old = await seed_resident(uow, "old", clock.now(), handoff_state="closed", closed_at=clock.now())
    still_open = await seed_resident(uow, "open", clock.now(), handoff_state="active")
    async with uow() as u:
        await u.session.execute(update(Handoff).values(reasons=['matched "want to die"']))
        await u.session.execute(update(Conversation).values(risk_memory=[{"level": "high"}]))
        closed = await u.session.scalar(select(Handoff.id)
                                        .where(Handoff.conversation_id == old.conversation_id))
        assert closed is not None
        u.session.add(CaseNote(handoff_id=closed, kind="close", note_enc=u.cipher.encrypt("note"),
                               at=clock.now()))
        await u.commit()
    clock.advance(days=50)

    removed = await run_retention(uow, clock, CONFIG)

    assert (removed["handoff_reasons"], removed["case_notes"]) == (1, 1)
    async with uow() as u:
        kept = {h.conversation_id: h.reasons for h in await u.session.scalars(select(Handoff))}
        memory = {c.id: c.risk_memory for c in await u.session.scalars(select(Conversation))}
    assert kept == {old.conversation_id: None, still_open.conversation_id: ['matched "want to die"']}
    assert memory[old.conversation_id] is None  # the record's conversation stays, its memory goes
    assert await count(uow, CaseNote) == 0
