"""Re-encrypt every stored ciphertext (message text, outbox payloads, handoff reasons, risk memory)
with the newest key, without downtime.

Procedure (README for operators):
1. `hotline keys new`; put the new key first in HOTLINE_SECRET_KEY, the old ones after it, and
   restart every instance: new rows are now written with the new key, old rows still read.
2. `hotline keys rotate`: batches in id order, each its own short transaction, so the service
   keeps running; an interrupted run is simply started again (rows already under the newest key
   are skipped, nothing is rewritten twice).
3. `hotline keys rotate --check` says 0 rows left; then drop the old keys and restart.

Each UPDATE is guarded on the old ciphertext, so a row changed meanwhile is never overwritten;
only the ciphertext column is written, so the outbox's delivery bookkeeping is untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Integer, LargeBinary, TableClause, bindparam, column, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.privacy import PrivacyError
from bot.storage.repositories import AuditRepo


def _raw(name: str, ciphertext: str) -> tuple[str, TableClause]:
    # Core tables typed as plain bytes: the rotation moves ciphertext as it is, so a sealed
    # column's type (bot/storage/sealed.py) must not decrypt or encrypt it on the way.
    return name, table(name, column("id", Integer), column(ciphertext, LargeBinary))


# (label, table with columns id and the ciphertext): every column that holds encrypted text.
ENCRYPTED_COLUMNS: list[tuple[str, TableClause]] = [
    _raw("messages", "text_enc"),
    _raw("outbox", "payload_enc"),
    _raw("handoffs", "reasons_enc"),
    _raw("conversations", "risk_memory_enc"),
    _raw("case_notes", "note_enc"),  # counselors' notes (issue 16)
]

Progress = Callable[[str, int], None]  # (label, rows looked at in this batch)


@dataclass
class RotateReport:
    rotated: dict[str, int] = field(default_factory=dict)
    already_new: dict[str, int] = field(default_factory=dict)
    # Ids no configured key can read: they are left as they are, and the old key must stay.
    unreadable: dict[str, list[int]] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return not any(self.unreadable.values())


def _fernets(keys: list[str]) -> tuple[Fernet, MultiFernet]:
    try:
        fernets = [Fernet(k.strip().encode()) for k in keys if k.strip()]
    except ValueError:
        raise PrivacyError("HOTLINE_SECRET_KEY holds a value that is not a Fernet key") from None
    if not fernets:
        raise PrivacyError("no key in HOTLINE_SECRET_KEY: put the new key first, the old ones after")
    return fernets[0], MultiFernet(fernets)


def _under_newest(newest: Fernet, token: bytes) -> bool:
    try:
        newest.decrypt(token)
    except InvalidToken:
        return False
    return True


async def _batch(session: AsyncSession, spec: tuple[str, TableClause], after: int, size: int,
                 fernets: tuple[Fernet, MultiFernet], report: RotateReport, write: bool) -> list[int]:
    label, t = spec
    id_col, col = t.c.id, list(t.c)[1]
    newest, multi = fernets
    rows = list(await session.execute(select(id_col, col).where(id_col > after).order_by(id_col).limit(size)))
    changes = []
    for row_id, token in rows:
        if token is None:
            continue
        token = bytes(token)
        if _under_newest(newest, token):
            report.already_new[label] = report.already_new.get(label, 0) + 1
            continue
        try:
            changes.append({"row_id": row_id, "old": token, "new": multi.rotate(token)})
        except InvalidToken:
            report.unreadable.setdefault(label, []).append(row_id)
    if write and changes:  # one executemany per batch
        guarded = update(t).where(id_col == bindparam("row_id"), col == bindparam("old"))
        await session.execute(guarded.values({col.key: bindparam("new")}), changes)
    if changes:
        report.rotated[label] = report.rotated.get(label, 0) + len(changes)
    return [r[0] for r in rows]


async def rotate_all(sessions: async_sessionmaker[AsyncSession], keys: list[str], batch_size: int = 500,
                     write: bool = True, progress: Progress | None = None,
                     clock: Clock | None = None) -> RotateReport:
    """Rewrite every ciphertext not under `keys[0]` (with `write=False`: only count them).

    A rotation that wrote goes on the audit trail with its counts."""
    fernets = _fernets(keys)
    report = RotateReport()
    for spec in ENCRYPTED_COLUMNS:
        after = 0
        while True:
            async with sessions() as session:
                ids = await _batch(session, spec, after, batch_size, fernets, report, write)
                await session.commit()
            if progress is not None:
                progress(spec[0], len(ids))
            if len(ids) < batch_size:
                break
            after = ids[-1]
    if write:
        await _audit(sessions, report, (clock or SystemClock()).now())
    return report


async def _audit(sessions: async_sessionmaker[AsyncSession], report: RotateReport, now: datetime) -> None:
    unreadable = {label: len(ids) for label, ids in report.unreadable.items()}
    async with sessions() as session:
        await AuditRepo(session).append("system:keys", "keys.rotate", "database", now,
                                        {"rotated": report.rotated, "unreadable": unreadable})
        await session.commit()
