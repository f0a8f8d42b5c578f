"""Conversation risk holds, then decays slowly; memory stays plain JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from triage import Assessment
from triage.settings import TrackerTimings
from triage.tracker import track

T0 = datetime(2026, 1, 1, 20, 0, tzinfo=UTC)
TIMINGS = TrackerTimings(hold_minutes={"imminent": 45, "high": 60, "medium": 30, "low": 10}, step_minutes=20)
PILLS = Assessment("imminent", 1.0, ("plan",), ('plan: "i have the pills here"',), "en")
CALM = Assessment("none", 0.0, (), (), "en")


def _after(minutes: float, memory: list[dict[str, object]]) -> tuple[Assessment, list[dict[str, object]]]:
    return track(memory, CALM, T0 + timedelta(minutes=minutes), TIMINGS)  # type: ignore[arg-type]


def test_one_calm_line_after_pills_stays_imminent() -> None:
    _, memory = track([], PILLS, T0, TIMINGS)
    conv, _ = _after(1, memory)
    assert conv.level == "imminent"
    assert any("held from a message" in r for r in conv.reasons)


def test_risk_drops_one_step_at_a_time_after_the_hold() -> None:
    _, memory = track([], PILLS, T0, TIMINGS)
    levels = [_after(m, memory)[0].level for m in (44, 50, 70, 90, 110, 130)]
    assert levels == ["imminent", "high", "medium", "low", "none", "none"]


def test_new_higher_message_wins_immediately() -> None:
    _, memory = track([], CALM, T0, TIMINGS)
    conv, _ = track(memory, PILLS, T0 + timedelta(minutes=1), TIMINGS)
    assert conv.level == "imminent"


def test_memory_is_json_and_survives_a_round_trip() -> None:
    _, memory = track([], PILLS, T0, TIMINGS)
    restored = json.loads(json.dumps(memory))
    conv, _ = _after(5, restored)
    assert conv.level == "imminent"


def test_malformed_memory_is_dropped_not_raised() -> None:
    bad: list[dict[str, object]] = [{"t": "yesterday", "level": "high"}, {"level": "loud"}, {}]
    conv, memory = track(bad, CALM, T0, TIMINGS)  # type: ignore[arg-type]
    assert conv.level == "none"
    assert len(memory) == 1


def test_memory_is_bounded() -> None:
    memory: list[dict[str, object]] = []
    for i in range(100):
        _, memory = track(memory, PILLS, T0 + timedelta(seconds=i), TIMINGS)  # type: ignore[arg-type]
    assert len(memory) <= TIMINGS.max_entries
