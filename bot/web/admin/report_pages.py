"""Reports for a chosen range (local dates, Asia/Shanghai): figures, SVG charts, CSV export.
The export is audited ("export"): it takes numbers, never message text, off the system."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aiohttp import web
from markupsafe import Markup

from bot.web.admin.charts import bar_chart, line_chart
from bot.web.admin.common import FieldError, fmt_duration, local_date, today_local
from bot.web.admin.frame import admin_page
from bot.web.admin.reports import LEVELS, Report, ReportError, build_report, csv_rows, local_range
from bot.web.admin.rota_source import ROTA, coverage_spans
from bot.web.auth import STAFF, StaffSession, require_staff
from bot.web.keys import CONTAINER

DEFAULT_WEEKS = 4
MAX_DAYS = 366  # a year at most: the queries stay quick and the week chart readable


def chosen_range(request: web.Request) -> tuple[date, date, datetime, datetime]:
    now = request.app[CONTAINER].clock.now()
    today = today_local(now)
    # A bad value is a 400 naming the field and the forms (scheduling.when); the end day is inclusive.
    first = local_date(request.query.get("from"), today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1),
                       "From", now)
    last = local_date(request.query.get("to"), today, "To", now)
    try:
        start, end = local_range(first, last)
    except ReportError as exc:
        raise FieldError("To", f"{str(exc).rstrip('.')}.") from None
    if (last - first).days >= MAX_DAYS:
        raise FieldError("To", f"Pick a range of at most {MAX_DAYS} days.")
    return first, last, start, end


async def load_report(request: web.Request, start: datetime, end: datetime) -> Report:
    container = request.app[CONTAINER]
    coverage = await coverage_spans(request.app[ROTA], start, end)
    async with container.uow() as uow:
        return await build_report(uow.session, start, end, coverage)


@dataclass(frozen=True)
class Figure:
    """One report section: a chart (or none) and the same numbers as a table."""

    title: str
    chart: Markup
    rows: list[tuple[str, str]]
    caption: str


def report_figures(r: Report) -> list[Figure]:
    weeks = [w.strftime("%m-%d") for w, _ in r.conversations_per_week]
    per_week = [n for _, n in r.conversations_per_week]
    levels = [lvl for lvl in r.handoffs_by_level if lvl in LEVELS or r.handoffs_by_level[lvl]]
    sat = r.satisfaction
    return [
        Figure("Conversations per week", line_chart(weeks, per_week, "Conversations per week"),
               [(f"week of {w}", str(n)) for w, n in zip(weeks, per_week, strict=True)],
               "Conversations per week (Monday, Beijing time)"),
        Figure("Handoffs by risk level",
               bar_chart(levels, [r.handoffs_by_level[lvl] for lvl in levels], "Handoffs by risk level",
                         classes=[f"level-{lvl}" for lvl in levels]),
               [(lvl, str(r.handoffs_by_level[lvl])) for lvl in levels] + [("total", str(r.handoffs))],
               "Handoffs by level"),
        Figure("Time to accept", Markup(), [
            ("accepted handoffs", str(len(r.accept_times_s))),
            ("median", fmt_duration(r.median_accept_s)),
            ("95th percentile", fmt_duration(r.p95_accept_s)),
            ("escalations (past the first step)", str(r.escalations)),
            ("fallbacks (chain ended unanswered)", str(r.fallbacks))], "Time to accept, escalations"),
        Figure("Coverage hours",
               bar_chart(list(r.coverage_hours), [round(h, 1) for h in r.coverage_hours.values()],
                         "Scheduled hours per station"),
               [(st, f"{h:.1f} h") for st, h in r.coverage_hours.items()] or [("–", "no shifts")],
               "Scheduled hours per station"),
        Figure("Satisfaction",
               bar_chart([f"{k} +1" for k in sat] + [f"{k} −1" for k in sat],
                         [s.up for s in sat.values()] + [s.down for s in sat.values()], "Feedback counts",
                         classes=["up"] * len(sat) + ["down"] * len(sat)),
               [(k, f"+1: {s.up}, −1: {s.down}" + (f" ({s.share_up:.0%} helpful)" if s.share_up is not None
                                                   else "")) for k, s in sat.items()],
               "Feedback"),
        Figure("Counselor chats rated", Markup(), _rating_rows(r.ratings),
               "Residents' 1-5 rating after a counselor's chat (asked once, skippable)"),
    ]


def _rating_rows(t: dict[str, float | int | None]) -> list[tuple[str, str]]:
    share, mean = t["satisfied_share"], t["mean"]
    return [("rated", str(t["rated"])), ("skipped", str(t["skipped"])),
            ("rated 4 or 5", "–" if share is None else f"{share:.0%}"),
            ("mean", "–" if mean is None else f"{mean:.1f}")]


@require_staff("reports.view")
async def reports_page(request: web.Request) -> web.Response:
    try:
        first, last, start, end = chosen_range(request)
    except FieldError as exc:  # the range form again, as typed, with the reason beside the field
        return await admin_page(request, "admin/reports.html", "Reports", status=400,
                                first=request.query.get("from", ""), last=request.query.get("to", ""),
                                report_figures=[], range_error=exc)
    report = await load_report(request, start, end)
    return await admin_page(request, "admin/reports.html", "Reports", first=first.isoformat(),
                            last=last.isoformat(), report_figures=report_figures(report), range_error=None)


@require_staff("reports.view", "export")
async def reports_csv(request: web.Request) -> web.Response:
    staff: StaffSession = request[STAFF]
    first, last, start, end = chosen_range(request)
    report = await load_report(request, start, end)
    container = request.app[CONTAINER]
    async with container.uow() as uow:
        await uow.audit.append(staff.counselor_id, "export", "reports", container.clock.now(),
                               {"from": first.isoformat(), "to": last.isoformat()})
        await uow.commit()
    buf = io.StringIO()
    csv.writer(buf).writerows([[safe_cell(c) for c in row] for row in csv_rows(report)])
    name = f"hotline-report-{first.isoformat()}-{last.isoformat()}.csv"
    return web.Response(text=buf.getvalue(), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def safe_cell(value: str) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @, a tab or a carriage return is
    read as text (OWASP CSV injection list). Station names come from people, so they could start
    with one."""
    if value and value[0] in "=+-@\t\r" and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
