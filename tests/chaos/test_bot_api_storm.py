"""429 storms and 5xx bursts from the Bot API mixed with steady traffic: every outbox message
delivered exactly once, in order per chat (the long run: `hotline bench chaos --minutes 10`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.devtools.chaos_scenarios import api_storm, flood_control_run

pytestmark = pytest.mark.slow


async def test_a_short_storm_delivers_every_message_once_in_order(tmp_path: Path, checkout: Path) -> None:
    row = await api_storm(tmp_path, checkout, seconds=8)
    ev = row.evidence

    assert ev["failed_calls"] > 0, ev  # the faults did hit
    assert ev["stored"] == ev["pushed"], ev
    assert row.lost == 0 and row.doubled == 0, ev
    assert ev["out_of_order"] == [], ev
    assert ev["delivered"] > 0, ev


async def test_a_message_held_by_flood_control_is_delivered_in_the_end(
        tmp_path: Path, checkout: Path) -> None:
    row = await flood_control_run(tmp_path, checkout)

    assert row.evidence["parked"] == 0 and row.lost == 0, row.evidence
