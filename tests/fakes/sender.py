"""A channel sender that records what it was asked to send (for service-level tests)."""

from __future__ import annotations

import itertools

from bot.channels.base import RetryLater
from bot.conversation.messages import Outbound


class RecordingSender:
    def __init__(self, channel: str = "telegram") -> None:
        self.channel = channel
        self.sent: list[Outbound] = []
        self.fail_next: list[float] = []  # retry_after seconds for the next sends
        self._ids = itertools.count(1)

    async def send(self, message: Outbound) -> str | None:
        if self.fail_next:
            raise RetryLater(self.fail_next.pop(0), "flood")
        self.sent.append(message)
        return str(next(self._ids))

    def to(self, chat_key: str | int) -> list[Outbound]:
        return [m for m in self.sent if m.chat_key == str(chat_key)]

    def texts(self, chat_key: str | int) -> list[str]:
        return [m.text for m in self.to(chat_key)]
