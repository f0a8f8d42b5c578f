"""A week of coverage gaps as an SVG heat map: one row per station, one column per hour.

Coordinators would rather look than read (STYLE.md rule 13): red cells are hours with fewer
people on duty than needed, darker where more are missing or demand is higher.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from scheduling.demand import LINE, DemandProfile
from scheduling.gaps import Gap
from scheduling.model import DEFAULT_TZ
from scheduling.rotation import zone

CELL, LABEL_W, HEAD_H = 6, 120, 28


def _hour_index(t: datetime, start: datetime) -> float:
    return (t - start).total_seconds() / 3600


def gaps_svg(gaps: Sequence[Gap], stations: Sequence[str], start: datetime, hours: int = 168,
             demand: DemandProfile | None = None) -> str:
    """SVG markup for `hours` hours from `start`, a line at each local midnight (Asia/Shanghai)."""
    demand = demand or DemandProfile()
    top_w = max(demand.weights) or 1.0
    width, height = LABEL_W + hours * CELL, HEAD_H + len(stations) * (CELL * 3)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="10"><rect width="100%" height="100%" fill="white"/>']
    tz = zone(DEFAULT_TZ)
    local = start.astimezone(tz)
    day = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tz)  # next midnight
    while (h := _hour_index(day, start)) < hours:
        x = LABEL_W + h * CELL
        out.append(f'<line x1="{x:.1f}" y1="{HEAD_H - 4}" x2="{x:.1f}" y2="{height}" stroke="#bbb"/>'
                   f'<text x="{x + 2:.1f}" y="{HEAD_H - 8}">{day:%a %m-%d}</text>')
        day = datetime.combine(day.date() + timedelta(days=1), datetime.min.time(), tz)
    for row, station in enumerate(stations):
        y = HEAD_H + row * CELL * 3
        label = "whole line" if station == LINE else station
        out.append(f'<text x="2" y="{y + CELL * 2}">{escape(label)}</text>')
        for g in (g for g in gaps if g.station == station):
            a = max(0.0, _hour_index(g.start, start))
            b = min(float(hours), _hour_index(g.end, start))
            if a >= b:
                continue
            per_hour = g.severity / max(g.hours, 1e-9)  # missing x mean demand weight
            shade = min(1.0, 0.35 + 0.4 * per_hour / top_w)
            out.append(f'<rect x="{LABEL_W + a * CELL:.1f}" y="{y}" width="{(b - a) * CELL:.1f}" '
                       f'height="{CELL * 2}" fill="#d62728" fill-opacity="{shade:.2f}">'
                       f'<title>{escape(label)}: {escape(g.what())}</title></rect>')
    out.append("</svg>")
    return "".join(out)
