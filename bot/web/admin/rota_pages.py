"""The rota page (/admin/rota: week or month calendar, gaps, swaps, overrides, leave) and the
POST handlers that change it through the rota service (bot/services/rota.py), which writes each
change and its audit entry in one transaction; each POST answers with a redirect back to the view
it came from (post/redirect/get)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

from aiohttp import web

from bot.conversation.ports import RotaRefused
from bot.events import Event
from bot.services.rota import RotaService, RotaUnavailable
from bot.services.rota_edits import last_change
from bot.services.rota_requests import RotaRequests
from bot.storage.uow import UnitOfWork
from bot.web.admin import calendar as cal
from bot.web.admin.common import NOTICES, local_date, monday_of, read_local, today_local
from bot.web.admin.frame import admin_page
from bot.web.admin.rota_source import ROTA, calendar_clashes, calendar_gaps, named_shifts
from bot.web.admin.rota_words import need_words
from bot.web.auth import STAFF, StaffSession, require_staff
from bot.web.keys import CONTAINER
from bot.web.staff_text import request_lang, text
from scheduling.when import MAX_YEAR, MIN_YEAR, WhenError

MAX_SPAN = timedelta(days=62)  # an override, swap or leave longer than two months is a typo
GAP_LIMIT = 12  # gaps listed beside the calendar; the rest are counted
# Asia/Shanghai wall-clock times, read by scheduling.when; the picker keeps to the years it accepts.
PICKER_BOUNDS = (f"{MIN_YEAR}-01-01T00:00", f"{MAX_YEAR}-12-31T23:59")


def view_window(view: str, day: date) -> tuple[date, datetime, datetime]:
    """The first day shown and the [start, end) of the week or month containing `day`."""
    if view == "month":
        first = day.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return first, cal.local_midnight(first), cal.local_midnight(nxt)
    monday = monday_of(day)
    return monday, cal.local_midnight(monday), cal.local_midnight(monday + timedelta(days=7))


@dataclass(frozen=True)
class CalendarNav:
    label: str
    prev: str
    next: str
    switch: str  # the same first day in the other view
    other: str  # "week" or "month"


def nav_links(view: str, first: date, station: str, lang: str = "en") -> CalendarNav:
    if view == "month":
        prev, nxt = (first - timedelta(days=1)).replace(day=1), (first + timedelta(days=32)).replace(day=1)
        label = first.strftime("%B %Y") if lang == "en" else text("admin.rota.month_of", lang, y=first.year,
                                                                   m=first.month)
    else:
        prev, nxt = first - timedelta(days=7), first + timedelta(days=7)
        label = text("admin.rota.week_of", lang, day=first.isoformat())

    def href(d: date, v: str = view) -> str:
        return "/admin/rota?" + urlencode({"view": v, "date": d.isoformat(), "station": station})

    other = "week" if view == "month" else "month"
    return CalendarNav(label, href(prev), href(nxt), href(first, other), other)


@dataclass(frozen=True)
class FailedForm:
    """A form that was not saved: shown open again with what was typed and the reason beside
    the field it is about."""

    form: str  # overrides | swaps | leave
    field: str
    message: str
    typed: dict[str, str]


@require_staff("rota.edit")
async def rota_page(request: web.Request) -> web.Response:
    return await render_rota(request, request.query, request.path_qs)


async def render_rota(request: web.Request, query: Mapping[str, str], back: str,
                      failed: FailedForm | None = None) -> web.Response:
    """The rota in the view `query` asks for; `back` is where its forms return to."""
    container = request.app[CONTAINER]
    lang = await request_lang(request, request[STAFF].counselor_id)
    view = "month" if query.get("view") == "month" else "week"
    day = local_date(query.get("date"), today_local(container.clock.now()))
    station = query.get("station", "")
    first, start, end = view_window(view, day)
    rota = request.app[ROTA]
    status = 200 if failed is None else 400
    try:
        stations = await rota.stations()
        shifts = await named_shifts(rota, start, end, station or None)
        gaps = await calendar_gaps(rota, start, end, station or None)
        clashes = await calendar_clashes(rota, start, end, station or None)
        swaps, people = await rota.swaps(pending_only=True), await rota.counselors()
        approved = [w for w in await rota.swaps(pending_only=False)
                    if w.state == "approved" and w.start < end and w.end > start]
        overrides, leave = await rota.overrides(start, end), await rota.leave(start, end)
        async with container.uow() as uow:  # asked for from the console (bot/web/console_rota.py)
            leave_requests = await RotaRequests(rota).pending_leave(uow)
    except RotaUnavailable as exc:
        return await admin_page(request, "admin/rota.html", "admin.title.rota", status=status,
                                rota_error=str(exc), failed=failed, leave_requests=[])
    grid = (cal.month_grid(first.year, first.month, shifts, gaps, not station, clashes, lang)
            if view == "month"
            else cal.week_grid(first, shifts, gaps, not station, clashes, container.clock.now(), lang))
    done = "" if failed or query.get("done") not in NOTICES else f"admin.done.rota.{query['done']}"
    async with container.uow() as uow:
        last = await last_change(uow)
    needs = [need_words(n, dict(stations), lang) for n in rota.needs()]
    return await admin_page(request, "admin/rota.html", "admin.title.rota", status=status, rota_error="",
                            done=done, view=view, day=day.isoformat(), station=station, stations=stations,
                            nav=nav_links(view, first, station, lang), grid=grid, gaps=gaps,
                            gap_limit=GAP_LIMIT, back=back, bounds=PICKER_BOUNDS, swaps=swaps, people=people,
                            approved=approved, overrides=overrides, leave=leave, failed=failed,
                            needs=needs, clashes=clashes, last=last, leave_requests=leave_requests)


# ---- changes -----------------------------------------------------------------------------------
def safe_back(form: dict[str, str]) -> str:
    """The page a form came from: only local /admin/rota paths."""
    back = form.get("back", "")
    return back if back.startswith("/admin/rota") and not back.startswith("//") else "/admin/rota"


def back_to(form: dict[str, str], done: str) -> web.HTTPSeeOther:
    """Redirect to the page the form came from, with a notice."""
    base = safe_back(form).split("&done=")[0].split("?done=")[0]
    sep = "&" if "?" in base else "?"
    return web.HTTPSeeOther(f"{base}{sep}done={done}")


async def read_form(request: web.Request) -> dict[str, str]:
    data = await request.post()
    return {k: v for k, v in data.items() if isinstance(v, str)}


class FormError(Exception):
    """A value typed into a rota form that cannot be used; `field` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


