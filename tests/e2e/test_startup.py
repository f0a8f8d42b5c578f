"""`hotline serve --demo` as a real process: /healthz answers 200 while the classifiers are still
loading, and every part is ready in the end. No timing is asserted (`hotline bench startup`
prints the figures)."""

from __future__ import annotations

import pytest

from bot.adapters import background
from bot.bench.startup import MILESTONES, one_run


@pytest.mark.slow  # a real `hotline serve` loading every engine: started first (tests/conftest.py)
def test_serve_answers_healthz_before_the_classifiers_load_and_ends_with_every_part_ready() -> None:
    run = one_run(timeout=300)

    assert set(run.wall) == set(MILESTONES), run.last
    assert run.first["lexicon_rules"] == "ready" and run.first["database"] == "up"
    assert run.first["classifier_zh"] == "loading" and run.first["classifier_en"] == "loading"
    assert run.last == {"status": "ok", "database": "up", "lexicon_rules": "ready", "knowledge_base": "ready",
                        "classifier_zh": "ready", "classifier_en": "ready", "deferred_turns": 0}
    assert run.stop_s is not None  # it stopped on SIGTERM instead of being killed


def test_the_loader_thread_runs_queued_loads_in_order_once_started() -> None:
    done: list[str] = []
    background.queue(2, lambda: done.append("classifier"))
    background.queue(1, lambda: done.append("knowledge base"))

    thread = background.start()
    assert thread is not None
    thread.join(10)

    assert done == ["knowledge base", "classifier"]
    assert background.start() is None  # the queue was emptied
