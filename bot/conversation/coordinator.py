"""Coordinator questions over chat: /oncall, /rota, /gaps, /swaps (with decision buttons), and the
invite codes /invite hands out. Changes (override, swap decisions, invites) are staff actions:
bot/services/staff.py."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.conversation import callbacks
from bot.conversation.messages import Button
from bot.conversation.ports import RosterPort
from bot.conversation.posting import Buttons
from bot.storage.models import Counselor
from bot.storage.uow import UnitOfWork

LOCAL = ZoneInfo("Asia/Shanghai")
INVITE_VALID = timedelta(days=3)  # long enough to reach a new counselor, short enough to not linger


def hm(at: datetime) -> str:
    return at.astimezone(LOCAL).strftime("%a %m-%d %H:%M")


class CoordinatorDesk:
    def __init__(self, roster: RosterPort) -> None:
        self.roster = roster

    async def command(self, uow: UnitOfWork, c: Counselor, cmd: str, args: tuple[str, ...],
                      now: datetime) -> tuple[str, Buttons]:
        if cmd == "oncall":
            lines = await self.roster.on_duty_detail(now, uow)
            body = "\n".join(f"{d.station}: {d.name} ({d.layer})" for d in lines) or "Nobody is on duty now."
            return f"On duty at {hm(now)}:\n{body}", ()
        if cmd == "rota":
            spans = await self.roster.week(now, 7, uow)
            body = "\n".join(f"{hm(s.start)}–{hm(s.end)} {s.station}: {s.who}" for s in spans[:60])
            return f"This week:\n{body or 'no shifts'}", ()
        if cmd == "gaps":
            gaps = await self.roster.gaps(now, 7, uow)
            body = "\n".join(f"{hm(s.start)}–{hm(s.end)} {s.station}: {s.who}" for s in gaps[:30])
            return f"Coverage gaps, next 7 days (worst first):\n{body or 'none'}", ()
        if cmd == "swaps":
            swaps = await self.roster.pending_swaps(uow)
            if not swaps:
                return "No swap requests waiting.", ()
            rows = tuple((Button(f"✅ {sid}", callbacks.swap(sid, approve=True)),
                          Button("✖", callbacks.swap(sid, approve=False)))
                         for sid, _ in swaps[:10])
            return "Swap requests:\n" + "\n".join(f"{sid}: {text}" for sid, text in swaps[:10]), rows
        return "Unknown command.", ()

    async def invite(self, uow: UnitOfWork, c: Counselor, counselor_id: str, now: datetime) -> str:
        if not counselor_id or await uow.counselors.get(counselor_id) is None:
            return "Usage: /invite COUNSELOR_ID"
        code = await create_invite(uow, counselor_id, c.id, now)
        return f"Invite code for {counselor_id}: {code} (valid 3 days). They send /join {code} to this bot."


async def create_invite(uow: UnitOfWork, counselor_id: str, by: str, now: datetime) -> str:
    """A single-use code; only its hash is stored."""
    code = secrets.token_hex(4).upper()
    await uow.invites.add(code, counselor_id, now, now + INVITE_VALID)
    await uow.audit.append(by, "invite.create", f"counselor:{counselor_id}", now)
    return code
