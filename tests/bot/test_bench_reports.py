"""The capacity ramp's report: capacity is the highest step whose p95 stays within 300 ms with
nothing unanswered; a step that misses either does not count."""

from __future__ import annotations

from bot.bench.web import Tally, ramp_report


def step(latencies_ms: list[float], unanswered: int = 0, crisis_ms: tuple[float, ...] = ()) -> Tally:
    return Tally(latencies=[x / 1000 for x in latencies_ms], unanswered=unanswered,
                 crisis=[x / 1000 for x in crisis_ms], crisis_sent=len(crisis_ms))


def test_capacity_is_the_highest_step_within_the_target() -> None:
    steps = [(20.0, step([50.0] * 100)), (40.0, step([80.0] * 95 + [290.0] * 5)),
             (60.0, step([100.0] * 90 + [900.0] * 10, crisis_ms=(200.0,))),
             (80.0, step([60.0] * 100, unanswered=1))]

    text = ramp_report(steps, residents=300, seconds=10)

    assert "capacity (highest offered rate with p95 <= 300 ms, none unanswered): 40 msg/s" in text
    assert "crisis lines sent 1, answered 1" in text
