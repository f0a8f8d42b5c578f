"""`/forget`: a resident's rows are erased, others' stay, only anonymous counts remain."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.privacy.forget import ForgetReport, forget_resident
from bot.storage.models import Conversation, FollowUp, Handoff, Message, OutboxItem
from bot.storage.uow import UnitOfWorkFactory
from tests.fakes.clock import FakeClock
from tests.privacy.seed import read_counts, seed_resident


async def rows(uow: UnitOfWorkFactory, table: type) -> int:
    async with uow() as u:
        return int(await u.session.scalar(select(func.count()).select_from(table)) or 0)


async def test_forget_erases_the_residents_conversations_messages_handoffs_and_outbox(
    uow: UnitOfWorkFactory,
) -> None:
    clock = FakeClock()
    gone = await seed_resident(uow, "gone", clock.now(), messages=3, handoff_state="active", outbox=2)
    kept = await seed_resident(uow, "kept", clock.now(), messages=2, handoff_state="closed", outbox=1)
    async with uow() as u:
        handoff = await u.handoffs.open_for_conversation(gone.conversation_id)
        assert handoff is not None
        u.session.add(FollowUp(handoff_id=handoff.id, kind="24h", due_at=clock.now()))
        await u.commit()

    async with uow() as u:
        report = await forget_resident(u, gone.resident_id, clock.now())
        await u.commit()

    assert report == ForgetReport(resident=True, conversations=1, messages=3, handoffs=1, outbox=2)
    async with uow() as u:
        assert await u.residents.get(gone.resident_id) is None
        assert not (await u.session.scalars(
            select(Conversation).where(Conversation.resident_id == gone.resident_id))).all()
        assert [t for _, t in await u.messages.recent(kept.conversation_id)] == \
            ["kept says 0", "kept says 1"]
    assert await rows(uow, Message) == 2 and await rows(uow, Handoff) == 1
    assert await rows(uow, OutboxItem) == 1 and await rows(uow, Conversation) == 1
    assert await rows(uow, FollowUp) == 0  # follow-ups go with their handoff


async def test_forget_keeps_only_anonymous_counts_for_the_day(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    s = await seed_resident(uow, "a", clock.now(), messages=4)

    async with uow() as u:
        await forget_resident(u, s.resident_id, clock.now())
        await u.commit()

    async with uow() as u:
        counts = await read_counts(u.session)
    day = clock.now().date()
    assert counts == {(day, "forget", "residents"): 1, (day, "forget", "conversations"): 1,
                      (day, "forget", "messages"): 4, (day, "forget", "outbox"): 1}


async def test_forgetting_an_unknown_resident_removes_nothing(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    await seed_resident(uow, "b", clock.now())

    async with uow() as u:
        report = await forget_resident(u, 999_999, clock.now())
        await u.commit()

    assert report == ForgetReport(resident=False)
    assert await rows(uow, Message) == 2


async def test_forget_then_a_change_to_the_loaded_conversation_still_commits(
    uow: UnitOfWorkFactory,
) -> None:
    """The flow holds the conversation it loaded and bumps its version after the command."""
    clock = FakeClock()
    s = await seed_resident(uow, "c", clock.now())

    async with uow() as u:
        conv = await u.conversations.get(s.conversation_id)
        assert conv is not None
        await forget_resident(u, s.resident_id, clock.now())
        conv.version += 1
        await u.outbox.add("telegram", s.chat_key, {"text": "done"}, clock.now())
        await u.commit()

    assert await rows(uow, Conversation) == 0
    assert await rows(uow, OutboxItem) == 1  # the confirmation written after the erase
