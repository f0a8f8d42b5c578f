"""Per-instance figures for /metrics and /healthz: does this instance lead, how long is the outbox."""

from __future__ import annotations

from prometheus_client import Gauge
from sqlalchemy import func, select

from bot.cluster.leader import Leadership
from bot.storage.models import OutboxItem
from bot.storage.uow import UnitOfWorkFactory

LEADER = Gauge("hotline_timer_leader", "1 when this instance runs the timers (holds the lock)")
BACKLOG = Gauge("hotline_outbox_backlog", "Outbox rows not yet sent and not parked (all instances)")
CLAIMED = Gauge("hotline_outbox_claimed", "Outbox rows this instance holds a lease on")


def leads(leadership: Leadership | None) -> bool:
    return leadership is not None and leadership.is_leader


async def refresh(uow_factory: UnitOfWorkFactory, leadership: Leadership | None,
                  instance: str) -> None:
    """Read the figures just before /metrics answers (a scrape every few seconds at most)."""
    LEADER.set(1 if leads(leadership) else 0)
    unsent = (OutboxItem.sent_at.is_(None), OutboxItem.failed.is_(False))
    async with uow_factory() as uow:
        BACKLOG.set(await uow.session.scalar(select(func.count()).where(*unsent)) or 0)
        mine = OutboxItem.claimed_by == instance
        CLAIMED.set(await uow.session.scalar(select(func.count()).where(*unsent, mine)) or 0)
