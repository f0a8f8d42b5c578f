"""Properties of the chain check over generated chains: any single edit, deletion or swap is named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy.audit import verify_chain
from bot.storage.models import AuditEntry
from bot.storage.repositories import GENESIS, audit_hash

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def chain(n: int) -> list[AuditEntry]:
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        at, detail = T0 + timedelta(seconds=i), {"n": i}
        h = audit_hash(prev, at, f"staff:c{i % 3}", "handoff.accept", f"handoff:{i}", detail)
        rows.append(AuditEntry(id=i, at=at, actor=f"staff:c{i % 3}", action="handoff.accept",
                               object=f"handoff:{i}", detail=detail, prev_hash=prev, hash=h))
        prev = h
    return rows


fields = st.sampled_from(["actor", "action", "object", "detail", "at", "prev_hash", "hash"])


@settings(max_examples=120, deadline=None)
@given(n=st.integers(2, 30), data=st.data(), field=fields)
def test_any_single_edited_field_is_named_as_the_first_bad_row(n: int, data: st.DataObject,
                                                               field: str) -> None:
    rows = chain(n)
    k = data.draw(st.integers(0, n - 1))
    row = rows[k]
    new_value: object = {
        "actor": "staff:x", "action": "export", "object": "all", "detail": {"n": -1},
        "at": row.at + timedelta(microseconds=1), "prev_hash": "e" * 64, "hash": "d" * 64,
    }[field]
    setattr(row, field, new_value)

    result = verify_chain(rows)

    assert not result.ok and result.bad_id == row.id


@settings(max_examples=120, deadline=None)
@given(n=st.integers(3, 30), data=st.data())
def test_any_deleted_row_but_the_newest_is_named_by_its_id(n: int, data: st.DataObject) -> None:
    rows = chain(n)
    k = data.draw(st.integers(0, n - 2))

    result = verify_chain(rows[:k] + rows[k + 1:])

    assert (result.ok, result.bad_id, result.problem) == (False, k + 1, "deleted")


@settings(max_examples=120, deadline=None)
@given(n=st.integers(3, 30), data=st.data())
def test_any_two_swapped_rows_are_caught_at_the_first_of_them(n: int, data: st.DataObject) -> None:
    rows = chain(n)
    i = data.draw(st.integers(0, n - 2))
    j = data.draw(st.integers(i + 1, n - 1))
    a, b = rows[i], rows[j]
    for col in ("at", "actor", "action", "object", "detail", "prev_hash", "hash"):
        va, vb = getattr(a, col), getattr(b, col)
        setattr(a, col, vb)
        setattr(b, col, va)

    result = verify_chain(rows)

    assert not result.ok and result.bad_id == a.id
