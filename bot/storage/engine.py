"""Async engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def ensure_sqlite_dir(url: str) -> None:
    """SQLite needs the folder of its file (default ./var/) to exist."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(url: str, pool_size: int = 10, max_overflow: int = 20) -> AsyncEngine:
    """Build the engine; SQLite gets foreign keys on and a busy timeout for concurrent writers.
    PostgreSQL: each instance holds up to pool_size + max_overflow connections, plus its leader
    lock's and its event bus's (docs/DEPLOY.md sizes them against max_connections)."""
    ensure_sqlite_dir(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": 30})

        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        event.listen(engine.sync_engine, "connect", _pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)


def concurrent_turns(engine: AsyncEngine) -> int:
    """How many conversation turns may use the database at once (bot/services/turn_gate.py).

    SQLite writes one transaction at a time: a second writing turn only waits inside the
    driver's busy timeout, holding a thread, or fails on a stale snapshot, so turns go one by
    one. PostgreSQL runs several; the rest of the pool stays free for the outbox, the sockets'
    reads and the dashboard.
    """
    return 1 if engine.dialect.name == "sqlite" else 6


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
