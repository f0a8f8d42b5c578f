"""What a channel sender must do, and the errors that tell the outbox when to try again."""

from __future__ import annotations

from bot.conversation.ports import Sender

__all__ = ["DeliveryError", "RetryLater", "Sender", "Undeliverable"]


class DeliveryError(Exception):
    """Root of delivery failures."""


class RetryLater(DeliveryError):
    """Temporary: rate limit (Telegram 429 retry_after), 5xx, timeout. The outbox tries again."""

    def __init__(self, seconds: float, why: str) -> None:
        super().__init__(why)
        self.seconds = seconds


class Undeliverable(DeliveryError):
    """Permanent: the chat is gone, the bot was blocked. Parked, never retried."""
