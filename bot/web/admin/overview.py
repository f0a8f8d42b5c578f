"""/admin: the first screen of a shift — who is on duty now, open handoffs, the next gaps."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.services.rota import RotaUnavailable
from bot.web.admin.board import board_rows
from bot.web.admin.calendar import Gap, Shift
from bot.web.admin.frame import admin_page
from bot.web.admin.rota_source import ROTA, calendar_gaps, named_shifts
from bot.web.auth import require_staff
from bot.web.keys import CONTAINER

GAP_HORIZON = timedelta(days=7)  # the same horizon as the daily coverage-gap alert


@require_staff("handoff.board")
async def overview(request: web.Request) -> web.Response:
    rows = await board_rows(request)
    waiting = [r for r in rows if not r["accepted"]]
    urgent = sum(1 for r in waiting if r["level"] in ("imminent", "high"))
    container = request.app[CONTAINER]
    now = container.clock.now()
    rota = request.app[ROTA]
    on_duty: list[Shift] = []
    gaps: list[Gap] = []
    rota_error = ""
    try:
        # A wider span than the instant, so "until" is the shift's real end, not the span's edge.
        near = await named_shifts(rota, now - timedelta(days=1), now + timedelta(days=2), None)
        on_duty = sorted((s for s in near if s.start <= now < s.end), key=lambda s: s.station)
        gaps = await calendar_gaps(rota, now, now + GAP_HORIZON, None)
    except RotaUnavailable as exc:
        rota_error = str(exc)
    return await admin_page(request, "admin/overview.html", "admin.title.overview", waiting=len(waiting),
                            urgent=urgent, on_duty=on_duty, gaps=gaps, rota_error=rota_error)
