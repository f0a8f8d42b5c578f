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
from bot.storage.uow import UnitOfWork
from bot.web.admin.common import fmt_local

LAYER_WORDS = {"rotation": "rota", "override": "override", "swap": "swap", "leave_cover": "covering leave"}


class PresenceRow(TypedDict):
    id: str
    name: str
    duty: str  # "" when the rota does not have them on duty now
    console: str
    telegram: bool
    available: bool
    status: str  # ok | absent | away | off_rota
    says: str


def _says(on_duty: bool, available: bool, console: bool, telegram: bool) -> tuple[str, str]:
    if not on_duty:
        return "off_rota", "Signed in, not on duty"
    if not available:
        return "away", "On duty but marked away in the console: chats are not offered to them"
    if not console and not telegram:
        return "absent", "On duty but not signed in and no Telegram: nothing reaches them"
    return "ok", "On duty, reachable"


def _duty_text(lines: list[DutyLine]) -> str:
    return "; ".join(f"{d.station} ({LAYER_WORDS.get(d.layer, d.layer)}"
                     + (f", until {fmt_local(d.until, '%H:%M')})" if d.until else ")") for d in lines)


async def presence(uow: UnitOfWork, duty: list[DutyLine], now: datetime) -> list[PresenceRow]:
    """Everyone on duty, then everyone signed in who is not; absent and away people first."""
    by_person: dict[str, list[DutyLine]] = {}
    for d in duty:
        by_person.setdefault(d.counselor_id, []).append(d)
    logins = await signed_in(uow, now)
    ids = list(dict.fromkeys([*by_person, *logins]))
    people = {c.id: c for c in await uow.session.scalars(select(Counselor).where(Counselor.id.in_(ids)))}
    rows: list[PresenceRow] = []
    for cid in ids:
        c = people.get(cid)
        if c is None or not c.active:
            continue
        since = logins.get(cid)
        status, says = _says(cid in by_person, c.available, since is not None, c.telegram_id is not None)
        rows.append({"id": cid, "name": c.name, "duty": _duty_text(by_person.get(cid, [])),
                     "console": f"signed in {fmt_local(since, '%H:%M')}" if since else "not signed in",
                     "telegram": c.telegram_id is not None, "available": c.available,
                     "status": status, "says": says})
    order = {"absent": 0, "away": 1, "ok": 2, "off_rota": 3}
    rows.sort(key=lambda r: (order[r["status"]], r["name"]))
    return rows
