"""The live board: every open handoff with how long it has waited, and today's accepted ones
with their time to accept. The page polls `/admin/api/board` (ids, levels and times only, never
message text) from /static/admin/board.js."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypedDict

from aiohttp import web
from sqlalchemy import select

from bot.storage.models import Counselor, Handoff
from bot.web.admin.common import fmt_duration, fmt_local
from bot.web.admin.frame import admin_page
from bot.web.auth import require_staff
from bot.web.keys import CONTAINER
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


def board_row(h: Handoff, names: dict[str, str], now: datetime) -> BoardRow:
    """One line of the board as JSON-safe values (the script and the first render share it)."""
    waited = ((h.accepted_at or now) - h.created_at).total_seconds()
    return {
        "id": h.id, "level": h.level, "state": h.state, "step": h.step + 1,
        "opened": fmt_local(h.created_at),
        "wait_s": int(waited), "wait": fmt_duration(waited),
        "accepted": h.accepted_at is not None,
        "counselor": names.get(h.counselor_id or "", ""),
        "offered_to": ", ".join(names.get(c, c) for c in (h.offered_to or [])),
        "next_step_in": fmt_duration((h.next_step_at - now).total_seconds())
        if h.next_step_at and h.state == "offered" else "",
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
    return [board_row(h, names, now) for h in open_ + taken]


COLUMNS = ("#", "Level", "State", "Step", "Opened", "Waited / time to accept", "Offered to",
           "Next step in", "Taken by")


@require_staff("handoff.board")
async def board_page(request: web.Request) -> web.Response:
    return await admin_page(request, "admin/board.html", "Live board", scripts=["/static/admin/board.js"],
                            columns=COLUMNS, rows=await board_rows(request))


@require_staff("handoff.board")
async def board_api(request: web.Request) -> web.Response:
    rows = await board_rows(request)
    return web.json_response({"rows": rows, "open": sum(1 for r in rows if not r["accepted"])},
                             headers={"Cache-Control": "no-store"})
