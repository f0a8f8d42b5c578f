"""Add to the anonymous per-day counts in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy.tables import AnonymousCount


async def add_counts(session: AsyncSession, day: date, source: str, counts: Mapping[str, int]) -> None:
    """Upsert (day, source, kind) += n for every non-zero count; concurrent callers both land."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for kind, n in counts.items():
        if n <= 0:
            continue
        stmt = insert(AnonymousCount).values(day=day, source=source, kind=kind, count=n)
        stmt = stmt.on_conflict_do_update(
            index_elements=["day", "source", "kind"],
            set_={"count": AnonymousCount.count + stmt.excluded.count},
        )
        await session.execute(stmt)

