"""Retention of the audit trail: delete the oldest rows as a prefix, after writing a marker.

The marker (an `audit.pruned` entry in the chain itself) names the last pruned id and its hash,
so `hotline audit verify` can tell lawful retention from someone deleting the oldest rows. It is
written before the first delete: an interrupted prune leaves a chain that still verifies.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy.audit import PRUNED_ACTION
from bot.privacy.counts import add_counts
from bot.storage.models import AuditEntry
from bot.storage.uow import UnitOfWork


async def _through(session: AsyncSession, cutoff: datetime) -> int | None:
    through: int | None = await session.scalar(select(func.max(AuditEntry.id)).where(AuditEntry.at < cutoff))
    return through


async def prunable_audit_count(session: AsyncSession, cutoff: datetime) -> int:
    through = await _through(session, cutoff)
    if through is None:
        return 0
    return int(await session.scalar(select(func.count()).select_from(AuditEntry)
                                     .where(AuditEntry.id <= through)) or 0)


async def _write_marker(session: AsyncSession, uow: UnitOfWork, through: int, now: datetime) -> None:
    markers = await session.scalars(select(AuditEntry.detail).where(AuditEntry.action == PRUNED_ACTION))
    if any(int(d.get("through_id", 0)) >= through for d in markers):
        return  # a previous, interrupted run already announced this prune
    through_hash = await session.scalar(select(AuditEntry.hash).where(AuditEntry.id == through))
    await uow.audit.append("system:retention", PRUNED_ACTION, f"audit_log:{through}", now,
                           {"through_id": through, "through_hash": through_hash})


async def prune_audit(uow_factory: Callable[[], UnitOfWork], cutoff: datetime, now: datetime,
                      batch_size: int) -> int:
    """Delete audit rows up to the newest one older than `cutoff`, in batches; returns how many."""
    async with uow_factory() as uow:
        through = await _through(uow.session, cutoff)
        if through is None:
            return 0
        await _write_marker(uow.session, uow, through, now)
        await uow.commit()
    total = 0
    while True:
        async with uow_factory() as uow:
            ids = list(await uow.session.scalars(select(AuditEntry.id).where(AuditEntry.id <= through)
                                                 .order_by(AuditEntry.id).limit(batch_size)))
            if ids:
                await uow.session.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids)))
                await add_counts(uow.session, now.date(), "retention", {"audit_entries": len(ids)})
            await uow.commit()
        total += len(ids)
        if len(ids) < batch_size:
            return total
