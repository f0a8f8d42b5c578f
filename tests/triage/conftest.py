"""One lexicon-only engine and one full engine per test session (loading takes a second)."""

from __future__ import annotations

import pytest

import triage
from triage import TriageEngine


@pytest.fixture(scope="session")
def lexicon_engine() -> TriageEngine:
    return triage.lexicon_only_engine()


@pytest.fixture(scope="session")
def engine() -> TriageEngine:
    return triage.default_engine()
