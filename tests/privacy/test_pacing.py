"""Edge pacing: a flood waits for tokens, crisis messages never wait."""

from __future__ import annotations

from bot.security.pacing import EdgePacer


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_a_burst_passes_then_each_message_waits_one_token() -> None:
    clock = Clock()
    pacer = EdgePacer(rate_per_s=2.0, burst=3, clock=clock)
    waits = [pacer._take("r") for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == 0.5 and waits[4] == 1.0  # queued behind one another


def test_residents_do_not_share_buckets() -> None:
    pacer = EdgePacer(rate_per_s=1.0, burst=1, clock=Clock())
    assert pacer._take("a") == 0.0 and pacer._take("b") == 0.0


async def test_urgent_messages_never_wait() -> None:
    pacer = EdgePacer(rate_per_s=0.001, burst=1, clock=Clock())
    await pacer.admit("r")
    assert await pacer.admit("r", urgent=True) == 0.0


def test_try_take_spends_tokens_and_stops_when_they_run_out() -> None:
    pacer = EdgePacer(rate_per_s=1.0, burst=2, clock=Clock())
    assert [pacer.try_take("r") for _ in range(3)] == [True, True, False]
