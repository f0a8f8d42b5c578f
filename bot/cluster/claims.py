"""Outbox rows claimed with a lease, so several instances deliver each row once, in chat order.

One transaction: the unsent rows nobody else holds are locked with FOR UPDATE SKIP LOCKED (a
concurrent instance skips them instead of waiting), and a chat is taken only when its oldest
unsent row is among them, so two instances never send the same chat's messages side by side.
The taken rows get claimed_by/claimed_until; a dead instance's rows come back when the lease
ends. On SQLite the FOR UPDATE clause is left out (one instance; SQLite locks the whole file).

The statements are built once, at import, with bind parameters: building a SQLAlchemy statement
(and its cache key) on every pass cost more CPU than running it (issue 20: about 15 % of the event
loop's time in `hotline bench turn` went to building statements, the outbox's the largest share).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import OutboxItem, UTCDateTime

CANDIDATES = 200  # rows looked at per claim: a window in id order, the rest in the next pass


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    chat_key: str
    item: OutboxItem


# Bind parameters every statement below takes: the channels this instance sends on, its name, now.
_CHANNELS: BindParameter[list[str]] = bindparam("channels", expanding=True)
_ME: BindParameter[str] = bindparam("me")
_NOW: BindParameter[datetime] = bindparam("now", type_=UTCDateTime())  # typed: aware UTC in, naive on SQLite
_OPEN: ColumnElement[bool] = and_(OutboxItem.sent_at.is_(None), OutboxItem.failed.is_(False),
                                  OutboxItem.channel.in_(_CHANNELS))
_FREE_FOR_ME = or_(OutboxItem.claimed_until.is_(None), OutboxItem.claimed_until <= _NOW,
                   OutboxItem.claimed_by == _ME)
_CANDIDATES = select(OutboxItem).where(_OPEN).order_by(OutboxItem.id).limit(CANDIDATES)
_CANDIDATES_FREE = _CANDIDATES.where(_FREE_FOR_ME).with_for_update(skip_locked=True)
# The oldest unsent row of each chat, whoever holds it: a plain read sees locked rows too.
_HEADS = (select(OutboxItem.channel, OutboxItem.chat_key, func.min(OutboxItem.id))
          .where(_OPEN, OutboxItem.chat_key.in_(bindparam("keys", expanding=True)))
          .group_by(OutboxItem.channel, OutboxItem.chat_key))
_RELEASE = (update(OutboxItem).where(OutboxItem.claimed_by == _ME, OutboxItem.sent_at.is_(None))
            .values(claimed_by=None, claimed_until=None))
_MARK_SENT = (update(OutboxItem).where(OutboxItem.id.in_(bindparam("ids", expanding=True)))
              .values(sent_at=_NOW, attempts=OutboxItem.attempts + 1, claimed_by=None, claimed_until=None))
_HELD = and_(OutboxItem.claimed_by != _ME, OutboxItem.claimed_until > _NOW)
# Two scalar subqueries in one round trip rather than one min(CASE ...): min of a column keeps its
# UTC datetime type.
_NEXT_DUE = select(
    select(func.min(OutboxItem.next_attempt_at))
    .where(_OPEN, or_(OutboxItem.claimed_by.is_(None), ~_HELD)).scalar_subquery(),
    select(func.min(OutboxItem.claimed_until)).where(_OPEN, _HELD).scalar_subquery())


async def candidates(session: AsyncSession, channels: list[str]) -> list[OutboxItem]:
    """The first CANDIDATES unsent rows in id order, due or not (the lone instance's read)."""
    return list(await session.scalars(_CANDIDATES, {"channels": channels}))


async def claim(session: AsyncSession, channels: list[str], me: str, now: datetime,
                lease_s: float, per_chat: int, lone: bool = False) -> list[Claimed]:
    """Claim the due rows at the head of each chat nobody else is delivering (caller commits).

    `lone`: this is the only instance (SQLite: a second one is refused at start,
    bot/cluster/single.py), so there is nobody to claim against: the due rows at the head of each
    chat are returned as they are, with no lease written and no heads to compare (one query
    instead of two plus an UPDATE and a commit on every pass).
    """
    if lone:
        return due_heads(await candidates(session, channels), now, per_chat)
    found = list(await session.scalars(_CANDIDATES_FREE, {"channels": channels, "me": me, "now": now}))
    if not found:
        return []
    keys = sorted({c.chat_key for c in found})
    heads = {(ch, key): first for ch, key, first
             in (await session.execute(_HEADS, {"channels": channels, "keys": keys})).all()}
    taken: list[Claimed] = []
    by_chat: dict[tuple[str, str], list[OutboxItem]] = {}
    for c in found:
        by_chat.setdefault((c.channel, c.chat_key), []).append(c)
    until = now + timedelta(seconds=lease_s)
    for chat, rows in by_chat.items():
        if rows[0].id != heads.get(chat):
            continue  # an older row of this chat is another instance's, or not ours to pass
        for row in rows[:per_chat]:
            if row.next_attempt_at > now:
                break  # a waiting row (429, backoff) holds the rest of its chat
            row.claimed_by, row.claimed_until = me, until
            taken.append(Claimed(row.id, row.channel, row.chat_key, row))
    return taken


async def release_unsent(session: AsyncSession, me: str) -> None:
    """Give back this instance's claims on rows it did not send in this pass."""
    await session.execute(_RELEASE, {"me": me})


async def mark_sent(session: AsyncSession, ids: list[int], now: datetime) -> None:
    """Mark rows sent in one statement (the web rows of one pass)."""
    await session.execute(_MARK_SENT, {"ids": ids, "now": now})


async def next_due(session: AsyncSession, channels: list[str], me: str,
                   now: datetime) -> datetime | None:
    """When this instance may next have work: a row's due time, or, for a row another live
    instance holds, the end of its lease (so an idle instance does not spin on others' rows)."""
    row = (await session.execute(_NEXT_DUE, {"channels": channels, "me": me, "now": now})).one()
    found = [t for t in row if t is not None]
    return min(found) if found else None


def due_heads(rows: list[OutboxItem], now: datetime, per_chat: int) -> list[Claimed]:
    """Up to `per_chat` due rows from the start of each chat (rows come in id order)."""
    taken: list[Claimed] = []
    by_chat: dict[tuple[str, str], list[OutboxItem]] = {}
    for row in rows:
        by_chat.setdefault((row.channel, row.chat_key), []).append(row)
    for chat_rows in by_chat.values():
        for row in chat_rows[:per_chat]:
            if row.next_attempt_at > now:
                break  # a waiting row (429, backoff) holds the rest of its chat
            taken.append(Claimed(row.id, row.channel, row.chat_key, row))
    return taken