async def form_again(request: web.Request, form: dict[str, str], which: str,
                     exc: FormError) -> web.Response:
    """A 400 answer that is the rota page again, with this form open, filled in as it was sent,
    and the reason beside the field; nothing was saved."""
    back = safe_back(form)
    query = {k: v[-1] for k, v in parse_qs(urlsplit(back).query).items()}
    return await render_rota(request, query, back, FailedForm(which, exc.field, exc.message, form))


def read_time(form: dict[str, str], name: str, now: datetime, end: bool = False) -> datetime:
    try:
        return read_local(form.get(name, ""), now, end)
    except WhenError as exc:
        raise FormError(name, f"{exc}.") from None


def span_from(form: dict[str, str], now: datetime) -> tuple[datetime, datetime]:
    """From and To of a form; a date alone as To includes that day, as on the command line."""
    start, end = read_time(form, "start", now), read_time(form, "end", now, end=True)
    if end <= start:
        raise FormError("end", "The end must be after the start.")
    if end - start > MAX_SPAN:
        raise FormError("end", "That span is longer than two months: check the dates.")
    return start, end


def need(form: dict[str, str], *names: str) -> list[str]:
    values = [form.get(n, "").strip() for n in names]
    for name, value in zip(names, values, strict=True):
        if not value:
            raise FormError(name, "Fill in this field.")
    return values


Change = Callable[[UnitOfWork, RotaService, str, datetime], Awaitable[object]]


