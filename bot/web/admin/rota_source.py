"""The dashboard's way to the rota: bot.services.rota.RotaService, the one the bot and the CLI
use (storage, gaps against config/demand.yaml, audited changes), kept at `request.app[ROTA]`;
and the calendar's view of what it returns (shifts with names, gaps).

The dashboard reads the stored rota (never a cache), so what a coordinator sees is what was
saved; after a change the page publishes "rota.changed" and the bot's own instance recompiles.
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.services.rota import RotaService
from bot.web.admin.calendar import WHOLE_LINE, Clash, Gap, Shift
from scheduling.demand import LINE

ROTA = web.AppKey("admin_rota", RotaService)
Spans = list[tuple[str, datetime, datetime]]


async def named_shifts(rota: RotaService, start: datetime, end: datetime, station: str | None) -> list[Shift]:
    """Who is on duty in [start, end), with names; raises RotaUnavailable when no rota is stored."""
    stored = await rota.stored()
    names = {c.id: c.name for c in stored.counselors.values()}
    places = {s.id: s.name for s in stored.stations.values()}
    return [Shift(d.station, d.counselor, names.get(d.counselor, d.counselor), d.start, d.end, d.layer.value,
                  places.get(d.station, d.station))
            for d in await rota.shifts(start, end, station)]


async def calendar_gaps(rota: RotaService, start: datetime, end: datetime, station: str | None) -> list[Gap]:
    """Coverage gaps in [start, end) with the demand profile applied, worst first; places by name."""
    places = {s.id: s.name for s in (await rota.stored()).stations.values()}
    return [Gap(WHOLE_LINE if g.station == LINE else places.get(g.station, g.station), g.start, g.end,
                g.missing, g.language, g.what().replace(f" at {g.station}", f" at {places.get(g.station)}"),
                g.staffed)
            for g in await rota.coverage_gaps(start, end, station)]


async def calendar_clashes(rota: RotaService, start: datetime, end: datetime,
                           station: str | None) -> list[Clash]:
    """People on duty at two stations at once in [start, end), with names."""
    stored = await rota.stored()
    names = {c.id: c.name for c in stored.counselors.values()}
    places = {s.id: s.name for s in stored.stations.values()}
    return [Clash(c.counselor, names.get(c.counselor, c.counselor),
                  tuple(places.get(s, s) for s in c.stations), c.start, c.end)
            for c in await rota.conflicts(start, end, station)]


async def coverage_spans(rota: RotaService, start: datetime, end: datetime) -> Spans:
    """(station, from, to) of every scheduled shift, for the coverage-hours report (none without a rota)."""
    return [(d.station, d.start, d.end) for d in await rota.shifts(start, end)]
