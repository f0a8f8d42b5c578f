"""My shifts in the console (issue 16 item 13, issue 17 item 5): `/console/shifts` shows the logged-in
counselor's own duty for four weeks (times in the station's time zone), the swaps and leave they
asked for or were asked, and their calendar feed; its forms ask a colleague to take a shift, agree
to a colleague's swap, ask for leave, and make or revoke the feed. `/ical/<token>.ics` is the feed
itself (no login: the token is the secret). `/admin/rota/leave-requests/...` is where a coordinator
decides leave asked for here.

Handlers read the form, call bot/services/rota_requests.py or ical.py in one unit of work (audited
there) and answer with a redirect (post/redirect/get); a form that cannot be used comes back as a
400 page with what was typed and the reason beside the field. Only the counselor themself is ever
shown: every read is of `request[STAFF]`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.conversation.ports import RotaRefused
from bot.services import ical
from bot.services.rota_requests import MAX_REASON, MyRequest, MyShift, RequestRefused, RotaRequests, home_tz
from bot.storage.uow import UnitOfWork
from bot.web.admin.rota_pages import apply_change, back_to, read_form
from bot.web.admin.rota_source import ROTA
from bot.web.auth import STAFF, StaffSession, require_staff
from bot.web.keys import CONTAINER
from bot.web.layout import staff_page
from bot.web.staff_catalog.shifts import TEXT
from bot.web.staff_text import request_lang

PAGE = "/console/shifts"
ASK = "swap.request"  # counselors and coordinators ask for swaps and leave (bot/security/roles.py)


@dataclass(frozen=True)
class Failed:
    form: str  # swap | leave
    field: str
    message: str
    typed: dict[str, str]


@dataclass(frozen=True)
class ShiftLine:
    key: str
    day: str
    hours: str
    tz: str
    station: str
    role: str
    asked: str = ""  # a swap of this shift I asked for and nobody decided yet: its state in words


@dataclass(frozen=True)
class RequestLine:
    id: str
    kind: str
    what: str
    when: str
    state: str
    can_answer: bool
    can_withdraw: bool = False


async def words(request: web.Request) -> dict[str, str]:
    """The page's words (staff_catalog/shifts.py) in the request's language, keyed without `shifts.`."""
    staff: StaffSession = request[STAFF]
    lang = await request_lang(request, staff.counselor_id)
    return {key.removeprefix("shifts."): pair[lang == "en"] for key, pair in TEXT.items()}


def refusal(exc: RotaRefused, w: dict[str, str]) -> str:
    """A refusal in the page's words (the English reason where no words are kept for it)."""
    if isinstance(exc, RequestRefused) and f"err.{exc.key}" in w:
        return w[f"err.{exc.key}"].format(**exc.values)
    return exc.reason


def shift_line(s: MyShift, w: dict[str, str], mine: list[MyRequest]) -> ShiftLine:
    asked = next((r for r in mine if r.kind == "swap" and not r.asked_of_me and r.start == s.start
                  and r.station == s.station and r.state in ("requested", "accepted")), None)
    over = f" (+{(s.end.date() - s.start.date()).days})" if s.end.date() != s.start.date() else ""
    day = f"{w[f'wd.{s.start.weekday()}']} {s.start:%Y-%m-%d}"
    return ShiftLine(s.key, day, f"{s.start:%H:%M}–{s.end:%H:%M}{over}", s.tz, s.station,
                     w.get(f"layer.{s.layer}", s.layer),
                     w[f"state.swap.{asked.state}"].format(other=asked.other) if asked else "")


def request_line(r: MyRequest, tz: ZoneInfo, w: dict[str, str]) -> RequestLine:
    start, end = r.start.astimezone(tz), r.end.astimezone(tz)
    state = w.get(f"state.{r.kind}.{r.state}", r.state).format(other=r.other)
    if r.kind == "leave":
        last = end - timedelta(seconds=1)
        return RequestLine(r.id, "leave", r.reason or "–", f"{start:%Y-%m-%d} – {last:%Y-%m-%d}", state,
                           False, r.state == "requested")
    what = w["swap_of_me" if r.asked_of_me else "swap_mine"].format(other=r.other, station=r.station)
    days = (end.date() - start.date()).days
    when = f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}" + (f" (+{days})" if days else "")
    pending = r.state in ("requested", "accepted")
    return RequestLine(r.id, "swap", what, when, state, r.asked_of_me and r.state == "requested",
                       pending and not r.asked_of_me)


