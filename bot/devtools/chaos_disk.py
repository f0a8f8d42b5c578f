"""A small tmpfs the chaos harness fills until SQLite's writes fail, then frees (needs root)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

CHUNK = 64 * 1024


def available() -> str | None:
    if os.geteuid() != 0:
        return "needs root (mount -t tmpfs)"
    return None


class SmallDisk:
    def __init__(self, path: Path, size: str = "4m") -> None:
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
        self.filler = path / "filler"
        self.filled = 0

    def fill(self) -> None:
        """Write until the disk says no space is left (ENOSPC), byte by byte at the end."""
        with self.filler.open("ab", buffering=0) as f:
            for size in (CHUNK, 1024, 1):
                try:
                    while True:
                        self.filled += f.write(b"\0" * size) or 0
                except OSError:
                    continue

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)


def integrity_check(db_path: Path) -> str:
    """SQLite's own check of the whole file: "ok" or what is wrong."""
    with sqlite3.connect(db_path) as conn:
        return "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall())
