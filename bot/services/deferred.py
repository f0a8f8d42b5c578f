"""Turns deferred while the database is down, kept on local disk until they go through.

By the time a turn fails, Telegram has the update confirmed (the next poll does that) and the web
socket has taken the line, so a deferred turn kept only in memory died with the process: the
chaos run "kill -9 with turns deferred" lost the resident's line for good (safety rule 2). Each
deferred turn is one file here, written whole (temporary file, fsync, rename), encrypted with the
message key like every copy of message text (rule 5), and removed once the turn went through. A
restarted process finds the files and runs them in the order they came; the processed-update ids
make a turn that did commit just before a crash count once.

One folder per instance (the var dir's): two processes must not share it.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.conversation.messages import Inbound
from bot.crypto import Cipher

log = logging.getLogger(__name__)

SUFFIX = ".turn"


def to_record(inbound: Inbound) -> dict[str, Any]:
    record = dataclasses.asdict(inbound)
    record["at"] = inbound.at.isoformat() if inbound.at else None
    record["args"] = list(inbound.args)
    return record


def from_record(record: dict[str, Any]) -> Inbound:
    fields = {f.name for f in dataclasses.fields(Inbound)}
    values = {k: v for k, v in record.items() if k in fields}
    values["at"] = datetime.fromisoformat(values["at"]) if values.get("at") else None
    values["args"] = tuple(values.get("args") or ())
    return Inbound(**values)


class DeferredSpool:
    """Deferred turns as encrypted files under `folder`, oldest first."""

    def __init__(self, folder: Path, cipher: Cipher) -> None:
        self.folder = folder
        self.cipher = cipher

    def put(self, inbound: Inbound) -> bool:
        """Keep one turn; False when the disk refused it (the caller keeps it in memory)."""
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}{SUFFIX}"
        tmp = self.folder / f".{name}.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = self.cipher.encrypt(json.dumps(to_record(inbound), ensure_ascii=False))
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.folder / name)
            _sync_dir(self.folder)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            why = "the disk is full" if exc.errno == errno.ENOSPC else exc.__class__.__name__
            log.error("deferred turn not written to %s (%s): kept in memory only", self.folder, why)
            return False
        return True

    def pending(self) -> list[tuple[Path, Inbound]]:
        """Every kept turn, oldest first; a file no key reads is set aside (never dropped)."""
        try:
            paths = sorted(p for p in self.folder.iterdir() if p.name.endswith(SUFFIX))
        except FileNotFoundError:
            return []
        found = []
        for path in paths:
            try:
                found.append((path, from_record(json.loads(self.cipher.decrypt(path.read_bytes())))))
            except (OSError, ValueError, TypeError, KeyError) as exc:
                log.error("deferred turn %s unreadable (%s): renamed to .bad for an operator",
                          path.name, exc.__class__.__name__)
                path.replace(path.with_name(path.name + ".bad"))
        return found

    def count(self) -> int:
        try:
            return sum(1 for p in self.folder.iterdir() if p.name.endswith(SUFFIX))
        except FileNotFoundError:
            return 0

    def done(self, path: Path) -> None:
        path.unlink(missing_ok=True)


def _sync_dir(folder: Path) -> None:
    """The rename itself survives a power cut only once the folder is synced."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