async def render(request: web.Request, failed: Failed | None = None, feed_url: str = "") -> web.Response:
    """The page for the logged-in counselor (400 with `failed`'s form open and filled in)."""
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    now = container.clock.now()
    requests = RotaRequests(request.app[ROTA])
    rota = await request.app[ROTA].rota()
    tz = home_tz(rota, staff.counselor_id)
    async with container.uow() as uow:
        shifts = await requests.my_shifts(staff.counselor_id, now, uow)
        mine = await requests.my_requests(uow, staff.counselor_id)
        feed_since = await ical.feed_since(uow, staff.counselor_id)
    w = await words(request)
    done = "" if failed else w.get(f"done.{request.query.get('done', '')}", "")
    today = now.astimezone(tz).date().isoformat()
    return await staff_page(request, "console_shifts.html", "shifts.title",
                            styles=["/static/console_shifts.css"],
                            status=200 if failed is None else 400, w=w, done=done, failed=failed,
                            shifts=[shift_line(s, w, mine) for s in shifts],
                            requests=[request_line(r, tz, w) for r in mine],
                            colleagues=await requests.colleagues(staff.counselor_id), today=today,
                            tz=str(tz), max_reason=MAX_REASON, feed_url=feed_url,
                            feed_since=f"{feed_since.astimezone(tz):%Y-%m-%d %H:%M}" if feed_since else "")


@require_staff(ASK)
async def shifts_page(request: web.Request) -> web.Response:
    return await render(request)


Act = Callable[[UnitOfWork, RotaRequests, str, datetime], Awaitable[object]]


async def run(request: web.Request, form: dict[str, str], which: str, act: Act) -> web.Response:
    """Do one request in a unit of work; a refusal re-draws the page with the form as typed (400),
    nothing saved. After commit the outbox sends the notices the request wrote."""
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    async with container.uow() as uow:
        try:
            await act(uow, RotaRequests(request.app[ROTA]), staff.counselor_id, container.clock.now())
            await uow.commit()
        except RotaRefused as exc:
            field = exc.field if isinstance(exc, RequestRefused) else ""
            return await render(request, Failed(which, field, refusal(exc, await words(request)), form))
    container.dispatcher.wake()
    raise web.HTTPSeeOther(f"{PAGE}?done={which}")


@require_staff(ASK)
async def ask_swap(request: web.Request) -> web.Response:
    form = await read_form(request)
    shift, other = form.get("shift", ""), form.get("other", "")
    return await run(request, form, "swap",
                     lambda uow, rq, who, now: rq.ask_swap(uow, who, shift, other, now))


@require_staff(ASK)
async def answer_swap(request: web.Request) -> web.Response:
    """A colleague's swap asked of me: agree or decline."""
    form = await read_form(request)
    sid, agree = request.match_info["swap_id"], request.match_info["answer"] == "agree"
    return await run(request, form, request.match_info["answer"],
                     lambda uow, rq, who, now: rq.answer_swap(uow, who, sid, agree, now))


@require_staff(ASK)
async def withdraw(request: web.Request) -> web.Response:
    form = await read_form(request)
    kind, rid = request.match_info["kind"], request.match_info["request_id"]
    return await run(request, form, "withdraw",
                     lambda uow, rq, who, now: rq.withdraw(uow, who, kind, rid, now))


def read_day(form: dict[str, str], name: str) -> date:
    try:
        return date.fromisoformat(form.get(name, "").strip())
    except ValueError:
        raise RequestRefused(name, "bad_day", "Pick a date (year-month-day).") from None


