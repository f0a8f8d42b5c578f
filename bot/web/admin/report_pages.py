"""Reports for a chosen range (local dates, Asia/Shanghai): figures, SVG charts, CSV export, and a
station's monthly report as a file (report_monthly.py).
Exports are audited ("export"): they take numbers, never message text, off the system."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from aiohttp import web
from markupsafe import Markup

from bot.web.admin.charts import bar_chart, line_chart
from bot.web.admin.common import FieldError, fmt_duration, local_date, today_local
from bot.web.admin.frame import admin_page
from bot.web.admin.report_casework import NO_STATION, NOT_TAKEN, Casework, build_casework, casework_csv
from bot.web.admin.report_coverage import WHOLE_LINE, CoverageRow, coverage_csv, coverage_rows
from bot.web.admin.report_monthly import build_monthly, monthly_csv, monthly_html, parse_month
from bot.web.admin.reports import LEVELS, Report, ReportError, build_report, csv_rows, local_range
from bot.web.admin.rota_source import ROTA, coverage_spans
from bot.web.auth import STAFF, StaffSession, require_staff
from bot.web.keys import CONTAINER
from bot.web.staff_text import label, staff_lang, text

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


def report_figures(r: Report, lang: str = "en", places: dict[str, str] | None = None) -> list[Figure]:
    """The report's sections in `lang` (catalog keys admin.report.*), stations by name."""
    def say(key: str, **values: object) -> str:
        return text(f"admin.report.{key}", lang, **values)

    weeks = [w.strftime("%m-%d") for w, _ in r.conversations_per_week]
    per_week = [n for _, n in r.conversations_per_week]
    levels = [lvl for lvl in r.handoffs_by_level if lvl in LEVELS or r.handoffs_by_level[lvl]]
    level_words = [label("level", lvl, lang) for lvl in levels]
    sat = r.satisfaction
    kinds = {k: label("feedback", k, lang) for k in sat}  # what was rated: a bot answer, a counselor
    places = places or {}
    stations = [places.get(st, st) for st in r.coverage_hours]
    return [
        Figure(say("per_week"), line_chart(weeks, per_week, say("per_week")),
               [(say("week_of", day=w), str(n)) for w, n in zip(weeks, per_week, strict=True)],
               say("per_week_caption")),
        Figure(say("by_level"),
               bar_chart(level_words, [r.handoffs_by_level[lvl] for lvl in levels], say("by_level"),
                         classes=[f"level-{lvl}" for lvl in levels]),
               [(w, str(r.handoffs_by_level[lvl])) for w, lvl in zip(level_words, levels, strict=True)]
               + [(say("total"), str(r.handoffs))],
               say("by_level_caption")),
        Figure(say("accept"), Markup(), [
            (say("accepted"), str(len(r.accept_times_s))),
            (say("median"), fmt_duration(r.median_accept_s, lang)),
            (say("p95"), fmt_duration(r.p95_accept_s, lang)),
            (say("escalations"), str(r.escalations)),
            (say("fallbacks"), str(r.fallbacks))], say("accept_caption")),
        Figure(say("coverage"),
               bar_chart(stations, [round(h, 1) for h in r.coverage_hours.values()], say("coverage_caption")),
               [(name, say("hours", h=f"{h:.1f}")) for name, h in zip(stations, r.coverage_hours.values(),
                                                                     strict=True)]
               or [("–", say("no_shifts"))],
               say("coverage_caption")),
        Figure(say("satisfaction"),
               bar_chart([f"{kinds[k]} +1" for k in sat] + [f"{kinds[k]} −1" for k in sat],
                         [s.up for s in sat.values()] + [s.down for s in sat.values()],
                         say("feedback_counts"), classes=["up"] * len(sat) + ["down"] * len(sat)),
               [(kinds[k], f"+1: {s.up}, −1: {s.down}"
                 + (say("helpful", share=f"{s.share_up:.0%}") if s.share_up is not None else ""))
                for k, s in sat.items()],
               say("feedback")),
        Figure(say("rated_title"), Markup(), _rating_rows(r.ratings, lang), say("rated_caption")),
    ]


def _rating_rows(t: dict[str, float | int | None], lang: str = "en") -> list[tuple[str, str]]:
    share, mean = t["satisfied_share"], t["mean"]
    return [(text("admin.report.rated", lang), str(t["rated"])),
            (text("admin.report.skipped", lang), str(t["skipped"])),
            (text("admin.report.rated_45", lang), "–" if share is None else f"{share:.0%}"),
            (text("admin.report.mean", lang), "–" if mean is None else f"{mean:.1f}")]


@dataclass(frozen=True)
class Extras:
    """Casework and coverage figures for the range, and station names for their tables."""

    casework: Casework
    coverage: list[CoverageRow]
    names: dict[str, str]


