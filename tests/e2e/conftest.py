"""Real servers for end-to-end tests: the fake Bot API, and our own server on a random port."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap import Container, build
from bot.crypto import new_key
from bot.server import Server
from config.settings import Settings, load_settings
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture(autouse=True)
async def no_task_left_behind() -> AsyncIterator[None]:
    """After each test's servers have stopped, no task of theirs may still run. Once, under load 10+,
    a Telegram test's event loop never closed (pytest-timeout after 900 s, stuck cancelling a task
    that did not end); this names such a task on stderr and fails the test, so the next time says
    which one it is instead of only hanging."""
    yield
    await asyncio.sleep(0)
    left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    if not left:
        return
    for task in left:
        print(f"task left running after the servers stopped: {task.get_name()} {task.get_coro()!r}",
              file=sys.stderr)
        task.print_stack(file=sys.stderr)
        task.cancel()
    await asyncio.wait(left, timeout=5)
    pytest.fail(f"tasks left running after the servers stopped: {[t.get_name() for t in left]}")


@pytest.fixture
async def fake_tg() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


def stable_key(tmp_path: Path) -> str:
    """One key per test, so a 'restarted' server reads what the first one wrote."""
    path = tmp_path / "secret.key"
    if not path.exists():
        path.write_text(new_key())
    return path.read_text()


METRICS_TOKEN = "metrics-token-for-tests"


def e2e_settings(db_url: str, tmp_path: Path, fake: FakeTelegram | None = None) -> Settings:
    return load_settings(
        database_url=db_url,
        telegram_token=fake.token if fake else None,
        telegram_base_url=fake.base_url if fake else "https://api.telegram.org/bot",
        secret_key=stable_key(tmp_path),
        pseudonym_key="test-pseudonym-key",
        var_dir=tmp_path / "var",
        cookie_secure=False,  # the tests talk plain HTTP to 127.0.0.1: Secure cookies would not come back
        metrics_token=METRICS_TOKEN,
    )


@pytest.fixture
async def server(db_url: str, tmp_path: Path, fake_tg: FakeTelegram) -> AsyncIterator[Server]:
    container: Container = build(e2e_settings(db_url, tmp_path, fake_tg), **fake_ports())  # type: ignore[arg-type]
    srv = Server(container)
    await srv.start("127.0.0.1", 0)
    yield srv
    await srv.stop()


def fake_ports() -> dict[str, object]:
    from tests.fakes.ports import CannedKB, KeywordTriage, StaticRota

    return {"triage": KeywordTriage(), "kb": CannedKB(), "rota": StaticRota(["c1"])}


def e2e_ports(on_duty: list[str] | None = None, timeout_s: float = 60.0) -> dict[str, object]:
    """The real triage engine and knowledge base (loaded once per test session) with a rota fake
    whose on-duty list and timeouts each test sets."""
    from tests.fakes.ports import StaticRota

    duty = ["c1", "c2"] if on_duty is None else on_duty
    triage, kb = real_engines()
    return {"triage": triage, "kb": kb,
            "rota": StaticRota(duty, coordinators=["k1"] if duty else [], timeout_s=timeout_s)}


_ENGINES: list[object] = []


def real_engines() -> tuple[object, object]:
    if not _ENGINES:
        from bot.adapters.kb_adapter import KnowledgeAdapter
        from bot.adapters.triage_adapter import TriageAdapter

        _ENGINES.extend([TriageAdapter(), KnowledgeAdapter()])
    return _ENGINES[0], _ENGINES[1]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
