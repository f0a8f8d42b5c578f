"""PostgreSQL connections per instance come from the settings (several instances share one server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import build
from config.settings import load_settings
from tests.fakes.ports import CannedKB, KeywordTriage


async def test_an_instance_holds_at_most_its_configured_connections(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no connection pool to size")
    settings = load_settings(database_url=db_url, demo=True, var_dir=tmp_path, db_pool_size=3,
                             db_max_overflow=1)
    container = build(settings, triage=KeywordTriage(), kb=CannedKB())
    try:
        pool = container.engine.pool
        assert (pool.size(), pool._max_overflow) == (3, 1)  # type: ignore[attr-defined]
    finally:
        await container.engine.dispose()


def test_a_pool_of_none_is_a_config_error_naming_the_variable() -> None:
    with pytest.raises(Exception, match="HOTLINE_DB_POOL_SIZE"):
        load_settings(db_pool_size=0)
