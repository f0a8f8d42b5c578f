"""A knowledge base built from the small fixture entries, with the real topics, config and directory."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from knowledge_base import KnowledgeBase, load_kb

FIXTURES = Path(__file__).parent / "fixtures"
ENTRIES = FIXTURES / "entries"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A Shanghai time in the week of Mon 30 Nov 2026 (day 0 = Monday ... 6 = Sunday)."""
    return datetime(2026, 11, 30, hour, minute, tzinfo=SHANGHAI) + timedelta(days=day)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb(ENTRIES)
