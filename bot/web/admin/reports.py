"""Report figures for the coordinator dashboard, computed from the database for a time range.

Rows are selected in SQL (the range and the columns a figure needs) and counted in Python, so the
same code gives the same numbers on SQLite and PostgreSQL. Times are bucketed in the rota's zone
(Asia/Shanghai): a "week" starts on Monday 00:00 local time.

Definitions (what each number means, so two people reading the report agree):
- conversations per week: conversations whose `created_at` falls in the range, by local week.
- handoffs by level: handoffs created in the range, by the risk level that opened them.
- time to accept: `accepted_at - created_at` of handoffs created in the range and accepted.
  Median is the middle value (mean of the two middle ones for an even count); p95 is the
  nearest-rank percentile (the value at rank ceil(0.95 n)), so it is always a time that happened.
- escalations: handoffs created in the range that went past step 0 of their escalation chain.
- fallbacks: handoffs created in the range that are in the `fallback` state (the chain ended
  unanswered and nobody has taken the chat since).
- coverage hours: scheduled hours per station inside the range (from the rota).
- satisfaction: feedback ±1 given in the range, per kind (answer | counselor).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation import satisfaction as rating
from bot.storage.models import Conversation, Feedback, Handoff

LOCAL = ZoneInfo("Asia/Shanghai")
LEVELS = ("imminent", "high", "medium", "low", "none")
FEEDBACK_KINDS = ("answer", "counselor")


class ReportError(Exception):
    """Root of report errors (a range that cannot be reported on)."""


@dataclass(frozen=True)
class Satisfaction:
    up: int = 0
    down: int = 0

    @property
    def share_up(self) -> float | None:
        total = self.up + self.down
        return self.up / total if total else None


@dataclass(frozen=True)
class Report:
    start: datetime
    end: datetime
    conversations_per_week: list[tuple[date, int]]
    handoffs_by_level: dict[str, int]
    accept_times_s: list[float]
    escalations: int
    fallbacks: int
    satisfaction: dict[str, Satisfaction]
    coverage_hours: dict[str, float] = field(default_factory=dict)
    # Counselor chats rated 1-5 at close (bot/conversation/satisfaction.py `tally`).
    ratings: dict[str, float | int | None] = field(default_factory=lambda: rating.tally([]))

    @property
    def handoffs(self) -> int:
        return sum(self.handoffs_by_level.values())

    @property
    def median_accept_s(self) -> float | None:
        return median(self.accept_times_s)

    @property
    def p95_accept_s(self) -> float | None:
        return percentile_nearest_rank(self.accept_times_s, 95)


# ---- pure statistics ---------------------------------------------------------------------------
def median(values: Sequence[float]) -> float | None:
    """The middle value; the mean of the two middle values for an even count; None when empty."""
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return float(s[mid]) if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def percentile_nearest_rank(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least pct % of values at or below it."""
    if not values:
        return None
    if not 0 < pct <= 100:
        raise ReportError(f"percentile must be in (0, 100], got {pct}")
    s = sorted(values)
    rank = math.ceil(pct / 100 * len(s))
    return float(s[rank - 1])


def week_start(at: datetime) -> date:
    """Monday of the local (Asia/Shanghai) week that contains `at`."""
    local = at.astimezone(LOCAL).date()
    return local - timedelta(days=local.weekday())


def weeks_between(start: datetime, end: datetime) -> list[date]:
    """Every local week that overlaps [start, end), so empty weeks show as zero, not as missing."""
    first, last = week_start(start), week_start(end - timedelta(microseconds=1))
    n = (last - first).days // 7 + 1
    return [first + timedelta(weeks=i) for i in range(max(n, 0))]


def per_week(times: Iterable[datetime], start: datetime, end: datetime) -> list[tuple[date, int]]:
    counts = Counter(week_start(t) for t in times)
    return [(w, counts.get(w, 0)) for w in weeks_between(start, end)]


def clipped_hours(spans: Iterable[tuple[str, datetime, datetime]], start: datetime,
                  end: datetime) -> dict[str, float]:
    """Hours per station of (station, from, to) spans, counting only the part inside [start, end)."""
    hours: dict[str, float] = {}
    for station, a, b in spans:
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            hours[station] = hours.get(station, 0.0) + (hi - lo).total_seconds() / 3600
    return dict(sorted(hours.items()))