async def apply_change(request: web.Request, do: Change) -> str | None:
    """Run one rota change (the rota service writes its audit entry in the same transaction) and
    tell the bot's rota after commit; returns the reason when the rota refused it (nothing saved)."""
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    now = container.clock.now()
    refusal: RotaRefused | None = None
    async with container.uow() as uow:
        try:
            await do(uow, request.app[ROTA], staff.counselor_id, now)
            await uow.commit()
        except RotaRefused as exc:
            refusal = exc  # rolled back as the unit of work closes, before the page is drawn
        except RotaUnavailable as exc:
            raise web.HTTPConflict(text=str(exc)) from None
    if refusal is not None:
        request.app[ROTA].invalidate()
        return refusal.reason
    # After commit: the bot's own rota service drops its compiled schedule, and notices the
    # change wrote (a swap decided: both people hear it) leave now rather than at the next poll.
    container.events.publish(Event("rota.changed"))
    container.dispatcher.wake()
    return None


async def change(request: web.Request, do: Change,
                 refused_form: tuple[dict[str, str], str, str] | None = None) -> web.Response | None:
    """`apply_change`; a refusal becomes a 409 page, or with `refused_form` (form, which, field)
    that form again, filled in, with the reason beside the field. None when the change was saved."""
    reason = await apply_change(request, do)
    if reason is None:
        return None
    if refused_form is None:
        raise web.HTTPConflict(text=reason)
    form, which, field = refused_form
    page = await form_again(request, form, which, FormError(field, reason))
    page.set_status(409)  # the values were readable; the rota refused the change
    return page


@require_staff("rota.override")
async def add_override(request: web.Request) -> web.Response:
    form = await read_form(request)
    try:
        who, station = need(form, "counselor_id", "station")
        start, end = span_from(form, request.app[CONTAINER].clock.now())
    except FormError as exc:
        return await form_again(request, form, "overrides", exc)
    refused = await change(request, lambda uow, rota, by, now: rota.add_override(uow, who, station, start,
                                                                                 end, by, now),
                           (form, "overrides", "counselor_id"))
    if refused is not None:
        return refused
    raise back_to(form, "override")


@require_staff("rota.override")
async def delete_override(request: web.Request) -> web.Response:
    form = await read_form(request)
    oid = request.match_info["override_id"]
    await change(request, lambda uow, rota, by, now: rota.delete_override(uow, oid, by, now))
    raise back_to(form, "override-deleted")


@require_staff("rota.swap_approve")
async def decide_swap(request: web.Request) -> web.Response:
    form = await read_form(request)
    verdict, sid = request.match_info["verdict"], request.match_info["swap_id"]
    approve = verdict == "approve"
    await change(request, lambda uow, rota, by, now: rota.decide_swap(uow, sid, approve, by, now))
    raise back_to(form, f"swap-{verdict}")


@require_staff("rota.swap_approve")
async def create_swap(request: web.Request) -> web.Response:
    form = await read_form(request)
    try:
        requester, other, station = need(form, "requester", "other", "station")
        if requester == other:
            raise FormError("other", "A swap needs two different people: pick another.")
        start, end = span_from(form, request.app[CONTAINER].clock.now())
    except FormError as exc:
        return await form_again(request, form, "swaps", exc)
    refused = await change(request, lambda uow, rota, by, now: rota.create_swap(
        uow, requester, other, station, start, end, by, now),
                           (form, "swaps", "requester"))
    if refused is not None:
        return refused
    raise back_to(form, "swap-created")


@require_staff("rota.edit")
async def add_leave(request: web.Request) -> web.Response:
    form = await read_form(request)
    try:
        (who,) = need(form, "counselor_id")
        start, end = span_from(form, request.app[CONTAINER].clock.now())
    except FormError as exc:
        return await form_again(request, form, "leave", exc)
    await change(request, lambda uow, rota, by, now: rota.add_leave(uow, who, start, end, by, now))
    raise back_to(form, "leave")


@require_staff("rota.edit")
async def delete_leave(request: web.Request) -> web.Response:
    form = await read_form(request)
    lid = request.match_info["leave_id"]
    await change(request, lambda uow, rota, by, now: rota.delete_leave(uow, lid, by, now))
    raise back_to(form, "leave-deleted")
