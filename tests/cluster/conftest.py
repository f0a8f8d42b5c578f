"""Fixtures for the tests that run real `hotline serve` processes on one PostgreSQL.

The servers run from a snapshot of the committed tree (bot/devtools/chaos_instance.snapshot), as
tests/chaos does: a half-made edit in the shared working tree cannot fail a run for a reason of
its own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.devtools.chaos_instance import snapshot


@pytest.fixture(scope="session")
def checkout() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hotline-cluster-checkout-") as tmp:
        yield snapshot(Path(tmp))


@pytest.fixture
def pg_url(db_url: str) -> str:
    """The test's PostgreSQL database (emptied, at head); SQLite runs one instance only."""
    if db_url.startswith("sqlite"):
        pytest.skip("several instances run on PostgreSQL only")
    return db_url
