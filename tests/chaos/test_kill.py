"""kill -9 of a real `hotline serve` with handoffs in every state, then a restart on the same
database (SQLite and PostgreSQL): nothing lost, nothing sent twice, every timer fires once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.devtools.chaos_kill_taken import kill_with_updates_taken
from bot.devtools.chaos_scenarios import kill_at_every_handoff_state, send_in_flight

pytestmark = pytest.mark.slow


async def test_kill_at_every_handoff_state_loses_nothing_and_moves_every_handoff_on(
        tmp_path: Path, checkout: Path, chaos_db: tuple[str, str]) -> None:
    label, url = chaos_db
    row = await kill_at_every_handoff_state(tmp_path, url, checkout, label)
    ev = row.evidence

    assert row.lost == 0, ev
    assert ev["stored"] == ev["pushed"] and ev["unsent"] == 0 and ev["parked"] == 0, ev
    assert ev["out_of_order"] == [], ev
    # Offered at step n: escalated after the restart; requested: offered (or further) afterwards.
    assert ev["offered_step"][1] > ev["offered_step"][0] or ev["offered_state"] == "fallback", ev
    assert ev["requested_state"] in ("offered", "active", "fallback"), ev
    # Every escalation timer fired once: no step was offered twice to the same counselor. (A
    # delivery resent after the kill is counted apart, in row.doubled: see the test below.)
    assert ev["repeated_offers"] == 0, ev
    # Closing: closed exactly once; follow-up: its timer fired once, one check-in sent.
    assert ev["closes"] == 1, ev
    assert ev["followups_done"] == [True] and ev["check_ins"] == 1, ev


async def test_updates_telegram_forgot_before_their_turns_were_stored_are_handled_after_a_kill(
        tmp_path: Path, checkout: Path, chaos_db: tuple[str, str]) -> None:
    """Regression: `hotline bench chaos` "kill -9 (PostgreSQL)" failed at load 6.5 with "waited 30 s
    for a handoff for chat 7101": the poller had confirmed the crisis line (and a counselor's close)
    to Telegram before their turns were stored, and the kill lost both for good."""
    label, url = chaos_db
    row = await kill_with_updates_taken(tmp_path, url, checkout, label)
    ev = row.evidence

    # The window was open at the kill: both updates confirmed, neither stored nor deferred.
    at_kill = ev["at_kill"]
    assert at_kill["stored"] == at_kill["pushed"] - 1 and at_kill["deferred"] == 0, ev
    assert at_kill["state"] == "offered", ev
    # After the restart: the Accept holds for the counselor who pressed it, the line has its handoff.
    assert ev["accepted"] and ev["holder_chat"] == ev["pressed_by"], ev
    assert ev["line_handoff"] is not None, ev
    assert row.lost == 0 and ev["stored"] == ev["pushed"] and ev["unsent"] == 0, ev
    assert row.doubled == 0 and not row.notes, ev


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "bug: the outbox marks a row sent only after the Bot API answered, so a kill between "
    "Telegram taking the message and the 'sent' commit sends it again on restart "
    "(bot/channels/outbox.py _deliver_one/_mark_sent: at-least-once, not exactly once)"))
async def test_a_kill_while_a_send_is_in_flight_does_not_send_it_twice(
        tmp_path: Path, checkout: Path) -> None:
    row = await send_in_flight(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/chaos.db", checkout, "SQLite")

    assert row.lost == 0, row.evidence  # the message did reach the resident
    assert row.doubled == 0, row.evidence
