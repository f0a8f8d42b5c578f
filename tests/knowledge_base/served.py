"""The real knowledge base served through the real conversation service (fixtures `kb` and `h`,
imported by name): the lexicon and rules screen first, as they do every message, then the entries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import triage
from bot.adapters.kb_adapter import KnowledgeAdapter
from bot.adapters.triage_adapter import TriageAdapter
from knowledge_base import KnowledgeBase, load_kb
from tests.conversation.conftest import Harness, harness


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    """The shipped entries (not the small fixture set of conftest.py), semantic index loaded."""
    kb = load_kb()
    assert kb.wait_semantic(timeout=120)
    return kb


@pytest.fixture
async def h(db_url: str, tmp_path: Path, kb: KnowledgeBase) -> AsyncIterator[Harness]:
    async with harness(db_url, tmp_path, TriageAdapter(engine=triage.lexicon_only_engine()),
                       KnowledgeAdapter(kb=kb)) as run:
        yield run
