"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, a unit-of-work factory.

PostgreSQL comes from HOTLINE_TEST_POSTGRES_URL (a database the tests may create databases
from). Each test session makes its own fresh database and drops it at the end, so parallel runs
never meet. Under CI=true a PostgreSQL that cannot be reached fails the tests; locally they skip.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import Cipher, new_key
from bot.storage import migrate
from bot.storage.engine import create_engine, session_factory
from bot.storage.uow import UnitOfWorkFactory

PG_ENV = "HOTLINE_TEST_POSTGRES_URL"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow run first: with the suite spread over workers (make test), a
    200-second test started last would alone decide when the suite ends."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: order kept otherwise


def _admin_sql(url: str, sql: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    u = make_url(url)

    async def run() -> None:
        conn = await asyncpg.connect(host=u.host, port=u.port or 5432, user=u.username,
                                     password=u.password, database=u.database, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="session")
def postgres_base_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (created and dropped here)."""
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_ENV} is not set in CI: PostgreSQL tests must run")
        pytest.skip(f"{PG_ENV} not set")
    name = f"hotline_t_{uuid.uuid4().hex[:10]}"
    try:
        _admin_sql(base, f'CREATE DATABASE "{name}"')
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_ENV} unreachable in CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    yield str(make_url(base).set(database=name).render_as_string(hide_password=False))
    _admin_sql(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, not migrated: for migration tests."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/test.db"
    url: str = request.getfixturevalue("postgres_base_url")
    migrate.downgrade(url, "base")
    return url


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A database migrated to head (SQLite file per test; the session's PostgreSQL reset per test)."""
    migrate.upgrade(empty_db_url, "head")
    return empty_db_url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def cipher() -> Cipher:
    return Cipher([new_key()])


@pytest.fixture
def uow(engine: AsyncEngine, cipher: Cipher) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(session_factory(engine), cipher)
