"""Who is reachable now against who the rota has on duty (issue 17 item 7), for the live board.

Built only from what the code already records, never a new heartbeat:
- the rota's on-duty list as compiled now (leave, swaps and overrides applied), people marked
  away included, so a coordinator sees them;
- `counselors.available`: the console's own "off duty" switch (a break);
- `staff_sessions`: a console login that has not logged out, in the last 12 hours
  (board_assign.signed_in): "signed in", not proof someone is looking at the screen;
- `counselors.telegram_id`: cards reach them on Telegram through the outbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import select

from bot.conversation.ports import DutyLine
from bot.services.board_assign import signed_in
from bot.storage.models import Counselor
from bot.storage.rota_tables import StationRow
from bot.storage.uow import UnitOfWork
from bot.web.admin.common import fmt_local
from bot.web.staff_text import label, text


class PresenceRow(TypedDict):
    id: str
    name: str
    duty: str  # "" when the rota does not have them on duty now
    console: str
    telegram: bool
    available: bool
    status: str  # ok | absent | away | off_rota
    says: str


def _status(on_duty: bool, available: bool, console: bool, telegram: bool) -> str:
    if not on_duty:
        return "off_rota"
    if not available:
        return "away"
    if not console and not telegram:
        return "absent"
    return "ok"


def _duty_text(lines: list[DutyLine], places: dict[str, str], lang: str) -> str:
    """Where and why each line puts them on duty, by station name: "海淀区中心 (rota, until 20:00)"."""
    return "; ".join(
        text("admin.board.duty_until" if d.until else "admin.board.duty", lang,
             place=places.get(d.station, d.station), layer=label("layer", d.layer, lang),
             at=fmt_local(d.until, "%H:%M")) for d in lines)


async def presence(uow: UnitOfWork, duty: list[DutyLine], now: datetime,
                   lang: str = "en") -> list[PresenceRow]:
    """Everyone on duty, then everyone signed in who is not; absent and away people first; words
    in `lang`."""
    by_person: dict[str, list[DutyLine]] = {}
    for d in duty:
        by_person.setdefault(d.counselor_id, []).append(d)
    logins = await signed_in(uow, now)
    ids = list(dict.fromkeys([*by_person, *logins]))
    people = {c.id: c for c in await uow.session.scalars(select(Counselor).where(Counselor.id.in_(ids)))}
    places = {s.id: s.name for s in await uow.session.scalars(select(StationRow))}
    rows: list[PresenceRow] = []
    for cid in ids:
        c = people.get(cid)
        if c is None or not c.active:
            continue
        since = logins.get(cid)
        status = _status(cid in by_person, c.available, since is not None, c.telegram_id is not None)
        rows.append({"id": cid, "name": c.name, "duty": _duty_text(by_person.get(cid, []), places, lang),
                     "console": text("admin.board.signed_in", lang, at=fmt_local(since, "%H:%M")) if since
                     else text("admin.board.not_signed_in", lang),
                     "telegram": c.telegram_id is not None, "available": c.available,
                     "status": status, "says": text(f"admin.board.says.{status}", lang)})
    order = {"absent": 0, "away": 1, "ok": 2, "off_rota": 3}
    rows.sort(key=lambda r: (order[r["status"]], r["name"]))
    return rows
