"""The monthly report of one station: a file a coordinator can send on (issue 17 item 9).

One self-contained HTML page (inline SVG charts drawn by charts.py, styles in the page, no script,
nothing fetched) and the same figures as CSV. Built by `hotline report monthly` and downloaded
from /admin/reports. The month is the station's local calendar month (its rotations' time zone,
Asia/Shanghai by default). Counts only: no message text, no resident key, no counselor name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation import satisfaction as rating
from bot.services.rota import RotaService
from bot.storage.models import Counselor, Feedback, Handoff
from bot.web.admin.charts import bar_chart, line_chart
from bot.web.admin.common import fmt_duration
from bot.web.admin.report_casework import Casework, build_casework, casework_csv
from bot.web.admin.report_coverage import CoverageRow, coverage_csv, coverage_rows, station_tz
from bot.web.admin.reports import ReportError
from bot.web.staff_text import label, text
from bot.web.templating import render
from scheduling.demand import LINE
from scheduling.rotation import zone

MONTH_FORM = "YYYY-MM, e.g. 2026-03"
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str | None) -> date:
    """"2026-03" -> 2026-03-01; a ReportError saying what is accepted otherwise."""
    found = _MONTH.fullmatch((text or "").strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise ReportError(f"{text!r} is not a month: write {MONTH_FORM}")
    return date(int(found.group(1)), int(found.group(2)), 1)


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def month_range(first: date, tz: str) -> tuple[datetime, datetime]:
    z = zone(tz)
    return (datetime.combine(first, datetime.min.time(), z),
            datetime.combine(next_month(first), datetime.min.time(), z))


@dataclass(frozen=True)
class MonthlyReport:
    station: str
    station_name: str
    tz: str
    month: date
    start: datetime
    end: datetime
    made_at: datetime
    per_day: list[tuple[date, int]]
    casework: Casework
    escalations: int
    fallbacks: int
    ratings: dict[str, float | int | None]
    coverage: list[CoverageRow]

    @property
    def handoffs(self) -> int:
        return sum(n for _, n in self.per_day)

    @property
    def by_level(self) -> dict[str, int]:
        return {lvl: sum(row.values()) for lvl, row in self.casework.by_level_station.items()}

    def file_stem(self) -> str:
        return f"hotline-{self.station}-{self.month:%Y-%m}"


async def build_monthly(session: AsyncSession, rota: RotaService, station: str, month: date,
                        now: datetime) -> MonthlyReport:
    """Every figure of `station`'s report for the local month starting `month`."""
    stored = await rota.rota()
    if station not in stored.stations:
        known = ", ".join(sorted(stored.stations)) or "none (import a rota first)"
        raise ReportError(f"station {station!r} is not in the rota: stations are {known}")
    tz = station_tz(stored, station)
    start, end = month_range(month, tz)
    work = await build_casework(session, start, end, now, station)
    local = zone(tz)
    days = Counter(r.created.astimezone(local).date() for r in work.rows)
    n_days = (next_month(month) - month).days
    per_day = [(d, days.get(d, 0)) for d in (month + timedelta(days=i) for i in range(n_days))]
    return MonthlyReport(
        station, stored.stations[station].name, tz, month, start, end, now, per_day, work,
        escalations=sum(1 for r in work.rows if r.step > 0),
        fallbacks=sum(1 for r in work.rows if r.state == "fallback"),
        ratings=await station_ratings(session, start, end, station),
        coverage=await coverage_rows(rota, start, end, station))


async def station_ratings(session: AsyncSession, start: datetime, end: datetime,
                          station: str) -> dict[str, float | int | None]:
    """1-5 ratings given in the range for chats held by someone at `station` (rating.tally)."""
    rows = (await session.execute(select(Feedback.subject, Feedback.value).where(
        Feedback.kind == rating.KIND, Feedback.at >= start, Feedback.at < end))).all()
    ids = {int(s.split(":", 1)[1]): v for s, v in rows if s and s.startswith("handoff:")
           and s.split(":", 1)[1].isdigit()}
    if not ids:
        return rating.tally([])
    here = set(await session.scalars(select(Handoff.id).join(Counselor, Counselor.id == Handoff.counselor_id)
                                     .where(Handoff.id.in_(ids), Counselor.station_id == station)))
    return rating.tally(v for hid, v in ids.items() if hid in here)


def monthly_csv(r: MonthlyReport) -> list[list[str]]:
    """The monthly figures as (section, key, value) rows."""
    out = [["section", "key", "value"], ["report", "station", r.station],
           ["report", "station_name", r.station_name],
           ["report", "month", f"{r.month:%Y-%m}"], ["report", "time_zone", r.tz],
           ["report", "start", r.start.isoformat()], ["report", "end", r.end.isoformat()]]
    out += [["handoffs_per_day", d.isoformat(), str(n)] for d, n in r.per_day]
    out += [["handoffs_by_level", lvl, str(n)] for lvl, n in r.by_level.items()]
    out += [["handoffs", "total", str(r.handoffs)], ["escalations", "count", str(r.escalations)],
            ["fallbacks", "count", str(r.fallbacks)]]
    out += casework_csv(r.casework)
    out += [["counselor_rating", k, "" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))]
            for k, v in r.ratings.items()]
    out += coverage_csv(r.coverage)
    return out


def month_name(first: date, lang: str) -> str:
    """2026年3月 in Chinese, March 2026 in English."""
    return f"{first.year}年{first.month}月" if lang == "zh" else first.strftime("%B %Y")


def monthly_html(r: MonthlyReport, lang: str = "zh") -> str:
    """The report as one HTML file with its charts inline, in `lang` (zh or en; Chinese unless told):
    the words from the staff catalog (admin.monthly.*, admin.report.*), levels and follow-up kinds
    as labels. The CSV keeps its machine-readable keys whatever the language."""
    levels = [lvl for lvl, n in r.by_level.items() if n or lvl in ("imminent", "high", "medium")]
    where = {c.place: text("admin.monthly.line", lang) if c.place == LINE else c.place for c in r.coverage}
    kinds = {k: text(key, lang) for k, key in (("scheduled", "admin.report.scheduled"),
                                                ("needed", "admin.report.needed"),
                                                ("gap", "admin.monthly.gap"))}
    charts = {
        "per_day": line_chart([d.strftime("%d") for d, _ in r.per_day], [n for _, n in r.per_day],
                              text("admin.monthly.per_day", lang)),
        "levels": bar_chart([label("level", lvl, lang) for lvl in levels],
                            [r.by_level[lvl] for lvl in levels],
                            text("admin.report.by_level", lang), classes=[f"level-{lvl}" for lvl in levels]),
        "coverage": bar_chart([f"{where[c.place]} {kinds[k]}" for c in r.coverage for k in kinds],
                              [v for c in r.coverage for v in (round(c.scheduled_h), round(c.needed_h),
                                                               round(c.gap_h))],
                              text("admin.monthly.coverage_chart", lang),
                              classes=[k for _ in r.coverage for k in kinds]),
    }
    return str(render("admin/report_monthly.html", r=r, charts=charts, levels=levels, lang=lang, line=LINE,
                      month_name=month_name(r.month, lang), dur=partial(fmt_duration, lang=lang),
                      made=r.made_at.astimezone(zone(r.tz)).strftime("%Y-%m-%d %H:%M")))
