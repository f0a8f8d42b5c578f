"""A counselor's own rota from Telegram (issue 17 item 5), SQLite and PostgreSQL: /myshifts lists
the coming two weeks, /swap and /leave make the console's requests (same rows, audit, notices and
approval queue), bad input gets one line and stores nothing, a resident or an admin cannot use them.

The container is the real one with the real rota service over tests/web/admin/rota.yaml (fake
clock: Monday 2026-03-02 09:00 in Beijing; Chen c1 on 08:00-20:00 every day, Li c2 nights)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Container, build
from bot.conversation.messages import Inbound
from bot.crypto import new_key
from bot.services.rota import RotaService
from bot.services.rota_requests import RotaRequests
from bot.storage import rota_repo
from bot.storage.models import Counselor, OutboxItem
from bot.storage.rota_request_tables import LeaveRequestRow
from bot.storage.rota_tables import SwapRow
from config.settings import load_settings
from tests.fakes.clock import FakeClock
from tests.fakes.ports import CannedKB, KeywordTriage
from tests.fakes.sender import RecordingSender

ROTA = Path(__file__).parents[1] / "web" / "admin" / "rota.yaml"
TELEGRAM = {"c1": 1001, "c2": 1002, "k1": 1003, "a1": 1004}
RESIDENT = 9001
BEIJING = ZoneInfo("Asia/Shanghai")


class Bot:
    def __init__(self, c: Container, tg: RecordingSender) -> None:
        self.c, self.tg, self.updates = c, tg, 0

    async def say(self, text: str, user: int) -> str:
        """Send a command as `user`; their last reply."""
        self.updates += 1
        words = text.split()
        await self.c.service.handle(Inbound(
            channel="telegram", chat_key=str(user), user_key=str(user), text=text, kind="command",
            command=words[0][1:], args=tuple(words[1:]), update_key=f"u{self.updates}"))
        await self.c.dispatcher.deliver_due()
        return self.tg.texts(user)[-1]

    @property
    def rota(self) -> RotaService:
        assert isinstance(self.c.rota, RotaService)
        return self.c.rota

    async def count(self, table: type[SwapRow] | type[LeaveRequestRow]) -> int:
        async with self.c.uow() as uow:
            return int(await uow.session.scalar(select(func.count()).select_from(table)) or 0)

    async def audit(self) -> list[tuple[str, str]]:
        async with self.c.uow() as uow:
            return [(e.actor, e.action) for e in await uow.audit.all()]

    async def outbox(self, chat_key: str) -> list[str]:
        async with self.c.uow() as uow:
            rows = await uow.session.scalars(select(OutboxItem).where(OutboxItem.chat_key == chat_key))
            return [uow.outbox.payload(r)["text"] for r in rows]


@pytest.fixture
async def bot(db_url: str, tmp_path: Path) -> AsyncIterator[Bot]:
    clock = FakeClock()
    settings = load_settings(database_url=db_url, secret_key=new_key(), pseudonym_key="k", var_dir=tmp_path)
    c = build(settings, clock=clock, triage=KeywordTriage(), kb=CannedKB())  # the real rota service
    tg = RecordingSender("telegram")
    c.senders["telegram"] = tg
    await rota_repo.import_rota_file(c.uow, ROTA, clock.now(), by="test")
    async with c.uow() as uow:
        for cid, tid in TELEGRAM.items():
            person = await uow.session.get(Counselor, cid)
            if person is None:  # an admin is not on the rota
                person = await uow.counselors.add(Counselor(id=cid, name="Admin Ada", languages=["en"],
                                                            roles=["admin"]))
            person.telegram_id = tid
        await uow.commit()
    yield Bot(c, tg)
    await c.engine.dispose()


async def test_myshifts_lists_two_weeks_numbered_in_the_station_time(bot: Bot) -> None:
    reply = await bot.say("/myshifts", TELEGRAM["c1"])

    lines = reply.splitlines()
    assert lines[0] == "Your shifts, next 14 days (Asia/Shanghai time):"
    numbered = [ln for ln in lines if ln[:1].isdigit()]
    assert len(numbered) == 14  # today's 08:00-20:00 (under way at 09:00) and the 13 days after
    assert numbered[0] == "1. Mon 2026-03-02 08:00–20:00 海淀区中心"
    assert numbered[13] == "14. Sun 2026-03-15 08:00–20:00 海淀区中心"
    assert "hd" not in reply.replace("/", " ").split()  # the station's name, never its id
    night = (await bot.say("/myshifts", TELEGRAM["c2"])).splitlines()[1]
    assert night == "1. Mon 2026-03-02 20:00–08:00 (+1) 海淀区中心"


async def test_swap_from_telegram_lands_in_the_queue_as_the_console_would_make_it(bot: Bot) -> None:
    reply = await bot.say("/swap 2 li", TELEGRAM["c1"])  # tomorrow's day shift, to Li by web login

    assert reply.startswith("Asked Counselor Li to take shift 2 (Tue 2026-03-03 08:00–20:00")
    rota = await bot.rota.rota()
    [swap] = rota.swaps
    tuesday = datetime(2026, 3, 3, 8, tzinfo=BEIJING)
    assert (swap.requester, swap.other, swap.station, swap.state.value) == ("c1", "c2", "hd", "requested")
    assert (swap.start, swap.end) == (tuesday, tuesday + timedelta(hours=12))
    assert ("c1", "rota.swap_request") in await bot.audit()
    assert any("Counselor Chen asks you to take their shift" in t for t in await bot.outbox("1002"))
    assert any("waits for Counselor Li to agree" in t for t in await bot.outbox("1003"))
    async with bot.c.uow() as uow:  # Li sees it on the console and agrees there; Kim then decides
        [asked] = [r for r in await RotaRequests(bot.rota).my_requests(uow, "c2") if r.asked_of_me]
        await RotaRequests(bot.rota).answer_swap(uow, "c2", asked.id, True, bot.c.clock.now())
        await uow.commit()
    assert swap.id in (await bot.say("/swaps", TELEGRAM["k1"]))  # the coordinators' approval queue
    assert "already asked" in await bot.say("/swap 2 c2", TELEGRAM["c1"])  # the console's own check
    assert await bot.count(SwapRow) == 1


async def test_leave_from_telegram_lands_in_leave_requests_for_a_coordinator(bot: Bot) -> None:
    reply = await bot.say("/leave 2026-03-10 2026-03-12 family matters", TELEGRAM["c1"])
    one_day = await bot.say("/leave 2026-03-20", TELEGRAM["c1"])

    assert reply == ("Leave asked for 2026-03-10 to 2026-03-12. A coordinator decides on /admin/rota; "
                     "you will hear here.")
    assert one_day.startswith("Leave asked for 2026-03-20.")
    async with bot.c.uow() as uow:
        rows = sorted(await uow.session.scalars(select(LeaveRequestRow)), key=lambda r: r.starts_at)
        waiting = await RotaRequests(bot.rota).pending_leave(uow)
    assert [(r.counselor_id, r.state, r.reason) for r in rows] == [("c1", "requested", "family matters"),
                                                                   ("c1", "requested", "")]
    assert rows[0].starts_at == datetime(2026, 3, 10, tzinfo=BEIJING)
    assert rows[0].ends_at == datetime(2026, 3, 13, tzinfo=BEIJING)  # the whole last day
    assert rows[1].ends_at - rows[1].starts_at == timedelta(days=1)
    assert [w.id for w in waiting] == [r.id for r in rows]  # the queue on /admin/rota
    assert ("c1", "rota.leave_request") in await bot.audit()
    assert any("Leave asked: Counselor Chen, 2026-03-10 to 2026-03-12" in t for t in await bot.outbox("1003"))


@pytest.mark.parametrize(("command", "says"), [
    ("/swap", "Usage: /swap N COLLEAGUE"),
    ("/swap li", "Usage: /swap N COLLEAGUE"),
    ("/swap two li", "Usage: /swap N COLLEAGUE"),
    ("/swap 15 li", "There is no shift 15 in /myshifts"),
    ("/swap 0 li", "There is no shift 0 in /myshifts"),
    ("/swap 2 nobody", "No active colleague 'nobody'"),
    ("/swap 2 chen", "No active colleague 'chen'"),  # not yourself
    ("/leave", "Usage: /leave YYYY-MM-DD"),
    ("/leave tomorrow", "Usage: /leave YYYY-MM-DD"),
    ("/leave 2026-03-10 2026-13-01", "'2026-13-01' is not a day"),
    ("/leave 2026-03-01", "Leave cannot start in the past"),
    ("/leave 2026-03-12 2026-03-10", "The last day must not be before the first."),
    ("/leave 2026-03-10 2026-06-30", "longer than two months"),
])
async def test_bad_input_gets_one_line_and_stores_nothing(bot: Bot, command: str, says: str) -> None:
    reply = await bot.say(command, TELEGRAM["c1"])

    assert says in reply and "\n" not in reply
    assert await bot.count(SwapRow) == 0 and await bot.count(LeaveRequestRow) == 0
    assert not [a for a in await bot.audit() if a[1].startswith("rota.")]


@pytest.mark.parametrize("command", ["/myshifts", "/swap 1 li", "/leave 2026-03-10"])
@pytest.mark.parametrize(("user", "says"), [(RESIDENT, "staff only"),
                                            (TELEGRAM["a1"], "Your role does not allow this command.")])
async def test_a_resident_or_an_admin_cannot_use_them(bot: Bot, command: str, user: int, says: str) -> None:
    reply = await bot.say(command, user)

    assert says in reply
    assert await bot.count(SwapRow) == 0 and await bot.count(LeaveRequestRow) == 0


async def test_help_tells_counselors_the_rota_commands(bot: Bot) -> None:
    reply = await bot.say("/help", TELEGRAM["c1"])

    assert "/myshifts" in reply and "/swap N COLLEAGUE" in reply and "/leave FIRST [LAST]" in reply
