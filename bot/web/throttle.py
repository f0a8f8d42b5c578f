"""The login rate limiter: failed logins counted per login and per address in a sliding window."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

# Login attempts: 5 failures per login and 20 per address in 5 minutes (OWASP authentication
# guidance: throttle per account and per source; an office behind one NAT gets more room).
LOGIN_WINDOW_S = 300.0
LOGIN_FAILS_PER_LOGIN = 5
LOGIN_FAILS_PER_IP = 20


class LoginLimiter:
    """Counts failed logins per key in a sliding window. In memory: a restart forgets, which errs
    towards letting staff in; several instances each count their own (documented limit)."""

    def __init__(self, window_s: float = LOGIN_WINDOW_S, per_login: int = LOGIN_FAILS_PER_LOGIN,
                 per_ip: int = LOGIN_FAILS_PER_IP, now: Callable[[], float] = time.monotonic) -> None:
        self.window_s, self.per_login, self.per_ip, self.now = window_s, per_login, per_ip, now
        self._fails: defaultdict[str, deque[float]] = defaultdict(deque)

    def _count(self, key: str) -> int:
        q = self._fails[key]
        cutoff = self.now() - self.window_s
        while q and q[0] < cutoff:
            q.popleft()
        if not q:
            del self._fails[key]
            return 0
        return len(q)

    def blocked(self, login: str, ip: str) -> bool:
        return self._count(f"login:{login.lower()}") >= self.per_login \
            or self._count(f"ip:{ip}") >= self.per_ip

    def failed(self, login: str, ip: str) -> None:
        t = self.now()
        self._fails[f"login:{login.lower()}"].append(t)
        self._fails[f"ip:{ip}"].append(t)

    def succeeded(self, login: str) -> None:
        self._fails.pop(f"login:{login.lower()}", None)
