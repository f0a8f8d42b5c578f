"""The login throttle's policy: free tries, then a growing wait capped at a minute, never a lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.security.login_throttle import (
    FREE_PER_ADDRESS,
    FREE_PER_LOGIN_AND_ADDRESS,
    MAX_WAIT_S,
    Failures,
    wait_s,
)

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def test_free_tries_wait_nothing() -> None:
    assert wait_s(Failures(FREE_PER_LOGIN_AND_ADDRESS - 1, FREE_PER_LOGIN_AND_ADDRESS - 1, NOW), NOW) == 0


def test_past_the_free_tries_the_wait_doubles_up_to_a_minute_and_then_the_door_opens() -> None:
    waits = [wait_s(Failures(FREE_PER_LOGIN_AND_ADDRESS + extra, 0, NOW), NOW) for extra in range(5)]
    later = NOW + timedelta(seconds=MAX_WAIT_S)

    assert waits == [10, 20, 40, 60, 60]
    assert wait_s(Failures(FREE_PER_LOGIN_AND_ADDRESS + 50, 0, NOW), later) == 0  # slowed, not locked


def test_an_address_trying_many_logins_is_slowed_too() -> None:
    assert wait_s(Failures(1, FREE_PER_ADDRESS, NOW), NOW + timedelta(seconds=3)) == 7