def local_range(first: date, last: date) -> tuple[datetime, datetime]:
    """[first 00:00, the day after `last` 00:00) in local time, as aware datetimes."""
    if last < first:
        raise ReportError("the range ends before it starts: pick an end date on or after the start")
    start = datetime.combine(first, datetime.min.time(), LOCAL)
    return start, datetime.combine(last + timedelta(days=1), datetime.min.time(), LOCAL)


# ---- database queries --------------------------------------------------------------------------
async def build_report(session: AsyncSession, start: datetime, end: datetime,
                       coverage: Iterable[tuple[str, datetime, datetime]] = ()) -> Report:
    """Every figure of the report for [start, end); `coverage` are scheduled (station, from, to)."""
    if end <= start:
        raise ReportError("the range is empty: the end must be after the start")
    conv_times = list(await session.scalars(
        select(Conversation.created_at).where(Conversation.created_at >= start,
                                              Conversation.created_at < end)))
    rows = (await session.execute(
        select(Handoff.level, Handoff.state, Handoff.step, Handoff.created_at, Handoff.accepted_at)
        .where(Handoff.created_at >= start, Handoff.created_at < end))).all()
    by_level = Counter(r.level for r in rows)
    levels = {lvl: by_level.get(lvl, 0) for lvl in LEVELS}
    levels.update({k: v for k, v in by_level.items() if k not in levels})
    accept = [(r.accepted_at - r.created_at).total_seconds() for r in rows if r.accepted_at is not None]
    fb = (await session.execute(
        select(Feedback.kind, Feedback.value).where(Feedback.at >= start, Feedback.at < end))).all()
    return Report(
        start=start, end=end,
        conversations_per_week=per_week(conv_times, start, end),
        handoffs_by_level=levels,
        accept_times_s=sorted(accept),
        escalations=sum(1 for r in rows if (r.step or 0) > 0),
        fallbacks=sum(1 for r in rows if r.state == "fallback"),
        satisfaction=satisfaction((k, v) for k, v in fb if k != rating.KIND),
        ratings=rating.tally(v for k, v in fb if k == rating.KIND),
        coverage_hours=clipped_hours(coverage, start, end),
    )


def satisfaction(rows: Iterable[tuple[str, int]]) -> dict[str, Satisfaction]:
    up: Counter[str] = Counter()
    down: Counter[str] = Counter()
    for kind, value in rows:
        (up if value > 0 else down)[kind] += 1
    kinds = list(FEEDBACK_KINDS) + sorted((set(up) | set(down)) - set(FEEDBACK_KINDS))
    return {k: Satisfaction(up[k], down[k]) for k in kinds}


def csv_rows(report: Report) -> list[list[str]]:
    """The report as (section, key, value) rows for the CSV export."""
    def fmt(x: float | None) -> str:
        return "" if x is None else f"{x:.1f}"

    out = [["section", "key", "value"],
           ["range", "start", report.start.isoformat()], ["range", "end", report.end.isoformat()]]
    out += [["conversations_per_week", w.isoformat(), str(n)] for w, n in report.conversations_per_week]
    out += [["handoffs_by_level", lvl, str(n)] for lvl, n in report.handoffs_by_level.items()]
    out += [["time_to_accept_s", "accepted", str(len(report.accept_times_s))],
            ["time_to_accept_s", "median", fmt(report.median_accept_s)],
            ["time_to_accept_s", "p95", fmt(report.p95_accept_s)],
            ["escalations", "count", str(report.escalations)],
            ["fallbacks", "count", str(report.fallbacks)]]
    out += [["coverage_hours", st, f"{h:.1f}"] for st, h in report.coverage_hours.items()]
    for kind, s in report.satisfaction.items():
        out += [["satisfaction", f"{kind}_up", str(s.up)], ["satisfaction", f"{kind}_down", str(s.down)]]
    out += [["counselor_rating", k, "" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))]
            for k, v in report.ratings.items()]
    return out
