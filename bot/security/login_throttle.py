"""How long a login must wait after failures (issue 19, finding 2): slow down, never lock out.

Failures are counted per (login, address) and per address, in a sliding window, in the database
(so every instance sees the same counts). Past the free attempts each further try must wait
(10 s, then twice as long as the one before, capped at a minute): a guesser gets a handful of tries an hour
from one address, while the real owner, from another address, is never held up by somebody
else's failures. The owner is told of failed attempts at the next login.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
FREE_PER_LOGIN_AND_ADDRESS = 5  # OWASP: throttle per account and source; typos get room
FREE_PER_ADDRESS = 20  # an office behind one NAT shares an address
FIRST_WAIT_S = 10
MAX_WAIT_S = 60


@dataclass(frozen=True)
class Failures:
    """Failures seen in the window: for this login from this address, and from this address."""

    pair: int
    address: int
    last: datetime | None


def wait_s(f: Failures, now: datetime) -> int:
    """Seconds still to wait before the next try is heard (0: go ahead)."""
    over = max(f.pair - FREE_PER_LOGIN_AND_ADDRESS, f.address - FREE_PER_ADDRESS, -1)
    if over < 0 or f.last is None:
        return 0
    delay = min(FIRST_WAIT_S * 2**over, MAX_WAIT_S)
    left = delay - (now - f.last).total_seconds()
    return max(0, int(left + 0.999))
