"""Per-resident token bucket: a flood is slowed with one gentle notice, never silenced for triage.

Pure: no clock of its own, no I/O. The conversation service calls `check(key, now)` for every
resident text; a denied message is still stored and triaged (risk words still open a handoff),
it just gets no knowledge-base answer until the flood eases. `notice` is True once per flood, on
the first denied message, so the resident sees one "slow down" and not one per message.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Decision:
    allowed: bool
    notice: bool  # say the gentle "slow down" now (only ever with allowed=False)


@dataclass(frozen=True)
class RatePolicy:
    # A burst of 8: people in distress often send several short lines in a row ("hi", "I", "can't
    # go on"); none of those should be slowed. 20 a minute sustained (one token per 3 s) is faster
    # than anyone types by hand, so only pasted or scripted floods meet the limit.
    capacity: float = 8.0
    refill_per_second: float = 1 / 3
    # Residents tracked at once; the least recently seen are forgotten first (a forgotten
    # resident starts with a full bucket, the lenient side).
    max_keys: int = 100_000

    def __post_init__(self) -> None:
        if self.capacity < 1 or self.refill_per_second <= 0 or self.max_keys < 1:
            raise ValueError("rate policy needs capacity >= 1, refill > 0, max_keys >= 1")


@dataclass
class _Bucket:
    tokens: float
    at: datetime
    noticed: bool = False


class RateLimiter:
    """Token buckets keyed by resident (the conversation's chat key or the pseudonym)."""

    def __init__(self, policy: RatePolicy | None = None) -> None:
        self.policy = policy or RatePolicy()
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def check(self, key: str, now: datetime) -> Decision:
        """Spend one token for `key` at `now`; say whether the message gets a normal answer."""
        bucket = self._bucket(key, now)
        self._refill(bucket, now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Decision(allowed=True, notice=False)
        notice = not bucket.noticed
        bucket.noticed = True
        return Decision(allowed=False, notice=notice)

    def __len__(self) -> int:
        return len(self._buckets)

    def _bucket(self, key: str, now: datetime) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(self.policy.capacity, now)
            self._buckets[key] = bucket
            if len(self._buckets) > self.policy.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket

    def _refill(self, bucket: _Bucket, now: datetime) -> None:
        # A clock that steps back (NTP, another instance's time) grants nothing.
        elapsed = max(0.0, (now - bucket.at).total_seconds())
        bucket.tokens = min(self.policy.capacity, bucket.tokens + elapsed * self.policy.refill_per_second)
        bucket.at = max(bucket.at, now)
        if bucket.tokens >= self.policy.capacity:
            bucket.noticed = False  # the flood is over: a new one earns a new notice
