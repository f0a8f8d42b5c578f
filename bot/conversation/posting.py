"""Writing what to send into the outbox inside the current transaction (sent after commit)."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.messages import Button, Outbound
from bot.storage.models import Conversation, Counselor
from bot.storage.uow import UnitOfWork

Buttons = tuple[tuple[Button, ...], ...]


async def say(uow: UnitOfWork, conv: Conversation, text: str, now: datetime, buttons: Buttons = (),
              urgent: bool = False) -> None:
    """A bot message to the resident: kept in the transcript (encrypted) and queued for delivery."""
    msg = await uow.messages.add(conv.id, "bot", text, now)
    out = Outbound(conv.channel, conv.chat_key, text, buttons, urgent=urgent,
                   extra={"seq": msg.id, "sender": "bot"})
    await uow.outbox.add(out.channel, out.chat_key, out.to_payload(), now)


async def record(uow: UnitOfWork, conv: Conversation, text: str, now: datetime) -> None:
    """A bot message that already reached the resident outside the outbox (the emergency numbers
    sent straight while the database was down): kept in the transcript, not sent again."""
    await uow.messages.add(conv.id, "bot", text, now)


async def relay_to_resident(uow: UnitOfWork, conv: Conversation, alias: str, text: str,
                            now: datetime, sender: str = "counselor") -> None:
    """A staff line to the resident; `sender` is "supervisor" for a supervisor who joined."""
    msg = await uow.messages.add(conv.id, sender, text, now)
    out = Outbound(conv.channel, conv.chat_key, f"{alias}: {text}",
                   extra={"seq": msg.id, "sender": sender, "alias": alias})
    await uow.outbox.add(out.channel, out.chat_key, out.to_payload(), now)


def staff_channels(counselor: Counselor) -> list[tuple[str, str]]:
    """Where a counselor receives cards through the outbox: Telegram when bound.

    The web console reads open handoffs and transcripts straight from the database and is
    woken by the in-process event hub, so it needs no outbox rows.
    """
    if counselor.telegram_id is None:
        return []
    return [("telegram", str(counselor.telegram_id))]


async def tell_staff(uow: UnitOfWork, counselor: Counselor, text: str, now: datetime,
                     buttons: Buttons = (), ref: str | None = None, edit_ref: str | None = None,
                     dedupe: str | None = None, html: bool = False) -> None:
    for channel, key in staff_channels(counselor):
        out = Outbound(channel, key, text, buttons,
                       edit_ref=f"{edit_ref}:{channel}" if edit_ref else None,
                       ref=f"{ref}:{channel}" if ref else None, extra={"html": html})
        await uow.outbox.add(channel, key, out.to_payload(), now,
                             dedupe_key=f"{dedupe}:{channel}" if dedupe else None)
