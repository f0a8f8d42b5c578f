"""Retention: which rows are older than the configured days at `now`, and a batched executor.

The plan is pure (cutoff times and the SQL conditions they imply); the executor deletes in
batches, each batch its own short transaction, so the live service keeps writing while the job
runs and an interrupted run simply continues next time. Only anonymous per-day counts remain.

Order matters: text first (messages, outbox, case notes, and the matched words kept with a
handoff record that outlives them), then handoff records, then conversations left with nothing in
them (and the risk memory of those that stay), then residents left with no conversation.
Processed update ids and the audit trail are independent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.privacy.audit_prune import prunable_audit_count, prune_audit
from bot.privacy.counts import add_counts
from bot.storage.case_tables import CaseNote
from bot.storage.models import Conversation, Handoff, Message, OutboxItem, ProcessedUpdate, Resident
from bot.storage.uow import UnitOfWork
from config.retention import RetentionConfig

log = logging.getLogger(__name__)

UowFactory = Callable[[], UnitOfWork]
# Handoff states that are over; an open handoff is never purged, however old.
ENDED_HANDOFF_STATES = ("closed", "fallback")


@dataclass(frozen=True)
class Cutoffs:
    """Rows older than these instants are due for deletion."""

    message_text: datetime
    handoff_records: datetime
    audit_trail: datetime
    outbox_sent: datetime
    processed_updates: datetime


def cutoffs(config: RetentionConfig, now: datetime) -> Cutoffs:
    """The instant before which each kind of data goes (pure)."""
    return Cutoffs(
        message_text=now - timedelta(days=config.message_text),
        handoff_records=now - timedelta(days=config.handoff_records),
        audit_trail=now - timedelta(days=config.audit_trail),
        outbox_sent=now - timedelta(days=config.outbox_sent),
        processed_updates=now - timedelta(days=config.processed_updates),
    )


@dataclass(frozen=True)
class Step:
    """One kind of row: its label in the counts, its table, its key column, and when it is due.
    With `scrub`, the row stays and only that column is emptied (text inside a record kept longer)."""

    kind: str
    table: Any
    key: Any
    due: ColumnElement[bool]
    scrub: Any = None


def plan(c: Cutoffs) -> list[Step]:
    """The deletion steps in order; each `due` condition is also what `--dry-run` counts."""
    message_due = Message.created_at < c.message_text
    outbox_due = or_(
        and_(OutboxItem.sent_at.is_not(None), OutboxItem.sent_at < c.outbox_sent),
        OutboxItem.created_at < c.message_text,  # text retention bounds every copy of the text
    )
    handoff_due = and_(
        Handoff.state.in_(ENDED_HANDOFF_STATES),
        func.coalesce(Handoff.closed_at, Handoff.created_at) < c.handoff_records,
    )
    # A conversation goes once nothing that outlives this run still points at it.
    conversation_due = and_(
        Conversation.updated_at < c.message_text,
        ~exists().where(Handoff.conversation_id == Conversation.id, ~handoff_due),
        ~exists().where(Message.conversation_id == Conversation.id, ~message_due),
    )
    # The words triage matched (bot/storage/sealed.py) are message text: they go with the text,
    # while the handoff record (level, times, outcome) stays for its own, longer retention.
    reasons_due = and_(
        Handoff.state.in_(ENDED_HANDOFF_STATES),
        func.coalesce(Handoff.closed_at, Handoff.created_at) < c.message_text,
        Handoff.reasons.is_not(None),
    )
    # (those deleted whole in the conversations step are not counted twice)
    memory_due = and_(Conversation.updated_at < c.message_text, Conversation.risk_memory.is_not(None),
                      ~conversation_due)
    resident_due = and_(
        Resident.created_at < c.message_text,
        ~exists(select(Conversation.id).where(Conversation.resident_id == Resident.id, ~conversation_due)),
    )
    return [
        Step("messages", Message, Message.id, message_due),
        Step("outbox", OutboxItem, OutboxItem.id, outbox_due),
        Step("case_notes", CaseNote, CaseNote.id, CaseNote.at < c.message_text),
        Step("handoff_reasons", Handoff, Handoff.id, reasons_due, scrub=Handoff.reasons),
        Step("handoffs", Handoff, Handoff.id, handoff_due),
        Step("conversations", Conversation, Conversation.id, conversation_due),
        Step("risk_memory", Conversation, Conversation.id, memory_due, scrub=Conversation.risk_memory),
        Step("residents", Resident, Resident.id, resident_due),
        Step("processed_updates", ProcessedUpdate, ProcessedUpdate.key,
             ProcessedUpdate.at < c.processed_updates),
    ]


async def count_due(session: AsyncSession, c: Cutoffs) -> dict[str, int]:
    """How many rows of each kind a run at these cutoffs would delete (for `purge --dry-run`)."""
    counts: dict[str, int] = {}
    for step in plan(c):
        counts[step.kind] = int(await session.scalar(select(func.count()).select_from(step.table)
                                                     .where(step.due)) or 0)
    counts["audit_entries"] = await prunable_audit_count(session, c.audit_trail)
    return counts


async def _delete_batch(session: AsyncSession, step: Step, batch_size: int) -> int:
    keys = list(await session.scalars(select(step.key).where(step.due).order_by(step.key).limit(batch_size)))
    if keys and step.scrub is not None:  # `due` requires the column set, so a scrubbed row is done
        await session.execute(update(step.table).where(step.key.in_(keys)).values({step.scrub: None}),
                              execution_options={"synchronize_session": False})
    elif keys:
        await session.execute(delete(step.table).where(step.key.in_(keys)))
    return len(keys)


async def purge(uow_factory: UowFactory, c: Cutoffs, now: datetime, batch_size: int) -> dict[str, int]:
    """Delete everything due, batch by batch (one transaction each); returns counts per kind."""
    removed: dict[str, int] = {}
    for step in plan(c):
        total = 0
        while True:
            async with uow_factory() as uow:
                n = await _delete_batch(uow.session, step, batch_size)
                await add_counts(uow.session, now.date(), "retention", {step.kind: n})
                await uow.commit()
            total += n
            if n < batch_size:
                break
        removed[step.kind] = total
    removed["audit_entries"] = await prune_audit(uow_factory, c.audit_trail, now, batch_size)
    return removed


async def run_retention(uow_factory: UowFactory, clock: Clock, config: RetentionConfig) -> dict[str, int]:
    """The daily job: purge what the configured retention says is due now; log counts only."""
    now = clock.now()
    removed = await purge(uow_factory, cutoffs(config, now), now, config.batch_size)
    async with uow_factory() as uow:
        # The run itself is on the audit trail: counts only, like everything retention keeps.
        await uow.audit.append("system:retention", "retention.run", "database", now, dict(removed))
        await uow.commit()
    log.info("retention run: %s", ", ".join(f"{k}={v}" for k, v in removed.items()))
    return removed
