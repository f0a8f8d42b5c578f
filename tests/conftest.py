"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, a unit-of-work factory.

PostgreSQL comes from HOTLINE_TEST_POSTGRES_URL (a database the tests may create databases
from). Each test session makes its own fresh database and drops it at the end, so parallel runs
never meet. Under CI=true a PostgreSQL that cannot be reached fails the tests; locally they skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import Cipher, new_key
from bot.storage import migrate
from bot.storage.engine import create_engine, session_factory
from bot.storage.uow import UnitOfWorkFactory
from bot.web.auth import configure_hashing

PG_ENV = "HOTLINE_TEST_POSTGRES_URL"
# argon2's cheapest parameters for staff passwords (config/settings.py password_hash_cost): the
# suite logs in hundreds of times, at about 0.2 s of CPU a hash with the standard ones. Servers the
# tests start as processes inherit it. tests/web/test_password_hashing.py checks both costs.
os.environ.setdefault("HOTLINE_PASSWORD_HASH_COST", "test")
configure_hashing(os.environ["HOTLINE_PASSWORD_HASH_COST"])  # for hashes made before any app is built


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow run first: with the suite spread over workers (make test), a
    200-second test started last would alone decide when the suite ends."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: order kept otherwise


def _pg_connect_args(url: str) -> dict[str, object]:
    u = make_url(url)
    return {"host": u.host, "port": u.port or 5432, "user": u.username, "password": u.password,
            "database": u.database, "timeout": 5}


def _admin_sql(url: str, sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(**_pg_connect_args(url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


HEAD = ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()


def _empty_postgres_at_head(url: str) -> bool:
    """Empty every table of a PostgreSQL database already migrated to head; False when it is
    not at head (a migration test left it elsewhere), so the caller migrates it.
    Emptying takes tens of milliseconds where downgrade-to-base plus upgrade took about 0.4 s per
    test, and the migrations insert no rows, so an emptied database equals a fresh one
    (sequences RESTART: ids start at 1 again, as tests that print "#1" expect)."""
    async def run() -> bool:
        conn = await asyncpg.connect(**_pg_connect_args(url))
        try:
            if not await conn.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL"):
                return False
            if await conn.fetchval("SELECT max(version_num) FROM alembic_version") != HEAD:
                return False
            tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                                      " AND tablename <> 'alembic_version'")
            sequences = await conn.fetch("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
            # DELETE, not TRUNCATE: every TRUNCATE makes new files for each table and flushes them,
            # 0.4-0.6 s for 25 tables (measured under load); DELETE of a test's few rows takes
            # 20-60 ms. The replica role skips foreign-key and other triggers, as TRUNCATE did,
            # which is safe because every table is emptied in the same transaction.
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica;"
                                   + "".join(f'DELETE FROM "{row["tablename"]}";' for row in tables)
                                   + "".join(f'ALTER SEQUENCE "{row["sequencename"]}" RESTART;'
                                             for row in sequences))
            return True
        finally:
            await conn.close()

    return asyncio.run(run())


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


@pytest.fixture(scope="session")
def sqlite_at_head(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head per test process; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("migrated") / "head.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}", "head")
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database at head with no rows: a copy of the migrated SQLite file per test, or the
    session's PostgreSQL database emptied (migrated again only when a test left it elsewhere)."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_at_head"), path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("postgres_base_url")
    if not _empty_postgres_at_head(url):
        migrate.downgrade(url, "base")
        migrate.upgrade(url, "head")
    return url


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
