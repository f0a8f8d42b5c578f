"""Telegram through python-telegram-bot: updates become `Inbound`, `Outbound` becomes Bot API calls.

Names, usernames and Telegram ids never leave this module except as the chat key (where replies
go) and the user key (hashed into a pseudonym by the service).
"""

from __future__ import annotations

import datetime as dtm
import logging
import os
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.base import RetryLater, Undeliverable
from bot.conversation.messages import Inbound, InboundKind, Outbound
from bot.services.deferred import UpdateJournal

log = logging.getLogger(__name__)
# Opt in to PTB's future behaviour (time periods as timedelta): the old ints warn on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")

TELEGRAM_LIMIT = 4096  # characters per message (Bot API)
InboundHandler = Callable[[Inbound], Awaitable[object]]  # the turn result is not needed here


def split_text(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at paragraph, then line, then hard boundaries so no part exceeds `limit`."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    parts.append(rest)
    return [p for p in parts if p] or [""]


def _markup(msg: Outbound) -> InlineKeyboardMarkup | None:
    if not msg.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data[:64]) for b in row] for row in msg.buttons]
    )


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class TelegramSender:
    channel = "telegram"

    def __init__(self, application: Application) -> None:  # type: ignore[type-arg]
        self.app = application

    async def send(self, msg: Outbound) -> str | None:
        try:
            return await self._send(msg)
        except RetryAfter as exc:
            raise RetryLater(_retry_seconds(exc), "telegram flood control") from None
        except Forbidden:
            raise Undeliverable("bot blocked or chat gone") from None
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return None
            raise Undeliverable(f"bad request: {exc.__class__.__name__}") from None
        except (TimedOut, NetworkError, TelegramError) as exc:
            raise RetryLater(2.0, exc.__class__.__name__) from None

    async def _send(self, msg: Outbound) -> str | None:
        bot = self.app.bot
        html = "HTML" if msg.extra.get("html") else None
        edit_id = msg.extra.get("edit_message_id")
        if msg.edit_ref and edit_id:
            await bot.edit_message_text(chat_id=int(msg.chat_key), message_id=int(edit_id),
                                        text=msg.text[:TELEGRAM_LIMIT], parse_mode=html,
                                        reply_markup=_markup(msg))
            return str(edit_id)
        parts = split_text(msg.text)
        sent_id: str | None = None
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            sent = await bot.send_message(chat_id=int(msg.chat_key), text=part, parse_mode=html,
                                          reply_markup=_markup(msg) if last else None)
            sent_id = str(sent.message_id)
        return sent_id


def to_inbound(update: Update) -> Inbound | None:
    """Turn any update into the one inbound type; None for updates we do not handle."""
    if update.callback_query is not None:
        q = update.callback_query
        chat = q.message.chat.id if q.message is not None else q.from_user.id
        return Inbound(channel="telegram", chat_key=str(chat), user_key=str(q.from_user.id),
                       kind=InboundKind.CALLBACK, callback_data=q.data or "", update_key=f"tg:cq:{q.id}")
    msg = update.edited_message or update.message
    if msg is None or msg.from_user is None:
        return None
    base = Inbound(channel="telegram", chat_key=str(msg.chat.id), user_key=str(msg.from_user.id),
                   at=msg.date, update_key=f"tg:u:{update.update_id}",
                   lang_hint=(msg.from_user.language_code or None))
    if update.edited_message is not None:
        return replace(base, text=msg.text or msg.caption or "", kind=InboundKind.EDITED)
    if msg.text is not None and msg.text.startswith("/"):
        head, *args = msg.text.split()
        command = head[1:].split("@")[0].lower()
        return replace(base, text=msg.text, kind=InboundKind.COMMAND, command=command, args=tuple(args))
    if msg.text is not None:
        return replace(base, text=msg.text)
    kind = InboundKind.OTHER
    if msg.sticker:
        kind = InboundKind.STICKER
    elif msg.photo:
        kind = InboundKind.PHOTO
    elif msg.voice or msg.audio:
        kind = InboundKind.VOICE
    return replace(base, text=msg.caption or "", kind=kind)


def build_application(token: str, base_url: str, on_inbound: InboundHandler,
                      journal: UpdateJournal | None = None) -> Application:  # type: ignore[type-arg]
    """A PTB Application whose every update goes to `on_inbound` (the conversation service).

    With a journal (polling), an update is on disk before the poller confirms it to Telegram and
    leaves it only once `on_inbound` has handled it (bot/services/deferred.py UpdateJournal)."""

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inbound = to_inbound(update)
        if update.callback_query is not None:
            try:  # stop the button's spinner; a failure here must not lose the click
                await update.callback_query.answer()
            except TelegramError:
                log.info("answerCallbackQuery failed; the click is still handled")
        if inbound is not None:
            await on_inbound(inbound)  # never raises: a turn the database fails is deferred
        if journal is not None:
            journal.done(update.update_id)

    builder = ApplicationBuilder()
    if journal is not None:
        builder = builder.update_queue(journal.queue())
    app = (
        builder
        .token(token)
        .base_url(base_url)
        .concurrent_updates(64)  # conversations run in parallel; the service locks per conversation
        .connection_pool_size(32)  # the outbox sends to several chats at once
        # One long poll in flight plus the final getUpdates PTB sends on shutdown to confirm offsets.
        .get_updates_connection_pool_size(2)
        .build()
    )
    app.add_handler(TypeHandler(Update, handle))
    return app
