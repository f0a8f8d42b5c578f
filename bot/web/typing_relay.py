"""Typing indicators between a resident's /chat socket and the console of the counselor who holds
the chat, both ways.

A typing frame says only "someone is typing" (to the console: in which handoff); the text being
typed never leaves the browser (safety rule 5). Nothing is stored, put in the outbox or audited:
it is a courtesy signal, lost without harm. Only the holder of an active handoff hears the
resident, and only the holder reaches the resident; any other frame is dropped without a word.

Per instance: the signal does not cross the cluster bus (bot/cluster/notify.py). Each typing
person would cost one NOTIFY every 3 s on every instance for a hint that expires in 6 s; when the
resident's socket and the holder's console sit on different instances, no indicator shows and
the messages still flow as before.
"""

from __future__ import annotations

import logging
import time

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.conversation.states import HandoffState
from bot.storage.uow import UnitOfWorkFactory
from bot.web.web_channel import Socket, SocketGroups, WebChannel

log = logging.getLogger(__name__)
# Browsers send at most one typing frame per 3 s (chat.js, console.js); the server drops anything
# faster from one socket, so a script cannot turn typing into one database read per keystroke.
MIN_GAP_S = 1.0


class Gate:
    """Lets one signal through per MIN_GAP_S; the rest are dropped."""

    def __init__(self) -> None:
        self.last = float("-inf")

    def open(self) -> bool:
        now = time.monotonic()
        if now - self.last < MIN_GAP_S:
            return False
        self.last = now
        return True


class TypingRelay:
    def __init__(self, uow: UnitOfWorkFactory, chat: WebChannel) -> None:
        self.uow, self.chat = uow, chat
        self.consoles = SocketGroups()  # counselor id -> console sockets

    def attach_console(self, counselor_id: str, ws: Socket) -> None:
        self.consoles.attach(counselor_id, ws)

    def detach_console(self, counselor_id: str, ws: Socket) -> None:
        self.consoles.detach(counselor_id, ws)

    async def from_resident(self, chat_key: str) -> None:
        """The resident types: tell the consoles of the counselor holding the chat, if any."""
        try:
            async with self.uow() as uow:
                conv = await uow.conversations.open_for("web", chat_key)
                h = await uow.handoffs.open_for_conversation(conv.id) if conv else None
        except (SQLAlchemyError, OSError) as exc:  # database away: a lost hint, never a closed socket
            log.info("typing dropped (%s)", exc.__class__.__name__)
            return
        if h is None or h.state != HandoffState.ACTIVE or h.counselor_id is None:
            return
        for ws in self.consoles.of(h.counselor_id):
            await _push(ws, {"type": "typing", "handoff": h.id})

    async def from_counselor(self, counselor_id: str, handoff_id: int) -> None:
        """A counselor types in a chat's reply box: tell the resident, if they hold that chat."""
        try:
            async with self.uow() as uow:
                h = await uow.handoffs.get(handoff_id)
                held = h is not None and h.state == HandoffState.ACTIVE and h.counselor_id == counselor_id
                conv = await uow.conversations.get(h.conversation_id) if h and held else None
        except (SQLAlchemyError, OSError) as exc:
            log.info("typing dropped (%s)", exc.__class__.__name__)
            return
        if conv is not None and conv.channel == "web" and conv.closed_at is None:
            await self.chat.typing(conv.chat_key)


async def _push(ws: Socket, frame: dict[str, object]) -> None:
    if ws.closed:
        return
    try:
        await ws.send_json(frame)
    except (ConnectionError, RuntimeError) as exc:
        log.info("typing push dropped (%s)", exc.__class__.__name__)


TYPING = web.AppKey("typing", TypingRelay)
