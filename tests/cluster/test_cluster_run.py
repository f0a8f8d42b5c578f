"""Acceptance, small: three `hotline serve` processes on one PostgreSQL, Telegram updates spread
over them by a round-robin proxy, web residents on every instance, crisis lines from both channels
accepted through another instance than the resident's. Nothing lost, nothing doubled, every
crisis carded and its resident told a counselor joined. (`hotline bench cluster` runs the same
harness with 200 web and 50 Telegram residents and prints the figures.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bench.cluster import Cluster, run_load

pytestmark = pytest.mark.slow


async def test_three_instances_lose_nothing_double_nothing_and_card_every_crisis(
        pg_url: str, tmp_path: Path, checkout: Path) -> None:
    async with Cluster(tmp_path, pg_url, 3, checkout) as cl:
        fig = await run_load(cl, web_residents=6, tg_residents=3, seconds=15, think=3, crisis_every=4)
        served, pressed = list(cl.router.served), dict(cl.router.pressed_on)

    assert fig.web.errors == [] and fig.notes == [], (fig.web.errors, fig.notes)
    assert fig.lost == 0 and fig.doubled == 0
    assert fig.web.unanswered == 0 and fig.tg_unanswered == 0
    assert fig.web.sent >= 12 and fig.tg_sent >= 4  # the load really ran
    assert set(served) == {0, 1, 2}  # Telegram's updates reached every instance
    assert len(fig.crises) == 3 and fig.uncarded == 0 and fig.unjoined == 0, fig.crises
    web_crises = [c for c in fig.crises if c.home >= 0]
    # Each web resident's Accept was answered by another instance than the resident's own.
    assert web_crises and all(pressed[f"acc:{c.handoff}"] != c.home for c in web_crises), pressed
