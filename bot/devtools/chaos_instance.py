"""One real `hotline serve --demo` process for the chaos harness (`hotline bench chaos`, tests/chaos).

The process talks to the fake Bot API (bot/devtools/fake_telegram.py) that the caller runs in its
own event loop, reads a copy of config/ with short escalation timeouts, and keeps its var dir
(demo keys, demo logins, log) across restarts so a restarted process reads what the killed one
wrote. Faults are injected from outside: `kill9()`, the database (chaos_pg.py, chaos_disk.py),
the fake's `fail_next`.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from bot.crypto import new_key
from bot.devtools.fake_telegram import FakeTelegram

REPO = Path(__file__).resolve().parents[2]
POLL_S = 0.1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def snapshot(dest: Path, rev: str = "HEAD") -> Path:
    """The committed tree at `rev`, unpacked under `dest`: the server runs from it, so edits other
    people have half made in the working tree cannot break a run (as `bench startup --checkout`)."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def tight_config(source: Path, dest: Path, step_timeout_s: int) -> Path:
    """A copy of config/ whose escalation steps time out after `step_timeout_s` seconds."""
    shutil.copytree(source / "config", dest, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    path = dest / "escalation.yaml"
    esc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for level in esc["levels"].values():
        for step in level["steps"]:
            if "timeout_s" in step:
                step["timeout_s"] = step_timeout_s
    path.write_text(yaml.safe_dump(esc, sort_keys=False), encoding="utf-8")
    return dest


class Instance:
    """A `hotline serve --demo` subprocess on a fixed port and database, restartable."""

    def __init__(self, root: Path, db_url: str, fake: FakeTelegram, step_timeout_s: int = 4,
                 extra_env: dict[str, str] | None = None, checkout: Path = REPO) -> None:
        self.root, self.checkout = root, checkout
        self.var_dir = root / "var"
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.config_dir = tight_config(checkout, root / "config", step_timeout_s)
        self.db_url = db_url
        self.fake = fake
        self.port = free_port()
        self.log_path = root / "server.log"
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        # Keys made here and passed in: only the first start seeds the demo rota (`--demo`); a demo
        # start re-imports it, which would unbind the counselors' Telegram ids the rig set.
        self.keys = {"HOTLINE_SECRET_KEY": new_key(), "HOTLINE_PSEUDONYM_KEY": secrets.token_urlsafe(32)}

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
        env.update(HOTLINE_VAR_DIR=str(self.var_dir), HOTLINE_DATABASE_URL=self.db_url,
                   HOTLINE_CONFIG_DIR=str(self.config_dir), HOTLINE_TELEGRAM_TOKEN=self.fake.token,
                   HOTLINE_TELEGRAM_BASE_URL=self.fake.base_url, HOTLINE_LOG_LEVEL="INFO",
                   HOTLINE_CARE_INTERVAL_S="600",
                   PYTHONUNBUFFERED="1", **self.keys)
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        self.starts += 1
        # A file, not a pipe: a full pipe would stall the server. Appended across restarts.
        with self.log_path.open("ab") as out:
            out.write(f"\n=== start {self.starts} ===\n".encode())
            out.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli.main", "serve", *(["--demo"] if self.starts == 1 else []),
                 "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env(), cwd=self.checkout, stdout=out, stderr=out)

    async def health(self) -> dict[str, Any] | None:
        try:
            async with aiohttp.ClientSession() as http, \
                    http.get(f"http://127.0.0.1:{self.port}/healthz",
                             timeout=aiohttp.ClientTimeout(total=3)) as resp:
                body: dict[str, Any] = await resp.json(content_type=None)
                body["_status"] = resp.status
                return body
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return None

    async def ready(self, timeout: float = 90.0) -> float:
        """Poll /healthz until it answers and Telegram is polling; seconds it took."""
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc and self.proc.returncode}): {self.tail()}")
            body = await self.health()
            # The banner line comes after the demo data is seeded (bot/server.py serve_forever).
            if body is not None and body.get("telegram") == "ready" \
                    and self.log_text().count("hotline serving on") >= self.starts:
                return time.monotonic() - started
            await asyncio.sleep(POLL_S)
        raise TimeoutError(f"server not ready in {timeout:.0f} s: {self.tail()}")

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill9()

    def tail(self, chars: int = 1500) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
