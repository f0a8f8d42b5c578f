"""Slow one resident's flood at the channel edge, before it costs the server a turn.

The service-level RateLimiter stops answering a flood but still stores and triages every message,
so a scripted flood still costs one database write per message and can starve other residents.
Where a channel can afford to wait (the web chat reads each socket's frames in order), the
edge waits for a token before handing the message on, so one resident's flood runs at `rate`
messages a second and everyone else keeps their normal latency. Messages that triage rates high
or imminent never wait (safety rule 1): they overtake the queue.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable


class EdgePacer:
    def __init__(self, rate_per_s: float = 2.0, burst: float = 8.0, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("pacing needs a positive rate and a burst of at least 1")
        self.rate, self.burst, self.max_keys, self.clock = rate_per_s, burst, max_keys, clock
        self._buckets: OrderedDict[str, list[float]] = OrderedDict()  # key -> [tokens, at]
        self._locks: dict[str, asyncio.Lock] = {}

    async def admit(self, key: str, urgent: bool = False) -> float:
        """Wait until `key` may send one more message; returns the seconds waited."""
        if urgent:
            return 0.0
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # one resident's sockets share one bucket, in arrival order
            wait = self._take(key)
            if wait > 0:
                await asyncio.sleep(wait)
            return wait

    def try_take(self, key: str) -> bool:
        """Spend a token now if one is free and nothing is queued for `key`; never waits."""
        if not self._free(key):
            return False
        self._take(key)
        return True

    def _free(self, key: str) -> bool:
        bucket = self._buckets.get(key)
        lock = self._locks.get(key)
        if lock is not None and lock.locked():
            return False
        if bucket is None:
            return True
        tokens, at = bucket
        now = self.clock()
        return now >= at and min(self.burst, tokens + (now - at) * self.rate) >= 1

    def _take(self, key: str) -> float:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = [self.burst, now]
            if len(self._buckets) > self.max_keys:
                old, _ = self._buckets.popitem(last=False)
                self._locks.pop(old, None)
        else:
            self._buckets.move_to_end(key)
        tokens, at = bucket
        tokens = min(self.burst, tokens + max(0.0, now - at) * self.rate)
        need = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        ready = max(now, at) + need  # queued behind messages already waiting
        bucket[0], bucket[1] = tokens + need * self.rate - 1, ready
        return ready - now
