"""Several instances need PostgreSQL: a second instance on one SQLite file is refused at start,
with one line that says why and what to use instead; on PostgreSQL a second instance starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bootstrap import build
from bot.cluster.single import SingleInstance, lock_path
from bot.server import Server
from config.errors import ConfigError
from tests.e2e.conftest import e2e_settings, fake_ports


def test_only_a_sqlite_file_has_an_instance_lock() -> None:
    assert lock_path("sqlite+aiosqlite:///var/x.db") == Path("var/x.db.instance").resolve()
    assert lock_path("sqlite+aiosqlite://") is None
    assert lock_path("sqlite+aiosqlite:///:memory:") is None
    assert lock_path("postgresql+asyncpg://u@h/db") is None


async def test_a_second_instance_on_one_sqlite_file_is_refused_until_the_first_stops(
        db_url: str, tmp_path: Path) -> None:
    first = Server(build(e2e_settings(db_url, tmp_path), **fake_ports()))  # type: ignore[arg-type]
    second = Server(build(e2e_settings(db_url, tmp_path), **fake_ports()))  # type: ignore[arg-type]
    await first.start("127.0.0.1", 0)
    try:
        if db_url.startswith("sqlite"):
            with pytest.raises(ConfigError, match="several instances need PostgreSQL") as refused:
                await second.start("127.0.0.1", 0)
            assert f"pid {os.getpid()}" in str(refused.value)
            assert second.runner is None  # refused before migrating or opening a port
            await second.container.engine.dispose()
            await first.stop()
            third = Server(build(e2e_settings(db_url, tmp_path), **fake_ports()))  # type: ignore[arg-type]
            await third.start("127.0.0.1", 0)  # the lock went with the first instance
            await third.stop()
        else:
            await second.start("127.0.0.1", 0)  # PostgreSQL: the cluster's normal case
            assert second.port != first.port
            await second.stop()
    finally:
        await first.stop()


def test_hotline_serve_on_a_held_sqlite_file_exits_2_with_one_line(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/one.db"
    holder = SingleInstance(url)  # stands for a running instance; a killed one drops it
    holder.acquire()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(HOTLINE_VAR_DIR=str(tmp_path / "var"), HOTLINE_DATABASE_URL=url)
    try:
        run = subprocess.run([sys.executable, "-m", "bot.cli.main", "serve", "--demo", "--port", "0"],
                             env=env, capture_output=True, text=True, timeout=120)
    finally:
        holder.release()
    assert run.returncode == 2, run.stderr[-2000:]
    lines = [line for line in run.stderr.splitlines() if "config error" in line]
    assert len(lines) == 1 and "already serves the SQLite file" in lines[0]
    assert "Traceback" not in run.stderr
