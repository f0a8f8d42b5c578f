"""The login throttle's web side: keyed tags for a login and an address, and the calls into the
shared failure counts (bot/storage/throttle_repo.py; policy in bot/security/login_throttle.py).

Counts live in the database, so every instance slows the same guesser down and a restart
forgets nothing. The login and the address are stored only as HMAC tags under a key derived
from the session key: without the key, a tag reveals neither.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from bot.security.login_throttle import wait_s
from bot.storage.throttle_repo import failures, record_failure, take_failures_of
from bot.storage.uow import UnitOfWork


class LoginLimiter:
    def __init__(self, session_key: bytes) -> None:
        self._key = hmac.new(session_key, b"hotline login throttle tags v1", hashlib.sha256).digest()

    def _tag(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def _tags(self, login: str, address: str) -> tuple[str, str]:
        return self._tag("login", login.strip().lower()), self._tag("address", address)

    async def wait_s(self, uow: UnitOfWork, login: str, address: str, now: datetime) -> int:
        """Seconds this (login, address) must still wait before a try is heard; 0 to go ahead."""
        return wait_s(await failures(uow, *self._tags(login, address), now), now)

    async def failed(self, uow: UnitOfWork, login: str, address: str, now: datetime) -> None:
        await record_failure(uow, *self._tags(login, address), now)

    async def succeeded(self, uow: UnitOfWork, login: str) -> int:
        """Failed tries on this login since the window began (any address), to tell its owner."""
        return await take_failures_of(uow, self._tags(login, "")[0])
