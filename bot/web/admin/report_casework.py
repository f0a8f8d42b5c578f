"""Report figures on casework: handoffs by level and station, time to accept per level, follow-ups.

Counts only: no message text, no resident key leaves these queries (a follow-up's reply is a
count of resident lines, never their text).

Definitions:
- a handoff's station is the station of the counselor who holds or held it (`counselors.station_id`);
  a handoff nobody took counts under NOT_TAKEN (a station's monthly report leaves those out: they
  belong to the line), one held by someone without a station under NO_STATION.
- time to accept per level: `accepted_at - created_at`; p50 is the median, p95 the nearest rank
  (reports.percentile_nearest_rank), so each is a wait that happened.
- follow-ups are counted by `due_at` in the range: sent (the check-in went out), replied (a resident
  line within REPLY_WINDOW after it went out), asked again (a new handoff in that chat within the
  window), overdue (due before `now`, not sent), not yet due.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Counselor, FollowUp, Handoff, Message
from bot.web.admin.reports import LEVELS, median, percentile_nearest_rank

NOT_TAKEN = "not taken"
NO_STATION = "no station"  # taken by someone whose account names no station
# A reply counts when it comes within a week of the check-in, so a month's report does not change
# when a resident writes again months later (the console's list shows any later line).
REPLY_WINDOW = timedelta(days=7)
FOLLOW_UP_KINDS = ("24h", "1w", "1m")


@dataclass(frozen=True)
class AcceptTimes:
    accepted: int
    p50_s: float | None
    p95_s: float | None


@dataclass(frozen=True)
class FollowUps:
    """Follow-ups due in the range; `by_kind` holds (due, sent, replied) per kind."""

    due: int = 0
    sent: int = 0
    replied: int = 0
    asked_again: int = 0
    overdue: int = 0
    not_yet_due: int = 0
    by_kind: tuple[tuple[str, int, int, int], ...] = ()

    @property
    def no_reply(self) -> int:
        return self.sent - self.replied


@dataclass(frozen=True)
class Casework:
    by_level_station: dict[str, dict[str, int]]  # level -> station -> count
    stations: list[str]
    accept_by_level: dict[str, AcceptTimes]
    followups: FollowUps
    rows: list[HandoffRow]


class HandoffRow(NamedTuple):
    level: str
    station: str  # the holder's station, NO_STATION or NOT_TAKEN
    created: datetime
    accepted: datetime | None
    step: int
    state: str


def _station_filter(station: str | None) -> list[ColumnElement[bool]]:
    return [] if station is None else [Counselor.station_id == station]


async def handoff_rows(session: AsyncSession, start: datetime, end: datetime,
                       station: str | None = None) -> list[HandoffRow]:
    """Handoffs created in [start, end) (held by someone at `station` when given)."""
    q = (select(Handoff.level, Handoff.counselor_id, Counselor.station_id, Handoff.created_at,
                Handoff.accepted_at, Handoff.step, Handoff.state)
         .outerjoin(Counselor, Counselor.id == Handoff.counselor_id)
         .where(Handoff.created_at >= start, Handoff.created_at < end, *_station_filter(station)))
    return [HandoffRow(lvl, st or (NO_STATION if who else NOT_TAKEN), c, a, step or 0, state)
            for lvl, who, st, c, a, step, state in (await session.execute(q)).all()]


def level_station_table(rows: list[HandoffRow]) -> tuple[dict[str, dict[str, int]], list[str]]:
    counts = Counter((r.level, r.station) for r in rows)
    seen = {st for _, st in counts}
    stations = sorted(seen - {NO_STATION, NOT_TAKEN}) + [st for st in (NO_STATION, NOT_TAKEN) if st in seen]
    levels = list(LEVELS) + sorted({lvl for lvl, _ in counts} - set(LEVELS))
    return {lvl: {st: counts.get((lvl, st), 0) for st in stations} for lvl in levels}, stations


def accept_by_level(rows: list[HandoffRow]) -> dict[str, AcceptTimes]:
    waits: dict[str, list[float]] = {lvl: [] for lvl in LEVELS}
    for r in rows:
        if r.accepted is not None:
            waits.setdefault(r.level, []).append((r.accepted - r.created).total_seconds())
    return {lvl: AcceptTimes(len(w), median(w), percentile_nearest_rank(w, 95)) for lvl, w in waits.items()}


async def follow_ups(session: AsyncSession, start: datetime, end: datetime, now: datetime,
                     station: str | None = None) -> FollowUps:
    q = (select(FollowUp.kind, FollowUp.due_at, FollowUp.done_at, Handoff.conversation_id)
         .join(Handoff, Handoff.id == FollowUp.handoff_id)
         .outerjoin(Counselor, Counselor.id == FollowUp.counselor_id)
         .where(FollowUp.due_at >= start, FollowUp.due_at < end, *_station_filter(station)))
    rows = (await session.execute(q)).all()
    sent_rows = [(conv, done) for _, _, done, conv in rows if done is not None]
    lines, asks = await _after_check_ins(session, sent_rows)
    due: Counter[str] = Counter()
    sent: Counter[str] = Counter()
    replied: Counter[str] = Counter()
    asked = overdue = later = 0
    for kind, due_at, done_at, conv in rows:
        due[kind] += 1
        if done_at is None:
            overdue, later = (overdue + 1, later) if due_at <= now else (overdue, later + 1)
            continue
        sent[kind] += 1
        replied[kind] += _within(lines.get(conv, []), done_at)
        asked += _within(asks.get(conv, []), done_at)
    kinds = list(FOLLOW_UP_KINDS) + sorted(set(due) - set(FOLLOW_UP_KINDS))
    return FollowUps(sum(due.values()), sum(sent.values()), sum(replied.values()), asked, overdue, later,
                     tuple((k, due[k], sent[k], replied[k]) for k in kinds))


def _within(times: list[datetime], sent_at: datetime) -> int:
    """1 when something happened in (sent_at, sent_at + REPLY_WINDOW], else 0."""
    return int(any(sent_at < t <= sent_at + REPLY_WINDOW for t in times))


async def _after_check_ins(session: AsyncSession, sent: list[tuple[int, datetime]]
                           ) -> tuple[dict[int, list[datetime]], dict[int, list[datetime]]]:
    """Times of resident lines and of new handoffs in the chats that got a check-in, in the span the
    check-ins' windows cover: two queries for the whole report, not two per follow-up."""
    if not sent:
        return {}, {}
    convs = sorted({c for c, _ in sent})
    lo, hi = min(t for _, t in sent), max(t for _, t in sent) + REPLY_WINDOW
    lines: dict[int, list[datetime]] = {}
    for conv, at in await session.execute(select(Message.conversation_id, Message.created_at).where(
            Message.conversation_id.in_(convs), Message.sender == "resident",
            Message.created_at > lo, Message.created_at <= hi)):
        lines.setdefault(conv, []).append(at)
    asks: dict[int, list[datetime]] = {}
    for conv, at in await session.execute(select(Handoff.conversation_id, Handoff.created_at).where(
            Handoff.conversation_id.in_(convs), Handoff.created_at > lo, Handoff.created_at <= hi)):
        asks.setdefault(conv, []).append(at)
    return lines, asks


