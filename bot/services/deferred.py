"""Turns deferred while the database is down, kept on local disk until they go through.

By the time a turn fails, Telegram has the update confirmed (the next poll does that) and the web
socket has taken the line, so a deferred turn kept only in memory died with the process: the
chaos run "kill -9 with turns deferred" lost the resident's line for good (safety rule 2). Each
deferred turn is one file here, written whole (temporary file, fsync, rename), encrypted with the
message key like every copy of message text (rule 5), and removed once the turn went through. A
restarted process finds the files and runs them in the order they came; the processed-update ids
make a turn that did commit just before a crash count once.

Telegram updates are kept the same way from the moment polling takes them (`UpdateJournal`), so
a kill before the turn is stored loses none either.

One folder per instance (the var dir's): two processes must not share it.
"""

from __future__ import annotations

import asyncio
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
UPDATE_SUFFIX = ".update"


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
        data = self.cipher.encrypt(json.dumps(to_record(inbound), ensure_ascii=False))
        if (why := _write_whole(self.folder, name, data)) is not None:
            log.error("deferred turn not written to %s (%s): kept in memory only", self.folder, why)
            return False
        return True

    def updates(self) -> UpdateJournal:
        """The journal of Telegram updates beside the spool, under the same key."""
        return UpdateJournal(self.folder / "updates", self.cipher)

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


class UpdateJournal:
    """Telegram updates on disk from the moment polling takes them until their turn is done.

    python-telegram-bot's poller confirms a batch to Telegram with its next getUpdates as soon as
    the updates are in the application's queue, before any turn has run; Telegram then forgets
    them. A kill -9 in between lost them for good: in the chaos run "kill -9 (PostgreSQL)" at load
    6.5 a crisis line (no handoff ever opened) and a counselor's close were never stored. The
    application's queue is `queue()`: its `put`, which the poller awaits before it confirms, writes
    the update here first. The handler calls `done` once the service has handled it (stored,
    replayed or deferred to the spool); a restart hands what is left back to the application
    before it polls again, and the processed-update ids make a turn that did commit count once.

    Not fsynced, unlike the spool: the poller writes one update after another, and the syncs cost
    8.9 ms an update here against 0.7 ms without (200 encrypted writes, load 13), so a batch of 100
    would hold its last crisis line 0.9 s. A written file survives the process being killed (the page
    cache is the kernel's); only a power cut or kernel crash in the second before the turn is
    stored could still lose an update.
    """

    def __init__(self, folder: Path, cipher: Cipher) -> None:
        self.folder = folder
        self.cipher = cipher

    def _path(self, update_id: int) -> Path:
        return self.folder / f"{update_id:020d}{UPDATE_SUFFIX}"

    def keep(self, update_id: int, update: dict[str, Any]) -> bool:
        """Write one update (its Bot API JSON); False when it could not be written.

        Never raises: the poller awaits this before it may confirm the update, and an exception
        here would make it fetch the same update again for ever. ASCII JSON, because a text may hold
        lone surrogates (JSON escapes them, UTF-8 cannot encode them) and json.loads restores them."""
        try:
            data = self.cipher.encrypt(json.dumps(update, ensure_ascii=True))
        except (TypeError, ValueError) as exc:
            log.error("telegram update %s not journaled (%s): a crash before its turn is stored loses it",
                      update_id, exc.__class__.__name__)
            return False
        if (why := _write_whole(self.folder, self._path(update_id).name, data, sync=False)) is not None:
            log.error("telegram update %s not journaled in %s (%s): a crash before its turn is "
                      "stored loses it", update_id, self.folder, why)
            return False
        return True

    def done(self, update_id: int) -> None:
        self._path(update_id).unlink(missing_ok=True)

    def left_over(self) -> list[dict[str, Any]]:
        """Updates a previous process took and did not finish, in Telegram's order; a file no key
        reads is set aside as .bad (never dropped)."""
        try:
            paths = sorted(p for p in self.folder.iterdir() if p.name.endswith(UPDATE_SUFFIX))
        except FileNotFoundError:
            return []
        found = []
        for path in paths:
            try:
                found.append(dict(json.loads(self.cipher.decrypt(path.read_bytes()))))
            except (OSError, ValueError, TypeError) as exc:
                log.error("telegram update %s unreadable (%s): renamed to .bad for an operator",
                          path.name, exc.__class__.__name__)
                path.replace(path.with_name(path.name + ".bad"))
        return found

    def queue(self) -> asyncio.Queue[object]:
        """The application's update queue (ApplicationBuilder.update_queue)."""
        return _JournalQueue(self)


class _JournalQueue(asyncio.Queue[object]):
    """Writes an update (anything with an int `update_id` and `to_dict`) to the journal before it
    queues it; other items (the application's stop signal) pass as they are."""

    def __init__(self, journal: UpdateJournal) -> None:
        super().__init__()
        self.journal = journal

    async def put(self, item: object) -> None:
        update_id, to_dict = getattr(item, "update_id", None), getattr(item, "to_dict", None)
        if isinstance(update_id, int) and callable(to_dict):
            await asyncio.to_thread(self.journal.keep, update_id, to_dict())
        await super().put(item)


def _write_whole(folder: Path, name: str, data: bytes, sync: bool = True) -> str | None:
    """Temporary file, rename (fsync of both and of the folder when `sync`); None when written,
    else why not."""
    tmp = folder / f".{name}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            if sync:
                os.fsync(f.fileno())
        os.replace(tmp, folder / name)
        if sync:
            _sync_dir(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        return "the disk is full" if exc.errno == errno.ENOSPC else exc.__class__.__name__
    return None


def _sync_dir(folder: Path) -> None:
    """The rename itself survives a power cut only once the folder is synced."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