async def load_extras(request: web.Request, start: datetime, end: datetime) -> Extras:
    container, rota = request.app[CONTAINER], request.app[ROTA]
    async with container.uow() as uow:
        work = await build_casework(uow.session, start, end, container.clock.now())
    stored = await rota.rota()
    names = {sid: st.name for sid, st in stored.stations.items()}
    lang = await staff_lang(request)
    names |= {NOT_TAKEN: text("admin.report.not_taken", lang),
              NO_STATION: text("admin.report.no_station", lang),
              WHOLE_LINE: text("admin.gap.whole_line", lang)}
    return Extras(work, await coverage_rows(rota, start, end), names)


def last_month(now: datetime) -> str:
    first = today_local(now).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


async def _page(request: web.Request, monthly_error: FieldError | None = None, month: str = "",
                station: str = "") -> web.Response:
    now = request.app[CONTAINER].clock.now()
    stations = sorted((await request.app[ROTA].rota()).stations.items())
    monthly = {"month": month or last_month(now), "station": station,
               "stations": [(sid, st.name) for sid, st in stations], "error": monthly_error}
    try:
        first, last, start, end = chosen_range(request)
    except FieldError as exc:  # the range form again, as typed, with the reason beside the field
        return await admin_page(request, "admin/reports.html", "admin.title.reports", status=400,
                                first=request.query.get("from", ""), last=request.query.get("to", ""),
                                report_figures=[], range_error=exc, extras=None, monthly=monthly)
    report = await load_report(request, start, end)
    lang = await staff_lang(request)
    extras = await load_extras(request, start, end)
    return await admin_page(request, "admin/reports.html", "admin.title.reports", first=first.isoformat(),
                            last=last.isoformat(), report_figures=report_figures(report, lang, extras.names),
                            range_error=None, extras=extras, levels=LEVELS, monthly=monthly,
                            status=400 if monthly_error else 200, dur=partial(fmt_duration, lang=lang))


@require_staff("reports.view")
async def reports_page(request: web.Request) -> web.Response:
    return await _page(request)


@require_staff("reports.view", "export")
async def reports_csv(request: web.Request) -> web.Response:
    """The range's figures as CSV; with `month` and `station`, that station's monthly file instead
    (`file=html` for the HTML report)."""
    if "month" in request.query:
        return await _monthly(request)
    staff: StaffSession = request[STAFF]
    first, last, start, end = chosen_range(request)
    report = await load_report(request, start, end)
    extras = await load_extras(request, start, end)
    await _audit_export(request, staff, {"from": first.isoformat(), "to": last.isoformat()})
    name = f"hotline-report-{first.isoformat()}-{last.isoformat()}.csv"
    return _csv_response(csv_rows(report) + extra_csv_rows(extras), name)


async def _monthly(request: web.Request) -> web.Response:
    """One station's monthly report (HTML with inline charts, or CSV); a bad month or station
    brings the reports page back with the reason beside the field."""
    staff: StaffSession = request[STAFF]
    q = request.query
    month_text, station, kind = q.get("month", ""), q.get("station", ""), q.get("file", "csv")
    try:
        month = parse_month(month_text)
    except ReportError as exc:
        return await _page(request, FieldError("Month", f"{exc}."), month_text, station)
    container = request.app[CONTAINER]
    try:
        async with container.uow() as uow:
            report = await build_monthly(uow.session, request.app[ROTA], station, month,
                                         container.clock.now())
    except ReportError as exc:
        return await _page(request, FieldError("Station", f"{exc}."), month_text, station)
    await _audit_export(request, staff, {"month": month_text, "station": station,
                                         "file": "html" if kind == "html" else "csv"})
    if kind == "html":
        html = monthly_html(report, await staff_lang(request))
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers={
            "Content-Disposition": f'attachment; filename="{report.file_stem()}.html"'})
    return _csv_response(monthly_csv(report), f"{report.file_stem()}.csv")


async def _audit_export(request: web.Request, staff: StaffSession, detail: dict[str, str]) -> None:
    container = request.app[CONTAINER]
    async with container.uow() as uow:
        await uow.audit.append(staff.counselor_id, "export", "reports", container.clock.now(), detail)
        await uow.commit()


def _csv_response(rows: list[list[str]], name: str) -> web.Response:
    buf = io.StringIO()
    csv.writer(buf).writerows([[safe_cell(c) for c in row] for row in rows])
    return web.Response(text=buf.getvalue(), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def extra_csv_rows(x: Extras) -> list[list[str]]:
    """Handoffs by level and station, accept times per level, follow-ups, coverage against demand."""
    return casework_csv(x.casework) + coverage_csv(x.coverage)


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
