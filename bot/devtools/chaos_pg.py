"""A private PostgreSQL cluster the chaos harness may stop and restart (never the machine's shared
one: other people's tests use it). Needs the PostgreSQL 15 binaries and root (the cluster runs as
the `postgres` user, its directory owned by it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bot.devtools.chaos_instance import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> str | None:
    """None when a private cluster can be made here; else why not."""
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL binaries under {PG_BIN}"
    if os.geteuid() != 0:
        return "needs root (the cluster runs as the postgres user)"
    if shutil.which("runuser") is None:
        return "no runuser"
    return None


class PrivateCluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="hotline-chaos-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_pg(PG_BIN / "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                    "--no-sync")

    def _as_pg(self, *cmd: object, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, cmd)], check=check,
                              capture_output=True, text=True, timeout=60)

    def _ctl(self, action: str, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        return self._as_pg(PG_BIN / "pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "pg.log",
                           "-w", *extra, action, check=check)

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        """Fast shutdown: open connections are cut, as when the database server goes away."""
        self._ctl("stop", "-m", "fast", check=False)

    def create_db(self, name: str) -> str:
        self._as_pg(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, name)
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
