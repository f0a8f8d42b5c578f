"""What must hold in the database after any sequence of inputs, hostile or not."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from bot.storage.models import Conversation, Handoff, Message, OutboxItem
from bot.storage.uow import UnitOfWorkFactory

LEVELS = {"none", "low", "medium", "high", "imminent"}
CONVERSATION_STATES = {"welcome", "self_help", "offered", "waiting", "with_counselor", "closed"}
HANDOFF_STATES = {"requested", "offered", "accepted", "active", "closed", "fallback"}
LIVE_HANDOFF = {"requested", "offered", "accepted", "active", "fallback"}


async def assert_consistent(uow_factory: UnitOfWorkFactory) -> None:
    """Every row readable and every cross-row rule kept; raises AssertionError naming the breach."""
    async with uow_factory() as uow:
        s = uow.session
        convs = list(await s.scalars(select(Conversation)))
        handoffs = list(await s.scalars(select(Handoff)))
        open_keys = Counter((c.channel, c.chat_key) for c in convs if c.closed_at is None)
        assert all(n == 1 for n in open_keys.values()), f"two open conversations: {open_keys}"
        for c in convs:
            assert c.state in CONVERSATION_STATES, c.state
            assert c.risk_level in LEVELS, c.risk_level
        live = Counter(h.conversation_id for h in handoffs if h.state in LIVE_HANDOFF)
        assert all(n == 1 for n in live.values()), f"two live handoffs on one conversation: {live}"
        for h in handoffs:
            assert h.state in HANDOFF_STATES and h.level in LEVELS, (h.state, h.level)
        for c in convs:
            if c.state == "waiting":
                assert live[c.id] == 1, f"conversation {c.id} waits without a handoff"
        for c in convs:  # every stored message decrypts (the cipher raises on a bad token)
            n = len(list(await s.scalars(select(Message.id).where(Message.conversation_id == c.id))))
            assert len(await uow.messages.after(c.id, 0, limit=n + 1)) == n
        for item in await s.scalars(select(OutboxItem)):
            payload = uow.outbox.payload(item)
            assert isinstance(payload["text"], str)
            assert not item.failed, "a send was given up"
