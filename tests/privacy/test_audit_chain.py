"""The audit chain: `verify_chain` names the first edited, deleted or reordered row;
`hotline audit verify` does the same against a real database edited with SQL."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import text

from bot.privacy.audit import record, verify_chain
from bot.privacy.audit_prune import prune_audit
from bot.storage.models import AuditEntry
from bot.storage.uow import UnitOfWorkFactory
from tests.fakes.clock import FakeClock


async def write_entries(uow: UnitOfWorkFactory, clock: FakeClock, n: int) -> list[AuditEntry]:
    async with uow() as u:
        for i in range(n):
            await record(u, f"staff:c{i % 3}", "handoff.accept", f"handoff:{i}", clock.advance(minutes=1),
                         {"step": i})
        await u.commit()
    async with uow() as u:
        return await u.audit.all()


async def test_intact_chain_verifies(uow: UnitOfWorkFactory) -> None:
    rows = await write_entries(uow, FakeClock(), 5)

    result = verify_chain(rows)

    assert result.ok and result.checked == 5


async def test_edited_row_is_named(uow: UnitOfWorkFactory) -> None:
    rows = await write_entries(uow, FakeClock(), 5)
    rows[2].actor = "staff:someone-else"

    result = verify_chain(rows)

    assert (result.ok, result.bad_id, result.problem) == (False, rows[2].id, "edited")


async def test_deleted_row_is_named_by_the_gap(uow: UnitOfWorkFactory) -> None:
    rows = await write_entries(uow, FakeClock(), 5)

    result = verify_chain(rows[:2] + rows[3:])

    assert (result.bad_id, result.problem) == (rows[2].id, "deleted")


async def test_deleted_first_rows_are_named(uow: UnitOfWorkFactory) -> None:
    rows = await write_entries(uow, FakeClock(), 4)

    result = verify_chain(rows[2:])

    assert (result.bad_id, result.problem) == (1, "deleted")


async def test_swapped_rows_are_reported_as_reordered(uow: UnitOfWorkFactory) -> None:
    rows = await write_entries(uow, FakeClock(), 5)
    a, b = rows[1], rows[2]
    swapped = [rows[0], replace_id(b, a.id), replace_id(a, b.id), *rows[3:]]

    result = verify_chain(swapped)

    assert (result.bad_id, result.problem) == (a.id, "reordered")


def replace_id(row: AuditEntry, new_id: int) -> AuditEntry:
    copy = AuditEntry(id=new_id, at=row.at, actor=row.actor, action=row.action, object=row.object,
                      detail=row.detail, prev_hash=row.prev_hash, hash=row.hash)
    return copy


async def test_retention_prune_leaves_a_chain_that_still_verifies(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    await write_entries(uow, clock, 6)
    cutoff = clock.now() - timedelta(minutes=1, seconds=30)  # rows 1-4 are older (one a minute)

    pruned = await prune_audit(uow, cutoff, clock.now(), batch_size=3)

    async with uow() as u:
        rows = await u.audit.all()
    assert pruned == 4 and rows[0].id == 5
    assert verify_chain(rows).ok
    assert rows[-1].action == "audit.pruned" and rows[-1].detail["through_id"] == 4


def hotline_audit_verify(db_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOTLINE_DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "bot.cli.main", "audit", "verify"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


async def test_cli_names_a_row_edited_directly_in_the_database(uow: UnitOfWorkFactory, db_url: str) -> None:
    rows = await write_entries(uow, FakeClock(), 5)
    intact = hotline_audit_verify(db_url)
    async with uow() as u:
        await u.session.execute(text("UPDATE audit_log SET object = 'handoff:99' WHERE id = :id"),
                                {"id": rows[3].id})
        await u.commit()

    broken = hotline_audit_verify(db_url)

    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert broken.returncode == 1
    assert f"id {rows[3].id}: edited" in broken.stdout


async def test_cli_names_the_gap_left_by_a_deleted_row(uow: UnitOfWorkFactory, db_url: str) -> None:
    rows = await write_entries(uow, FakeClock(), 5)
    async with uow() as u:
        await u.session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[1].id})
        await u.commit()

    broken = hotline_audit_verify(db_url)

    assert broken.returncode == 1
    assert f"id {rows[1].id}: deleted" in broken.stdout and "missing" in broken.stdout


async def test_forged_row_with_a_valid_own_hash_is_reported_as_inserted(uow: UnitOfWorkFactory) -> None:
    from bot.storage.repositories import audit_hash

    rows = await write_entries(uow, FakeClock(), 4)
    forged_prev = "f" * 64
    forged = AuditEntry(id=rows[2].id, at=rows[2].at, actor="staff:x", action="export", object="all",
                        detail={}, prev_hash=forged_prev,
                        hash=audit_hash(forged_prev, rows[2].at, "staff:x", "export", "all", {}))

    result = verify_chain([rows[0], rows[1], forged, rows[3]])

    assert (result.bad_id, result.problem) == (rows[2].id, "inserted")
