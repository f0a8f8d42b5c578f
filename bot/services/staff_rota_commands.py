"""A counselor's own rota from Telegram (issue 17 item 5): `/myshifts`, `/swap N COLLEAGUE`,
`/leave FIRST [LAST] [REASON]`.

The same requests as the console's My shifts page (bot/web/console_rota.py): each goes through
bot/services/rota_requests.py, so validation, audit, the notices in the outbox and the approval
queue on /admin/rota are the console's. This module only parses the words typed and writes one
reply; a refusal is one line and nothing is stored (the requests check before they write).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.conversation.ports import RotaRefused
from bot.services.rota import RotaService
from bot.services.rota_requests import MyShift, RotaRequests, home_tz
from bot.storage.uow import UnitOfWork

SHOWN = timedelta(days=14)  # /myshifts: today and the 13 days after (a chat message, not a page)
MAX_LINES = 60  # four shifts a day for two weeks still fits one Telegram message (4,096 characters)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SWAP_USAGE = "Usage: /swap N COLLEAGUE (N from /myshifts; the colleague's id or web login)."
LEAVE_USAGE = "Usage: /leave YYYY-MM-DD [YYYY-MM-DD] [reason] (first and last day of leave)."
# The console's reasons speak of its form ("pick from the list"); a chat has no list.
CHAT_WORDS = {"not_my_shift": "There is no shift {n} in /myshifts: send /myshifts and pick a number from it.",
              "pick_colleague": "No active colleague {who!r}: give their id or web login (not yourself)."}


class RotaCommands:
    def __init__(self, rota: RotaService) -> None:
        self.rota = rota
        self.requests = RotaRequests(rota)

    async def answer(self, uow: UnitOfWork, who: str, cmd: str, args: tuple[str, ...], now: datetime) -> str:
        """The reply to one of the three commands; a refusal is its one-line reason."""
        try:
            if cmd == "myshifts":
                return listing(await self.shown(uow, who, now))
            if cmd == "swap":
                return await self.swap(uow, who, args, now)
            return await self.leave(uow, who, args, now)
        except RotaRefused as exc:
            return exc.reason

    async def shown(self, uow: UnitOfWork, who: str, now: datetime) -> list[MyShift]:
        """My coming shifts for /myshifts, numbered from 1 in this order."""
        tz = home_tz(await self.rota.rota(uow), who)
        until = datetime.combine(now.astimezone(tz).date() + SHOWN, datetime.min.time(), tz)
        return [s for s in await self.requests.my_shifts(who, now, uow) if s.start < until]

    async def swap(self, uow: UnitOfWork, who: str, args: tuple[str, ...], now: datetime) -> str:
        if len(args) != 2 or not (args[0].isascii() and args[0].isdigit()) or len(args[0]) > 3:
            return SWAP_USAGE
        shifts = await self.shown(uow, who, now)
        n = int(args[0])
        if not 1 <= n <= len(shifts):
            return CHAT_WORDS["not_my_shift"].format(n=n)
        peer = await uow.counselors.get(args[1]) or await uow.counselors.by_login(args[1])
        if peer is None or not peer.active or peer.id == who:
            return CHAT_WORDS["pick_colleague"].format(who=args[1])
        shift = shifts[n - 1]
        await self.requests.ask_swap(uow, who, shift.key, peer.id, now)
        return (f"Asked {peer.name} to take shift {n} ({when(shift)}, {shift.station}). They agree "
                "on the console's My shifts page; then a coordinator decides.")

    async def leave(self, uow: UnitOfWork, who: str, args: tuple[str, ...], now: datetime) -> str:
        first = day(args[0]) if args else None
        if first is None:
            return LEAVE_USAGE
        last = day(args[1]) if len(args) > 1 else None
        if last is None and len(args) > 1 and args[1][:1].isdigit():
            return f"{args[1]!r} is not a day: {LEAVE_USAGE}"
        reason = " ".join(args[1 if last is None else 2:]).strip()
        last = last or first
        if last < first:  # said in days, as the console does
            return "The last day must not be before the first."
        tz = home_tz(await self.rota.rota(uow), who)
        start = datetime.combine(first, datetime.min.time(), tz)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz)
        await self.requests.ask_leave(uow, who, start, end, reason, now)
        span = f"{first:%Y-%m-%d}" + ("" if last == first else f" to {last:%Y-%m-%d}")
        return f"Leave asked for {span}. A coordinator decides on /admin/rota; you will hear here."


def day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def when(s: MyShift) -> str:
    days = (s.end.date() - s.start.date()).days
    return (f"{WEEKDAYS[s.start.weekday()]} {s.start:%Y-%m-%d %H:%M}–{s.end:%H:%M}"
            + (f" (+{days})" if days else ""))


def listing(shifts: list[MyShift]) -> str:
    """Numbered lines in each station's local time; the zone once when all share it."""
    if not shifts:
        return "You have no shifts in the next 14 days."
    zones = sorted({s.tz for s in shifts})
    several = len(zones) > 1
    head = "Your shifts, next 14 days" + (" (each station's time):" if several else f" ({zones[0]} time):")
    lines = [f"{i}. {when(s)} {s.station}" + (f" [{s.tz}]" if several else "")
             + ("" if s.layer == "rotation" else f" ({s.layer.replace('_', ' ')})")
             for i, s in enumerate(shifts[:MAX_LINES], 1)]
    more = [f"… and {len(shifts) - MAX_LINES} more."] if len(shifts) > MAX_LINES else []
    tail = ["Ask a colleague to take one: /swap N COLLEAGUE. Ask for leave: /leave FIRST [LAST] [reason]."]
    return "\n".join([head, *lines, *more, *tail])
