"""A budget of events per key in a sliding window, kept in memory (issue 19 finding 4).

The probe opened 15 resident chats from one address in seconds, each with an imminent handoff
that paged every counselor on duty. Budgets bound what one address can start; they never slow a
message in a chat already open (crisis lines are answered at once: bot/security/pacing.py).
In memory and per instance on purpose: nothing about an address is stored, and several instances
each allow the budget, which bounds a flood without ever refusing a person the numbers to call.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable


class WindowBudget:
    """At most `limit` takes per key in any `window_s` seconds; the oldest keys are forgotten
    past `max_keys` (a flood of keys must not grow memory without bound)."""

    def __init__(self, limit: int, window_s: float, max_keys: int = 50_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a budget needs a limit of at least 1 and a positive window")
        self.limit, self.window_s, self.max_keys, self.clock = limit, window_s, max_keys, clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            events = self._events[key] = deque()
            if len(self._events) > self.max_keys:
                self._events.popitem(last=False)
        else:
            self._events.move_to_end(key)
        cutoff = self.clock() - self.window_s
        while events and events[0] <= cutoff:
            events.popleft()
        return events

    def take(self, key: str) -> bool:
        """Count one event for `key` if the budget allows it; False (nothing counted) if spent."""
        events = self._recent(key)
        if len(events) >= self.limit:
            return False
        events.append(self.clock())
        return True
