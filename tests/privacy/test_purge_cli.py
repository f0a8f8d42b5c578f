"""`hotline purge --dry-run` shows per kind what would go and deletes nothing; `hotline purge` deletes it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.crypto import new_key
from bot.storage.models import Message
from bot.storage.uow import UnitOfWorkFactory
from tests.privacy.seed import seed_resident


def hotline_purge(db_url: str, *flags: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOTLINE_DATABASE_URL": db_url, "HOTLINE_SECRET_KEY": new_key(),
           "HOTLINE_PSEUDONYM_KEY": "test-pseudonym-key", "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "bot.cli.main", "purge", *flags], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


async def messages(uow: UnitOfWorkFactory) -> int:
    async with uow() as u:
        return int(await u.session.scalar(select(func.count()).select_from(Message)) or 0)


async def test_dry_run_lists_what_would_go_and_the_real_run_removes_it(
    uow: UnitOfWorkFactory, db_url: str,
) -> None:
    # The CLI runs on the system clock, so the data is dated relative to the real now.
    now = datetime.now(UTC)
    await seed_resident(uow, "old", now - timedelta(days=100), messages=6)
    await seed_resident(uow, "new", now - timedelta(days=1), messages=2)

    dry = hotline_purge(db_url, "--dry-run")
    after_dry = await messages(uow)
    real = hotline_purge(db_url)

    assert dry.returncode == 0, dry.stdout + dry.stderr
    lines = {line.split("│")[1].strip(): line for line in dry.stdout.splitlines() if line.count("│") >= 3}
    assert lines["messages"].split("│")[-2].strip() == "6"
    assert lines["conversations"].split("│")[-2].strip() == "1"
    assert after_dry == 8
    assert real.returncode == 0, real.stdout + real.stderr
    assert await messages(uow) == 2