async def build_casework(session: AsyncSession, start: datetime, end: datetime, now: datetime,
                         station: str | None = None) -> Casework:
    """Handoffs by level and station, accept times per level and follow-ups for [start, end)."""
    rows = await handoff_rows(session, start, end, station)
    table, stations = level_station_table(rows)
    followups = await follow_ups(session, start, end, now, station)
    return Casework(table, stations, accept_by_level(rows), followups, rows)


def _fmt(v: float | None) -> str:
    return "" if v is None else f"{v:.1f}"


def casework_csv(w: Casework) -> list[list[str]]:
    """(section, key, value) rows: handoffs by level and station, accept times per level, follow-ups."""
    out = [["handoffs_by_level_station", f"{lvl}/{st}", str(n)]
           for lvl, row in w.by_level_station.items() for st, n in row.items()]
    for lvl, t in w.accept_by_level.items():
        sec = f"time_to_accept_s_{lvl}"
        out += [[sec, "accepted", str(t.accepted)], [sec, "p50", _fmt(t.p50_s)], [sec, "p95", _fmt(t.p95_s)]]
    f = w.followups
    out += [["followups", k, str(v)] for k, v in (("due", f.due), ("sent", f.sent), ("replied", f.replied),
                                                   ("no_reply", f.no_reply), ("asked_again", f.asked_again),
                                                   ("overdue", f.overdue), ("not_yet_due", f.not_yet_due))]
    out += [["followups_by_kind", f"{k}/{what}", str(n)] for k, due, sent, replied in f.by_kind
            for what, n in (("due", due), ("sent", sent), ("replied", replied))]
    return out
