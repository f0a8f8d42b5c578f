"""The forms and lists beside the rota calendar: gaps, swaps waiting, overrides, leave.
Pure rendering: rows in, markup out; every form posts the CSRF token."""

from __future__ import annotations

from collections.abc import Sequence

from bot.web.admin.calendar import Gap
from bot.web.admin.common import fmt_local
from bot.web.admin.rota_source import LeaveRow, OverrideRow, SwapRow
from bot.web.layout import esc
from scheduling.when import MAX_YEAR, MIN_YEAR

Options = Sequence[tuple[str, str]]
# Asia/Shanghai wall-clock times, read by scheduling.when; the picker keeps to the years it accepts.
_BOUNDS = f'min="{MIN_YEAR}-01-01T00:00" max="{MAX_YEAR}-12-31T23:59"'
SPAN_FIELDS = (f'<label>From <input type="datetime-local" name="start" {_BOUNDS} required></label>'
               f'<label>To <input type="datetime-local" name="end" {_BOUNDS} required></label>')


def options(items: Options, selected: str = "", blank: str = "") -> str:
    first = f'<option value="">{esc(blank)}</option>' if blank else ""
    return first + "".join(
        f'<option value="{esc(v)}"{" selected" if v == selected else ""}>{esc(label)}</option>'
        for v, label in items)


def span(a: object, b: object) -> str:
    return f"{fmt_local(a)} – {fmt_local(b)}"  # type: ignore[arg-type]


def gaps_html(gaps: Sequence[Gap], limit: int = 12) -> str:
    if not gaps:
        return ('<section class="card side" id="gaps"><h2>Coverage gaps</h2>'
                '<p class="ok">No gaps in this view.</p></section>')
    items = "".join(f'<li><strong>{esc(g.station)}</strong> {span(g.start, g.end)} '
                    f'<span class="gap-tag">−{g.missing}{" " + esc(g.language) if g.language else ""}'
                    '</span></li>' for g in gaps[:limit])
    more = f'<p class="hint">and {len(gaps) - limit} more.</p>' if len(gaps) > limit else ""
    return (f'<section class="card side" id="gaps"><h2>Coverage gaps ({len(gaps)})</h2>'
            f'<p class="hint">Worst first (by the demand profile).</p><ol>{items}</ol>{more}</section>')


def swaps_html(swaps: Sequence[SwapRow], csrf: str, back: str) -> str:
    if not swaps:
        return '<section class="card side" id="swaps"><h2>Swap requests</h2><p>None waiting.</p></section>'
    rows = []
    for s in swaps:
        # Approval needs the peer's consent first (scheduling.swaps); a fresh request can only be declined.
        verbs = (("approve", "Approve", ""),) if s.state == "accepted" else ()
        forms = "".join(
            f'<form method="post" action="/admin/rota/swaps/{esc(s.id)}/{verb}" class="inline">{csrf}'
            f'<input type="hidden" name="back" value="{esc(back)}">'
            f'<button type="submit" class="{cls}" data-swap="{esc(s.id)}">{label}</button></form>'
            for verb, label, cls in (*verbs, ("decline", "Decline", "secondary")))
        state = "peer agreed" if s.state == "accepted" else "waiting for the peer"
        rows.append(f'<li class="swap" id="swap-{esc(s.id)}"><strong>{esc(s.requester)}</strong> ↔ '
                    f'<strong>{esc(s.other)}</strong> at {esc(s.station)}, {span(s.start, s.end)} '
                    f'<span class="state">({state})</span> {forms}</li>')
    return (f'<section class="card side" id="swaps"><h2>Swap requests ({len(swaps)})</h2>'
            f'<ul>{"".join(rows)}</ul></section>')


def overrides_html(rows: Sequence[OverrideRow], csrf: str, back: str, people: Options,
                   stations: Options) -> str:
    items = "".join(
        f'<li>{esc(o.name)} covers {esc(o.station)} {span(o.start, o.end)} '
        f'<form method="post" action="/admin/rota/overrides/{esc(o.id)}/delete" class="inline">{csrf}'
        f'<input type="hidden" name="back" value="{esc(back)}">'
        '<button type="submit" class="link">Delete</button></form></li>' for o in rows) or "<li>None.</li>"
    form = (f'<form method="post" action="/admin/rota/overrides" class="stack compact">{csrf}'
            f'<input type="hidden" name="back" value="{esc(back)}">'
            f'<label>Who <select name="counselor_id" required>{options(people, blank="–")}</select></label>'
            f'<label>Station <select name="station" required>{options(stations, blank="–")}</select></label>'
            f'{SPAN_FIELDS}'
            '<button type="submit">Add override</button></form>')
    return (f'<section class="card side" id="overrides"><h2>Overrides</h2><ul>{items}</ul>'
            f'<details><summary>New override</summary>{form}</details></section>')


def swap_form(csrf: str, back: str, people: Options, stations: Options) -> str:
    return (f'<section class="card side"><details><summary>Swap on someone\'s behalf</summary>'
            f'<form method="post" action="/admin/rota/swaps" class="stack compact">{csrf}'
            f'<input type="hidden" name="back" value="{esc(back)}">'
            f'<label>Shift of <select name="requester" required>{options(people, blank="–")}</select></label>'
            f'<label>Taken by <select name="other" required>{options(people, blank="–")}</select></label>'
            f'<label>Station <select name="station" required>{options(stations, blank="–")}</select></label>'
            f'{SPAN_FIELDS}'
            '<button type="submit">Create and approve</button></form></details></section>')


def leave_html(rows: Sequence[LeaveRow], csrf: str, back: str, people: Options) -> str:
    items = "".join(
        f'<li>{esc(lv.name)} {span(lv.start, lv.end)} '
        f'<form method="post" action="/admin/rota/leave/{esc(lv.id)}/delete" class="inline">{csrf}'
        f'<input type="hidden" name="back" value="{esc(back)}">'
        '<button type="submit" class="link">Delete</button></form></li>' for lv in rows) or "<li>None.</li>"
    form = (f'<form method="post" action="/admin/rota/leave" class="stack compact">{csrf}'
            f'<input type="hidden" name="back" value="{esc(back)}">'
            f'<label>Who <select name="counselor_id" required>{options(people, blank="–")}</select></label>'
            f'{SPAN_FIELDS}'
            '<button type="submit">Add leave</button></form>')
    return (f'<section class="card side" id="leave"><h2>Leave</h2><ul>{items}</ul>'
            f'<details><summary>New leave</summary>{form}</details></section>')
