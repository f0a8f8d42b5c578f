"""Staff alerts against a real database: a shift reminder goes out once (a second run and a
restarted service send nothing more), a swapped-away shift is reminded to whoever holds it, and the
coverage gaps of the next 72 hours reach the coordinator once a day."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import select

from bot.crypto import Cipher, new_key
from bot.services.alerts import StaffAlerts
from bot.services.rota import RotaService
from bot.storage import rota_repo
from bot.storage.engine import create_engine, session_factory
from bot.storage.models import OutboxItem
from bot.storage.uow import UnitOfWorkFactory
from tests.fakes.clock import FakeClock

SH = ZoneInfo("Asia/Shanghai")
CONFIG = Path(__file__).resolve().parents[2] / "config"
ROTA = {  # c1 and c2 in 12-hour turns from 08:00; c2 speaks no English, so nights are an English gap
    "stations": [{"id": "hd", "name": "海淀区中心", "level": "district"}],
    "counselors": [
        {"id": "c1", "name": "Chen", "languages": ["zh", "en"], "station": "hd", "telegram_id": 11},
        {"id": "c2", "name": "Li", "languages": ["zh"], "station": "hd", "telegram_id": 12},
        {"id": "k1", "name": "Kim", "languages": ["zh", "en"], "station": "hd", "telegram_id": 13,
         "roles": ["coordinator", "counselor"]}],
    "rotations": [{"id": "hd-main", "station": "hd", "members": ["c1", "c2"], "shift": "12h",
                   "start": "2026-01-05T08:00:00+08:00"}],
}
DAY = datetime(2026, 3, 3, tzinfo=SH)  # c1 has the day shift (08-20), c2 the night
DAY_SHIFT = "03-03 08:00 to 03-03 20:00"


@dataclass
class Setup:
    uow: UnitOfWorkFactory
    rota: RotaService
    clock: FakeClock

    def alerts(self) -> StaffAlerts:  # a fresh service is what a restart builds
        return StaffAlerts(self.uow, self.rota, self.clock)

    async def texts(self, chat: int) -> list[str]:
        async with self.uow() as uow:
            rows = await uow.session.scalars(select(OutboxItem).where(OutboxItem.chat_key == str(chat))
                                             .order_by(OutboxItem.id))
            return [str(uow.outbox.payload(r)["text"]) for r in rows]


@pytest.fixture
async def setup(db_url: str, tmp_path: Path) -> AsyncIterator[Setup]:
    engine = create_engine(db_url)
    uow = UnitOfWorkFactory(session_factory(engine), Cipher([new_key()]))
    (tmp_path / "rota.yaml").write_text(yaml.safe_dump(ROTA, allow_unicode=True), encoding="utf-8")
    clock = FakeClock(DAY + timedelta(hours=7, minutes=46))
    await rota_repo.import_rota_file(uow, tmp_path / "rota.yaml", clock.now())
    yield Setup(uow, RotaService(uow, CONFIG), clock)
    await engine.dispose()


async def test_a_reminder_fires_once_and_not_again_after_a_restart(setup: Setup) -> None:
    first = await setup.alerts().tick()
    again = await setup.alerts().tick()  # the next run, and a restarted process
    setup.clock.advance(minutes=30)
    later = await setup.alerts().tick()

    reminders = [t for t in await setup.texts(11) if t.startswith("Reminder")]
    assert reminders == [f"Reminder: you are on duty at 海淀区中心 from {DAY_SHIFT} (rotation)."]
    assert first >= 1 and again == 0 and later == 0
    assert not [t for t in await setup.texts(12) if t.startswith("Reminder")]  # c2's shift is at 20:00


async def test_a_swapped_away_shift_is_reminded_to_whoever_holds_it(setup: Setup) -> None:
    async with setup.uow() as uow:
        await setup.rota.create_swap(uow, "c1", "k1", "hd", DAY + timedelta(hours=8),
                                     DAY + timedelta(hours=20), "k1", setup.clock.now())
        await uow.commit()
    await setup.alerts().tick()

    assert not [t for t in await setup.texts(11) if t.startswith("Reminder")]
    assert [t for t in await setup.texts(13) if t.startswith("Reminder")] == [
        f"Reminder: you are on duty at 海淀区中心 from {DAY_SHIFT} (swap)."]


async def test_gaps_of_the_next_72_hours_reach_the_coordinator_once_a_day(setup: Setup) -> None:
    await setup.alerts().tick()
    await setup.alerts().tick()
    (alert,) = [t for t in await setup.texts(13) if t.startswith("Coverage gaps")]

    assert alert.startswith("Coverage gaps in the next 3 days, worst first:")
    assert "- no English speaker on duty 03-03 20:00..03-04 08:00 (12.0 h)" in alert
    # the end of this night, two whole nights, and the third night up to 72 hours from now
    assert alert.count("no English speaker") == 4
    assert "- no English speaker on duty 03-03 07:46..03-03 08:00 (0.2 h)" in alert
    assert "- no English speaker on duty 03-05 20:00..03-06 07:46 (11.8 h)" in alert


async def handoff_at_step(setup: Setup, level: str, step: int) -> int:
    from bot.storage.models import Conversation, Handoff

    now = setup.clock.now()
    async with setup.uow() as uow:
        resident = await uow.residents.get_or_create("pseudonym-1", "web", now)
        conv = await uow.conversations.add(Conversation(resident_id=resident.id, channel="web", chat_key="w1",
                                                        created_at=now, updated_at=now))
        h = await uow.handoffs.add(Handoff(conversation_id=conv.id, state="offered", level=level, step=step,
                                           created_at=now - timedelta(minutes=5), offered_to=["c1"]))
        await uow.commit()
        return h.id


async def test_a_high_handoff_past_its_first_step_is_told_to_coordinators_once_per_step(setup: Setup) -> None:
    hid = await handoff_at_step(setup, "high", 1)
    await setup.alerts().tick()
    await setup.alerts().tick()
    told = [t for t in await setup.texts(13) if t.startswith("⚠️")]

    assert told == [f"⚠️ A high handoff (#{hid}) has waited 5 min and is past escalation step 1: "
                    "nobody has accepted it yet."]
    assert not [t for t in await setup.texts(11) if t.startswith("⚠️")]  # counselors are not told


async def test_a_medium_handoff_is_not_alerted_even_past_its_first_step(setup: Setup) -> None:
    await handoff_at_step(setup, "medium", 2)
    await setup.alerts().tick()
    assert not [t for t in await setup.texts(13) if t.startswith("⚠️")]
