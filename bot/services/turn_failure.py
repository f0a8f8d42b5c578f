"""What the operator reads when a turn fails: the cause by name, never the message or the SQL.

A full disk used to show as "turn failed (OperationalError)" and nothing else (chaos run "SQLite
disk full"): the operator could not tell it from a locked database or a dropped connection. The
exception's own text is not logged (SQLAlchemy puts the statement and its parameters in it); it is
only searched for the markers each backend uses for a full disk.
"""

from __future__ import annotations

import errno
import logging

log = logging.getLogger("bot.services.conversations")

# SQLite: SQLITE_FULL's message; PostgreSQL: SQLSTATE 53100 disk_full and the OS's ENOSPC text.
DISK_FULL_MARKERS = ("database or disk is full", "No space left on device", "could not extend file")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 10:
        cur = todo.pop()
        if cur is None or any(cur is s for s in seen):
            continue
        seen.append(cur)
        orig = getattr(cur, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
        todo.extend([cur.__cause__, cur.__context__, orig if isinstance(orig, BaseException) else None])
    return seen


def disk_full(exc: BaseException) -> bool:
    """Whether the database (or the disk under it) refused a write for lack of space."""
    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            return True
        if getattr(e, "sqlstate", None) == "53100" or getattr(e, "pgcode", None) == "53100":
            return True
        if any(marker in str(e) for marker in DISK_FULL_MARKERS):
            return True
    return False


def log_turn_failure(exc: BaseException, update_key: str | None) -> None:
    if disk_full(exc):
        log.error("turn failed: database or disk is full (%s); free space on the database's disk. "
                  "Crisis lines still get the emergency numbers; other lines wait and are answered "
                  "once writes succeed; update %s", exc.__class__.__name__, update_key)
        return
    log.error("turn failed (%s); update %s", exc.__class__.__name__, update_key)
