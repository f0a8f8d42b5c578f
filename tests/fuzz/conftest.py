"""Fixtures for the fuzz tests: SQLite only (the suite stays under a minute), the real triage
engine where it loads, and a container whose sends are recorded.

Hypothesis runs many examples inside one test function, so these fixtures live for the whole
test: the database accumulates every example, which is what the consistency checks want.
"""

from __future__ import annotations

import functools
import logging
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.bootstrap import Container, build
from bot.crypto import new_key
from bot.storage.models import Counselor
from config.settings import load_settings
from tests.fakes.clock import FakeClock
from tests.fakes.ports import CannedKB, KeywordTriage, StaticRota
from tests.fakes.sender import RecordingSender

# Telegram ids of the staff the fuzzer may impersonate (staff commands, card buttons).
STAFF_IDS = {"c1": 1001, "c2": 1002, "k1": 1009}
# Sentences both the fake and the real triage call imminent.
CRISIS = ("I have the pills here", "I have the pills here and I'm going to take them tonight")


@pytest.fixture
def db_url(tmp_path: Path, sqlite_at_head: Path) -> str:
    """SQLite only: the PostgreSQL variant of every storage test lives in tests/storage."""
    shutil.copyfile(sqlite_at_head, tmp_path / "fuzz.db")  # a database at head, migrated once
    return f"sqlite+aiosqlite:///{tmp_path}/fuzz.db"


@functools.cache
def triage_engine() -> object:
    """The real triage adapter when bot/adapters and triage/ load; else the keyword fake."""
    try:
        from bot.adapters.triage_adapter import TriageAdapter

        engine = TriageAdapter()
        if engine.assess(CRISIS[0]).level == "imminent":
            return engine
        logging.getLogger(__name__).warning("real triage does not call %r imminent", CRISIS[0])
    except Exception as exc:  # the real engine is optional here; the fake keeps the fuzz running
        logging.getLogger(__name__).warning("real triage unavailable (%s)", exc.__class__.__name__)
    return KeywordTriage()


@dataclass
class Rig:
    c: Container
    clock: FakeClock
    tg: RecordingSender
    web: RecordingSender


@pytest.fixture
async def rig(db_url: str, tmp_path: Path) -> AsyncIterator[Rig]:
    clock = FakeClock()
    settings = load_settings(database_url=db_url, secret_key=new_key(), pseudonym_key="fuzz",
                             var_dir=tmp_path)
    c = build(settings, clock=clock, triage=triage_engine(), kb=CannedKB(),  # type: ignore[arg-type]
              rota=StaticRota(["c1", "c2"], coordinators=["k1"], timeout_s=60))
    tg, web_out = RecordingSender("telegram"), RecordingSender("web")
    c.senders.update(telegram=tg, web=web_out)
    async with c.uow() as uow:
        for cid, tid in STAFF_IDS.items():
            roles = ["coordinator", "counselor"] if cid.startswith("k") else ["counselor"]
            await uow.counselors.add(Counselor(id=cid, name=cid.upper(), languages=["zh", "en"],
                                               roles=roles, telegram_id=tid, alias=f"Alias-{cid}"))
        await uow.commit()
    yield Rig(c, clock, tg, web_out)
    await c.engine.dispose()


# The real server and the fake Bot API, for the Telegram and HTTP fuzz tests.
from tests.e2e.conftest import fake_tg, server  # noqa: E402, F401
from tests.web.conftest import web  # noqa: E402, F401