@require_staff(ASK)
async def ask_leave(request: web.Request) -> web.Response:
    """Leave from the first day's start to the end of the last day, in the counselor's station's time."""
    form = await read_form(request)
    staff: StaffSession = request[STAFF]
    tz = home_tz(await request.app[ROTA].rota(), staff.counselor_id)
    w = await words(request)
    try:
        first, last = read_day(form, "start"), read_day(form, "end")
    except RequestRefused as exc:
        return await render(request, Failed("leave", exc.field, refusal(exc, w), form))
    start = datetime.combine(first, datetime.min.time(), tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz)
    if last < first:  # said in days: the service's "end after start" speaks of times
        return await render(request, Failed("leave", "end", w["err.end_before_start"], form))
    reason = form.get("reason", "").strip()
    return await run(request, form, "leave",
                     lambda uow, rq, who, now: rq.ask_leave(uow, who, start, end, reason, now))


@require_staff(ASK)
async def make_feed(request: web.Request) -> web.Response:
    """A new calendar URL (the old one stops working); shown once, on this answer."""
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    async with container.uow() as uow:
        token = await ical.new_feed(uow, staff.counselor_id, container.clock.now())
        await uow.commit()
    url = f"{request.scheme}://{request.host}/ical/{token}.ics"
    page = await render(request, feed_url=url)
    page.headers["Cache-Control"] = "no-store"
    return page


@require_staff(ASK)
async def revoke_feed(request: web.Request) -> web.Response:
    staff: StaffSession = request[STAFF]
    container = request.app[CONTAINER]
    async with container.uow() as uow:
        await ical.revoke_feed(uow, staff.counselor_id, container.clock.now())
        await uow.commit()
    raise web.HTTPSeeOther(f"{PAGE}?done=feed-revoked")


async def feed(request: web.Request) -> web.Response:
    """The calendar feed: public, the token is the proof; 404 for any token not live now."""
    container = request.app[CONTAINER]
    now = container.clock.now()
    async with container.uow() as uow:
        who = await ical.feed_owner(uow, request.match_info["token"])
        person = await uow.counselors.get(who) if who else None
    if person is None or not person.active:
        raise web.HTTPNotFound(text="No such calendar: make a new link on the console's My shifts page.")
    events = await ical.duty_events(request.app[ROTA], person.id, now)
    body = ical.calendar(f"hotline: {person.name}", events, now)
    return web.Response(body=body, content_type="text/calendar", charset="utf-8",
                        headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"})


@require_staff("rota.edit")
async def decide_leave(request: web.Request) -> web.Response:
    """A coordinator's verdict on a leave request (from the approval queue on /admin/rota)."""
    form = await read_form(request)
    rid, approve = request.match_info["request_id"], request.match_info["verdict"] == "approve"
    reason = await apply_change(request, lambda uow, rota, by, now: RotaRequests(rota).decide_leave(
        uow, rid, approve, by, now))
    if reason is not None:
        raise web.HTTPConflict(text=f"{reason}. Go back to the rota page.")
    raise back_to(form, f"leave-request-{request.match_info['verdict']}")


async def pending_leave(request: web.Request) -> list[MyRequest]:
    """The leave requests waiting for a coordinator, for the /admin/rota approval queue."""
    async with request.app[CONTAINER].uow() as uow:
        return await RotaRequests(request.app[ROTA]).pending_leave(uow)


def register(app: web.Application) -> None:
    r = app.router
    r.add_get(PAGE, shifts_page)
    r.add_post(f"{PAGE}/swap", ask_swap)
    r.add_post(f"{PAGE}/swaps/{{swap_id}}/{{answer:agree|decline}}", answer_swap)
    r.add_post(f"{PAGE}/leave", ask_leave)
    r.add_post(f"{PAGE}/{{kind:swap|leave}}/{{request_id}}/withdraw", withdraw)
    r.add_post(f"{PAGE}/calendar", make_feed)
    r.add_post(f"{PAGE}/calendar/revoke", revoke_feed)
    r.add_get("/ical/{token:[A-Za-z0-9_-]{1,128}}.ics", feed)
    r.add_post("/admin/rota/leave-requests/{request_id}/{verdict:approve|decline}", decide_leave)
