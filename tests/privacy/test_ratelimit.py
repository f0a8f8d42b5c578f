"""Per-resident token bucket: bursts pass, floods are slowed with one notice, keys are independent."""

from __future__ import annotations

from datetime import timedelta
from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.security.ratelimit import Decision, RateLimiter, RatePolicy
from tests.fakes.clock import FakeClock

POLICY = RatePolicy(capacity=4, refill_per_second=0.5, max_keys=1000)
T0 = FakeClock().now()


def test_a_burst_up_to_capacity_passes_then_one_notice_then_quiet_denials() -> None:
    limiter = RateLimiter(POLICY)

    decisions = [limiter.check("a", T0) for _ in range(7)]

    assert decisions[:4] == [Decision(True, False)] * 4
    assert decisions[4] == Decision(False, True)
    assert decisions[5:] == [Decision(False, False)] * 2


def test_a_sustained_flood_gets_a_single_notice_though_some_messages_pass() -> None:
    limiter = RateLimiter(POLICY)

    decisions = [limiter.check("a", T0 + timedelta(seconds=i * 0.2)) for i in range(100)]  # 5 a second

    assert sum(d.notice for d in decisions) == 1
    assert 4 < sum(d.allowed for d in decisions) <= 4 + 0.5 * 20  # burst + refill over 20 s


def test_after_a_full_refill_a_new_flood_earns_a_new_notice() -> None:
    limiter = RateLimiter(POLICY)
    for _ in range(6):
        limiter.check("a", T0)

    later = T0 + timedelta(seconds=8)  # 4 tokens at 0.5/s: full again
    decisions = [limiter.check("a", later) for _ in range(6)]

    assert [d.allowed for d in decisions] == [True] * 4 + [False] * 2
    assert decisions[4].notice


def test_a_long_quiet_spell_saves_up_no_more_than_one_burst() -> None:
    limiter = RateLimiter(POLICY)
    limiter.check("a", T0)

    later = T0 + timedelta(days=1)
    decisions = [limiter.check("a", later) for _ in range(6)]

    assert sum(d.allowed for d in decisions) == 4


def test_one_residents_flood_does_not_slow_another() -> None:
    limiter = RateLimiter(POLICY)
    for _ in range(50):
        limiter.check("flooder", T0)

    assert limiter.check("quiet", T0) == Decision(True, False)


def test_a_clock_stepping_back_grants_no_tokens() -> None:
    limiter = RateLimiter(POLICY)
    for _ in range(4):
        limiter.check("a", T0)

    assert not limiter.check("a", T0 - timedelta(hours=1)).allowed
    assert not limiter.check("a", T0).allowed


def test_least_recently_seen_residents_are_forgotten_beyond_max_keys() -> None:
    limiter = RateLimiter(RatePolicy(capacity=1, refill_per_second=0.001, max_keys=3))
    for key in ("a", "b", "c", "d"):
        limiter.check(key, T0)

    assert len(limiter) == 3
    assert limiter.check("a", T0).allowed  # "a" was forgotten: starts full again
    assert not limiter.check("d", T0).allowed


def test_a_policy_that_could_never_allow_is_refused() -> None:
    with pytest.raises(ValueError):
        RatePolicy(capacity=0.5)


gaps = st.lists(st.floats(min_value=0, max_value=30, allow_nan=False), min_size=1, max_size=80)


@settings(max_examples=150, deadline=None)
@given(gaps=gaps, capacity=st.integers(1, 10), rate=st.floats(0.05, 5))
def test_in_any_window_allowed_messages_never_exceed_burst_plus_refill(gaps: list[float], capacity: int,
                                                                       rate: float) -> None:
    limiter = RateLimiter(RatePolicy(capacity=capacity, refill_per_second=rate))
    times = list(accumulate((timedelta(seconds=g) for g in gaps), initial=timedelta()))[1:]
    allowed = [limiter.check("k", T0 + at).allowed for at in times]
    for i in range(len(times)):
        for j in range(i, len(times)):
            window = (times[j] - times[i]).total_seconds()
            assert sum(allowed[i:j + 1]) <= capacity + window * rate + 1e-6


@settings(max_examples=150, deadline=None)
@given(gaps=gaps, capacity=st.integers(2, 10), rate=st.floats(0.05, 5))
def test_notices_come_only_with_denials_and_at_most_once_per_refill(gaps: list[float], capacity: int,
                                                                    rate: float) -> None:
    limiter = RateLimiter(RatePolicy(capacity=capacity, refill_per_second=rate))
    times = list(accumulate((timedelta(seconds=g) for g in gaps), initial=timedelta()))[1:]
    notices = 0
    for at in times:
        d = limiter.check("k", T0 + at)
        assert not (d.notice and d.allowed)
        notices += d.notice
    elapsed = (times[-1] - times[0]).total_seconds()
    # After a notice the bucket must climb from below 1 to full before the next one.
    assert notices <= 1 + elapsed * rate / (capacity - 1) + 1e-6


@settings(max_examples=100, deadline=None)
@given(events=st.lists(st.tuples(st.sampled_from(["a", "b"]), st.floats(0, 5, allow_nan=False)),
                       max_size=60))
def test_decisions_for_one_key_do_not_depend_on_other_keys(events: list[tuple[str, float]]) -> None:
    mixed, alone = RateLimiter(POLICY), RateLimiter(POLICY)
    now = T0
    for key, gap in events:
        now += timedelta(seconds=gap)
        got = mixed.check(key, now)
        if key == "a":
            assert got == alone.check("a", now)


@settings(max_examples=100, deadline=None)
@given(gaps=st.lists(st.floats(min_value=2.0, max_value=100, allow_nan=False), max_size=40))
def test_messages_spaced_by_the_refill_interval_always_pass(gaps: list[float]) -> None:
    limiter = RateLimiter(POLICY)  # 0.5 a second: one token every 2 s
    now = T0
    for gap in gaps:
        now += timedelta(seconds=gap)
        assert limiter.check("k", now).allowed
