"""The audit chain: a pure check that names the first broken row, and a helper to record an action.

Each row's hash covers its content and the previous row's hash (bot.storage.repositories.audit_hash).
What the check can tell:
- edited: a row's content no longer matches its own hash;
- deleted: ids jump (a row is missing), or the chain starts after id 1 with no retention marker
  saying those rows were pruned on purpose;
- reordered: a row's prev_hash belongs to another row than the one before it;
- inserted: a row's prev_hash matches no row at all (a forged row in the middle of the chain).
A forger who rewrites every later hash, or deletes only the newest rows, is not caught by a chain
alone: that needs the newest hash kept elsewhere (a printed report, an external log).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.storage.models import AuditEntry
from bot.storage.repositories import GENESIS, audit_hash
from bot.storage.uow import UnitOfWork

PRUNED_ACTION = "audit.pruned"  # written by retention before it deletes the oldest rows


class ChainRow(Protocol):
    id: int
    at: datetime
    actor: str
    action: str
    object: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    problem: str | None = None  # edited | deleted | reordered | inserted
    why: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.checked} entries"
        return f"audit chain broken at id {self.bad_id}: {self.problem} ({self.why})"


def _anchored(first: ChainRow, markers: list[dict[str, Any]]) -> bool:
    """The first row is the genesis row, or a retention marker covers everything before it."""
    if first.id == 1 and first.prev_hash == GENESIS:
        return True
    for m in markers:
        through = int(m.get("through_id", 0))
        if through == first.id - 1 and m.get("through_hash") == first.prev_hash:
            return True
        if through >= first.id:  # an interrupted prune: rows up to `through` may go any time
            return True
    return False


def _link_problem(prev: ChainRow, row: ChainRow, by_hash: dict[str, int]) -> VerifyResult | None:
    if row.id != prev.id + 1:
        missing = f"{prev.id + 1}" if row.id == prev.id + 2 else f"{prev.id + 1}..{row.id - 1}"
        return VerifyResult(False, 0, prev.id + 1, "deleted", f"ids jump from {prev.id} to {row.id}: "
                            f"row {missing} missing")
    if row.prev_hash == prev.hash:
        return None
    if row.prev_hash in by_hash:
        return VerifyResult(False, 0, row.id, "reordered",
                            f"prev_hash points at row {by_hash[row.prev_hash]}, not at row {prev.id}")
    return VerifyResult(False, 0, row.id, "inserted",
                        f"prev_hash matches no row: this row was inserted, or row {prev.id} was "
                        f"edited and rehashed, or rows were deleted and their ids reused")


def verify_chain(entries: Iterable[ChainRow]) -> VerifyResult:
    """Walk the rows in id order and return the first break (or ok with the number checked)."""
    rows = list(entries)
    markers = [r.detail for r in rows if r.action == PRUNED_ACTION and isinstance(r.detail, dict)]
    # Every row's hash, so a row pointing at a later row is recognised as moved, not forged.
    by_hash = {r.hash: r.id for r in rows}
    prev: ChainRow | None = None
    for n, row in enumerate(rows):
        expected = audit_hash(row.prev_hash, row.at, row.actor, row.action, row.object, row.detail)
        if expected != row.hash:
            return VerifyResult(False, n, row.id, "edited", "content does not match its hash")
        if prev is None:
            if not _anchored(row, markers):
                pruned = [int(m.get("through_id", 0)) for m in markers]
                first_missing = max([p for p in pruned if p < row.id] + [0]) + 1
                return VerifyResult(False, n, first_missing, "deleted",
                                    f"chain starts at id {row.id} (prev_hash not genesis) and no "
                                    f"retention marker covers the rows before it")
        else:
            found = _link_problem(prev, row, by_hash)
            if found is not None:
                return VerifyResult(False, n, found.bad_id, found.problem, found.why)
        prev = row
    return VerifyResult(True, len(rows))


async def record(uow: UnitOfWork, actor: str, action: str, obj: str, now: datetime,
                 detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one staff action to the chain in the caller's transaction (the caller commits).

    `now` is normalised to UTC so the hash computed here equals the one recomputed from the
    database, whatever zone the caller's clock used. Never put message text in `detail`.
    """
    return await uow.audit.append(actor, action, obj, now.astimezone(UTC), detail)
