"""One instance per SQLite file: a second `hotline serve` on the same file is refused at start.

Several instances need PostgreSQL: on SQLite nothing claims the outbox across processes, there
is no advisory lock to pick one timer leader (every instance would lead and fire every timer)
and no LISTEN/NOTIFY for the live views. So the serving instance holds an exclusive flock on a
file beside the database; the kernel drops it when the process ends, kill -9 included, so a
crashed instance never blocks its own restart.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from config.errors import ConfigError


def lock_path(database_url: str) -> Path | None:
    """The lock file of a SQLite database file; None for PostgreSQL and in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database)).resolve().with_name(Path(str(url.database)).name + ".instance")


class SingleInstance:
    """Held by the one instance serving a SQLite file; `acquire` refuses a second one."""

    def __init__(self, database_url: str) -> None:
        self.path = lock_path(database_url)
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = self.path.open("a+")
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "unknown"
            f.close()
            db = self.path.with_name(self.path.name.removesuffix(".instance"))
            raise ConfigError(
                "environment", "HOTLINE_DATABASE_URL",
                f"another hotline instance (pid {holder}) already serves the SQLite file {db}; "
                "several instances need PostgreSQL (postgresql+asyncpg://..., docs/DEPLOY.md)") from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        self._file = f

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
