"""/admin: the first screen of a shift — who is on duty now, open handoffs, the next gaps."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.web.admin.board import board_rows
from bot.web.admin.common import admin_page, fmt_local
from bot.web.admin.rota_source import RotaUnavailable, source_for
from bot.web.app import CONTAINER
from bot.web.auth import require_staff
from bot.web.layout import esc

GAP_HORIZON = timedelta(days=7)  # the same horizon as the daily coverage-gap alert


async def duty_now_html(request: web.Request) -> str:
    container = request.app[CONTAINER]
    now = container.clock.now()
    rota = source_for(container)
    try:
        # A wider span than the instant, so "until" is the shift's real end, not the span's edge.
        near = await rota.shifts(now - timedelta(days=1), now + timedelta(days=2), None)
        on = [s for s in near if s.start <= now < s.end]
        gaps = await rota.gaps(now, now + GAP_HORIZON, None)
    except RotaUnavailable as exc:
        return f'<section class="card"><h2>On duty now</h2><p class="error">{esc(str(exc))}</p></section>'
    people = "".join(f"<li><strong>{esc(s.station)}</strong>: {esc(s.name)} "
                     f'<span class="hint">until {fmt_local(s.end)} ({esc(s.layer)})</span></li>'
                     for s in sorted(on, key=lambda s: s.station)) or \
        '<li class="error">Nobody is on duty now.</li>'
    worst = "".join(f"<li>{esc(g.station)} {fmt_local(g.start)} – {fmt_local(g.end)} (−{g.missing})</li>"
                    for g in gaps[:5]) or "<li>None.</li>"
    return (f'<section class="card"><h2>On duty now</h2><ul id="on-duty">{people}</ul></section>'
            f'<section class="card"><h2>Worst gaps, next 7 days ({len(gaps)})</h2><ol>{worst}</ol>'
            '<p><a href="/admin/rota">Open the rota</a></p></section>')


@require_staff("handoff.board")
async def overview(request: web.Request) -> web.Response:
    rows = await board_rows(request)
    waiting = [r for r in rows if not r["accepted"]]
    urgent = sum(1 for r in waiting if r["level"] in ("imminent", "high"))
    board = (f'<section class="card"><h2>Open handoffs</h2><p class="big" id="open-count">{len(waiting)}</p>'
             f'<p>{urgent} high or imminent. <a href="/admin/board">Live board</a></p></section>')
    body = f'<div class="overview">{board}{await duty_now_html(request)}</div>'
    return await admin_page(request, "Dashboard", body)
