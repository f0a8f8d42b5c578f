"""The live board: every open handoff with how long it has waited, and today's accepted ones
with their time to accept; who the rota has on duty against who is reachable now
(board_presence.py); a link per open or held chat to assign it (board_form.py); the flood guards'
figures of the last hour (flood_figures). The page polls `/admin/api/board` (ids, levels, names
and times only, never message text) from /static/admin/board.js."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypedDict

from aiohttp import web
from sqlalchemy import select

from bot.conversation.handoffs import PAGED_REQUESTS_PER_WINDOW, UNPAGED
from bot.services.rota import RotaUnavailable
from bot.storage.models import Counselor, Handoff
from bot.web.admin.board_presence import PresenceRow, presence
from bot.web.admin.common import fmt_duration, fmt_local
from bot.web.admin.frame import admin_page
from bot.web.auth import STAFF, StaffSession, require_staff
from bot.web.flood import FLOOD
from bot.web.keys import CONTAINER
from bot.web.staff_text import label, staff_lang, text
from triage.levels import rank

OPEN_STATES = ("requested", "offered", "fallback")
RECENT = timedelta(hours=12)  # accepted handoffs stay on the board for one shift


class BoardRow(TypedDict):
    id: int
    level: str
    state: str
    step: int
    opened: str
    wait_s: int
    wait: str
    accepted: bool
    counselor: str
    offered_to: str
    next_step_in: str
    version: int
    assignable: bool  # waiting, or held and still open: the board offers "Assign"
    level_label: str  # the level and state in the page's language (never the raw code)
    state_label: str


def board_row(h: Handoff, names: dict[str, str], now: datetime, lang: str = "en") -> BoardRow:
    """One line of the board as JSON-safe values (the script and the first render share it)."""
    waited = ((h.accepted_at or now) - h.created_at).total_seconds()
    return {
        "id": h.id, "level": h.level, "state": h.state, "step": h.step + 1,
        "level_label": label("level", h.level, lang), "state_label": label("state", h.state, lang),
        "opened": fmt_local(h.created_at),
        "wait_s": int(waited), "wait": fmt_duration(waited, lang),
        "accepted": h.accepted_at is not None,
        "counselor": names.get(h.counselor_id or "", ""),
        "offered_to": ", ".join(names.get(c, c) for c in (h.offered_to or [])),
        "next_step_in": fmt_duration((h.next_step_at - now).total_seconds(), lang)
        if h.next_step_at and h.state == "offered" else "",
        "version": h.version, "assignable": h.state in (*OPEN_STATES, "active"),
    }


async def board_rows(request: web.Request) -> list[BoardRow]:
    container = request.app[CONTAINER]
    now = container.clock.now()
    async with container.uow() as uow:
        open_ = list(await uow.session.scalars(select(Handoff).where(Handoff.state.in_(OPEN_STATES))))
        taken = list(await uow.session.scalars(
            select(Handoff).where(Handoff.accepted_at >= now - RECENT).order_by(Handoff.accepted_at.desc())))
        names = {c.id: c.name for c in await uow.session.scalars(select(Counselor))}
    open_.sort(key=lambda h: (-rank(h.level), h.created_at))
    lang = await staff_lang(request)
    return [board_row(h, names, now, lang) for h in open_ + taken]


async def board_people(request: web.Request) -> list[PresenceRow]:
    """Presence against the rota escalation uses (the container's), so "on duty" here is what
    assigning checks and what the chain offers to."""
    container = request.app[CONTAINER]
    now = container.clock.now()
    async with container.uow() as uow:
        try:
            duty = await container.rota.on_duty_detail(now, uow)
        except RotaUnavailable:
            duty = []  # the page still shows who is signed in; the rota page says what is wrong
        return await presence(uow, duty, now, await staff_lang(request))


# The flood guards' figures (counts only, never an address): new_chats_refused and
# flooding_addresses (this instance's, bot/web/flood.py keeps them in memory), unpaged_requests
# (every instance's, from the database), paged_per_hour (that budget), window_min.
FloodFigures = dict[str, int]


async def flood_figures(request: web.Request) -> FloodFigures:
    """What the flood guards held back in the last hour (issue 19 finding 4): new chats refused to
    an address past its budget, and requests for a person that paged nobody (their copied policy
    says UNPAGED: read from the handoffs of the hour, not by a scan of the audit log)."""
    container = request.app[CONTAINER]
    refused = request.app[FLOOD].snapshot()
    since = container.clock.now() - timedelta(seconds=refused["window_s"])
    async with container.uow() as uow:
        policies = await uow.session.scalars(select(Handoff.policy).where(Handoff.created_at > since))
        unpaged = sum(1 for policy in policies if isinstance(policy, dict) and policy.get(UNPAGED))
    return {"new_chats_refused": refused["new_chats_refused"],
            "flooding_addresses": refused["flooding_addresses"], "unpaged_requests": unpaged,
            "paged_per_hour": PAGED_REQUESTS_PER_WINDOW, "window_min": refused["window_s"] // 60}


def flood_notice(f: FloodFigures, lang: str = "en") -> str:
    """The board's flood line, or "" when the guards held nothing back in the window."""
    if not (f["new_chats_refused"] or f["unpaged_requests"]):
        return ""
    return text("admin.flood.said", lang, refused=f["new_chats_refused"], addresses=f["flooding_addresses"],
                unpaged=f["unpaged_requests"], per_hour=f["paged_per_hour"])


COLUMNS = ("#", "admin.board.level", "admin.board.state", "admin.board.step", "admin.board.opened",
           "admin.board.waited", "admin.board.offered_to", "admin.board.next_step", "admin.board.taken_by",
           "admin.board.action")  # catalog keys
PRESENCE_COLUMNS = ("admin.col.name", "admin.board.on_duty", "admin.board.console", "admin.col.telegram",
                    "admin.board.now")


@require_staff("handoff.board")
async def board_page(request: web.Request) -> web.Response:
    staff: StaffSession = request[STAFF]
    rows, people, flood = await board_rows(request), await board_people(request), await flood_figures(request)
    lang = await staff_lang(request)
    return await admin_page(request, "admin/board.html", "admin.title.board",
                            scripts=["/static/admin/board.js"],
                            columns=COLUMNS, rows=rows, presence_columns=PRESENCE_COLUMNS, people=people,
                            can_assign=staff.can("handoff.assign"), flood=flood,
                            flood_said=flood_notice(flood, lang),
                            done=assigned_notice(request, rows, people, lang))


def assigned_notice(request: web.Request, rows: list[BoardRow], people: list[PresenceRow],
                    lang: str = "en") -> str:
    """The line after an assignment (?assigned=ID&to=COUNSELOR), said from the board as it is now."""
    hid, to_id = request.query.get("assigned", ""), request.query.get("to", "")
    to = next((p["name"] for p in people if p["id"] == to_id), "")
    row = next((r for r in rows if str(r["id"]) == hid), None)
    if row is None:
        return ""
    if row["accepted"] and row["counselor"]:
        return text("admin.board.now_with", lang, id=hid, name=row["counselor"])
    return (text("admin.board.offered", lang, id=hid, name=to) if to
            else text("admin.board.assigned", lang, id=hid))


@require_staff("handoff.board")
async def board_api(request: web.Request) -> web.Response:
    staff: StaffSession = request[STAFF]
    rows, people = await board_rows(request), await board_people(request)
    return web.json_response({"rows": rows, "open": sum(1 for r in rows if not r["accepted"]),
                              "people": people, "can_assign": staff.can("handoff.assign"),
                              "flood": await flood_figures(request)},
                             headers={"Cache-Control": "no-store"})
