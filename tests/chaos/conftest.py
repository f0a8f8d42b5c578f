"""Chaos tests: real `hotline serve` processes, real databases, faults from outside.

The server runs from a snapshot of the committed tree (bot/devtools/chaos_instance.snapshot), so
a half-made edit in the shared working tree cannot make a run fail for a reason of its own. The
PostgreSQL cases use a private cluster (never the machine's shared one), the disk case a tmpfs:
both need root and are skipped without it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.devtools import chaos_pg
from bot.devtools.chaos_instance import snapshot
from bot.devtools.chaos_pg import PrivateCluster

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def checkout() -> Iterator[Path]:
    # HOTLINE_CHAOS_CHECKOUT names another tree to run the server from: a change not committed
    # yet, to see a regression test fail on HEAD and pass with it.
    if given := os.environ.get("HOTLINE_CHAOS_CHECKOUT"):
        yield Path(given)
        return
    # Its own temp dir, not pytest's: thousands of files there slow pytest's cleanup of old
    # runs, which other sessions on this machine do at the same time.
    with tempfile.TemporaryDirectory(prefix="hotline-chaos-checkout-") as tmp:
        yield snapshot(Path(tmp))


@pytest.fixture(scope="session")
def cluster() -> Iterator[PrivateCluster]:
    why = chaos_pg.available()
    if why:
        pytest.skip(why)
    c = PrivateCluster()
    c.start()
    yield c
    c.destroy()


_DBS = iter(range(1, 1000))


@pytest.fixture(params=["sqlite", "postgres"])
def chaos_db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(label, url): a fresh SQLite file, or a fresh database on the private cluster."""
    if request.param == "sqlite":
        return "SQLite", f"sqlite+aiosqlite:///{tmp_path}/chaos.db"
    cluster: PrivateCluster = request.getfixturevalue("cluster")
    return "PostgreSQL", cluster.create_db(f"chaos{next(_DBS)}")
