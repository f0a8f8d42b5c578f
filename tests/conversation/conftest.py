"""A container on a real database with fake triage/kb/rota ports, a fake clock, recorded sends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import Container, build
from bot.conversation.messages import Inbound
from bot.crypto import new_key
from bot.storage.models import Counselor, Handoff
from config.settings import load_settings
from tests.fakes.clock import FakeClock
from tests.fakes.ports import CannedKB, KeywordTriage, StaticRota
from tests.fakes.sender import RecordingSender

RESIDENT = 9001
COUNSELORS = {"c1": 1001, "c2": 1002, "k1": 1009}


@dataclass
class Harness:
    c: Container
    clock: FakeClock
    rota: StaticRota
    tg: RecordingSender
    updates: int = 0

    async def send(self, text: str = "", user: int = RESIDENT, **kw: object) -> None:
        self.updates += 1
        kind = kw.pop("kind", "command" if text.startswith("/") else "text")
        cmd = text.split()[0][1:] if kind == "command" else None
        args = tuple(text.split()[1:]) if kind == "command" else ()
        await self.c.service.handle(Inbound(
            channel="telegram", chat_key=str(user), user_key=str(user), text=text, kind=str(kind),
            command=cmd, args=args, update_key=f"u{self.updates}", **kw))  # type: ignore[arg-type]
        await self.c.dispatcher.deliver_due()

    async def latest_handoff(self) -> Handoff:
        async with self.c.uow() as uow:
            row = await uow.session.scalar(select(Handoff).order_by(Handoff.id.desc()))
        assert row is not None
        return row

    async def click(self, data: str, user: int) -> None:
        await self.send("", user=user, kind="callback", callback_data=data)

    async def fire_due(self) -> None:
        """Run every timer the database says is due at the fake clock's time."""
        for timer in await self.c.service.pending_timers():
            if timer.kind == "escalate" and timer.at <= self.clock.now():
                await self.c.service.on_timer(timer.kind, timer.handoff_id, timer.version, timer.step)
        await self.c.dispatcher.deliver_due()


@asynccontextmanager
async def harness(db_url: str, tmp_path: Path, triage: object, kb: object) -> AsyncIterator[Harness]:
    """A built container with these triage and kb ports, the static rota and the counselors of
    COUNSELORS (k1 a coordinator), Telegram sends recorded."""
    clock = FakeClock()
    rota = StaticRota(["c1", "c2"], coordinators=["k1"], timeout_s=60)
    settings = load_settings(database_url=db_url, secret_key=new_key(), pseudonym_key="k",
                             var_dir=tmp_path)
    c = build(settings, clock=clock, triage=triage, kb=kb, rota=rota)  # type: ignore[arg-type]
    tg = RecordingSender("telegram")
    c.senders["telegram"] = tg
    async with c.uow() as uow:
        for cid, tid in COUNSELORS.items():
            roles = ["coordinator", "counselor"] if cid.startswith("k") else ["counselor"]
            await uow.counselors.add(Counselor(id=cid, name=cid.upper(), languages=["zh", "en"],
                                               roles=roles, telegram_id=tid, alias=f"Alias-{cid}"))
        await uow.commit()
    try:
        yield Harness(c, clock, rota, tg)
    finally:
        await c.engine.dispose()


@pytest.fixture
async def h(db_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness(db_url, tmp_path, KeywordTriage(), CannedKB()) as run:
        yield run
