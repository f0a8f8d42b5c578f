"""The live board: every open handoff with how long it has waited, and today's accepted ones
with their time to accept. The page polls `/admin/api/board` (ids, levels and times only, never
message text) from /static/admin/board.js."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import select

from bot.storage.models import Counselor, Handoff
from bot.web.admin.common import admin_page, fmt_duration, fmt_local
from bot.web.app import CONTAINER
from bot.web.auth import require_staff

OPEN_STATES = ("requested", "offered", "fallback")
LEVEL_RANK = {"imminent": 4, "high": 3, "medium": 2, "low": 1, "none": 0}
RECENT = timedelta(hours=12)  # accepted handoffs stay on the board for one shift


def board_row(h: Handoff, names: dict[str, str], now: datetime) -> dict[str, Any]:
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


async def board_rows(request: web.Request) -> list[dict[str, Any]]:
    container = request.app[CONTAINER]
    now = container.clock.now()
    async with container.uow() as uow:
        open_ = list(await uow.session.scalars(select(Handoff).where(Handoff.state.in_(OPEN_STATES))))
        taken = list(await uow.session.scalars(
            select(Handoff).where(Handoff.accepted_at >= now - RECENT).order_by(Handoff.accepted_at.desc())))
        names = {c.id: c.name for c in await uow.session.scalars(select(Counselor))}
    open_.sort(key=lambda h: (-LEVEL_RANK.get(h.level, 0), h.created_at))
    return [board_row(h, names, now) for h in open_ + taken]


COLUMNS = ("#", "Level", "State", "Step", "Opened", "Waited / time to accept", "Offered to",
           "Next step in", "Taken by")


def rows_html(rows: list[dict[str, Any]]) -> str:
    from bot.web.layout import esc

    if not rows:
        return f'<tr><td colspan="{len(COLUMNS)}" class="empty">No open handoffs.</td></tr>'
    out = []
    for r in rows:
        cells = (r["id"], r["level"], r["state"], r["step"], r["opened"], r["wait"], r["offered_to"],
                 r["next_step_in"], r["counselor"])
        cls = f'level-{r["level"]}' + (" taken" if r["accepted"] else "")
        out.append(f'<tr class="{esc(cls)}">' + "".join(f"<td>{esc(str(c))}</td>" for c in cells) + "</tr>")
    return "".join(out)


@require_staff("handoff.board")
async def board_page(request: web.Request) -> web.Response:
    rows = await board_rows(request)
    head = "".join(f'<th scope="col">{c}</th>' for c in COLUMNS)
    body = ('<p class="hint">Updates every few seconds. Open handoffs first (highest risk, longest '
            'waiting), then those accepted in the last 12 hours.</p>'
            '<p id="board-status" class="hint" role="status" aria-live="polite"></p>'
            f'<table class="grid board" id="board"><thead><tr>{head}</tr></thead>'
            f'<tbody id="board-rows">{rows_html(rows)}</tbody></table>')
    return await admin_page(request, "Live board", body, scripts=["/static/admin/board.js"])


@require_staff("handoff.board")
async def board_api(request: web.Request) -> web.Response:
    rows = await board_rows(request)
    return web.json_response({"rows": rows, "open": sum(1 for r in rows if not r["accepted"])},
                             headers={"Cache-Control": "no-store"})
