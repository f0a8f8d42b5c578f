"""The "web" channel sender: pushes resident-facing outbox messages to the chat's open sockets.

Sending always succeeds, even with no socket open: the transcript in the database is the source
of truth, and a reconnecting client asks for everything after the last sequence number it saw.
"""

from __future__ import annotations

import logging
from typing import Literal, NotRequired, Protocol, TypedDict

from bot.conversation.messages import Outbound
from bot.storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


Buttons = list[list[dict[str, str]]]


class MessageFrame(TypedDict):
    type: Literal["msg"]
    seq: int | None
    sender: str
    text: str
    buttons: Buttons
    urgent: bool
    alias: str | None


class StateFrame(TypedDict):
    type: Literal["state"]
    state: str
    risk: str
    lang: NotRequired[str]


class TypingFrame(TypedDict):
    type: Literal["typing"]
    sender: Literal["counselor"]


NEW_STATE: StateFrame = {"type": "state", "state": "new", "risk": "none"}  # no open conversation


class Socket(Protocol):
    @property
    def closed(self) -> bool: ...

    async def send_json(self, data: object) -> None: ...


def message_frame(seq: int | None, sender: str, text: str, buttons: Buttons,
                  urgent: bool = False, alias: str | None = None) -> MessageFrame:
    """One chat message as the browser receives it (live push and resync look the same)."""
    return {"type": "msg", "seq": seq, "sender": sender, "text": text, "buttons": buttons,
            "urgent": urgent, "alias": alias}


class SocketGroups(dict[str, set[Socket]]):
    """Open sockets by key (a resident's chat, a counselor's consoles); a key with none left is
    dropped, so the map holds only who is connected now."""

    def attach(self, key: str, ws: Socket) -> None:
        self.setdefault(key, set()).add(ws)

    def detach(self, key: str, ws: Socket) -> None:
        group = self.get(key)
        if group is not None:
            group.discard(ws)
            if not group:
                del self[key]

    def of(self, key: str) -> list[Socket]:
        """A copy: a push may detach a socket while the caller goes through them."""
        return list(self.get(key, ()))


class WebChannel:
    channel = "web"

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow
        self.sockets = SocketGroups()

    def attach(self, chat_key: str, ws: Socket) -> None:
        self.sockets.attach(chat_key, ws)

    def detach(self, chat_key: str, ws: Socket) -> None:
        self.sockets.detach(chat_key, ws)

    async def send(self, message: Outbound) -> str | None:
        group = self.sockets.of(message.chat_key)
        if not group:
            return None  # nobody connected: they will resync from the transcript
        extra = message.extra or {}
        frame = message_frame(extra.get("seq"), str(extra.get("sender", "bot")), message.text,
                              message.to_payload()["buttons"], message.urgent, extra.get("alias"))
        # No open conversation (erased on request): "new" tells the page to drop the old messages.
        # The outbox dispatcher read where the chat stands when it claimed the row ("standing":
        # [state, risk, lang], or None for no open conversation); a send without it reads it here.
        if "standing" in extra:
            standing = extra["standing"]
            state = _state(*standing) if standing else NEW_STATE
        else:
            state = await self.state_frame(message.chat_key) or NEW_STATE
        for ws in group:
            await self._push(ws, frame)
            await self._push(ws, state)
        return None

    async def typing(self, chat_key: str) -> None:
        """The counselor is typing a reply: a hint to this chat's open sockets (bot/web/typing_relay.py)."""
        frame: TypingFrame = {"type": "typing", "sender": "counselor"}
        for ws in self.sockets.of(chat_key):
            await self._push(ws, frame)

    async def state_frame(self, chat_key: str) -> StateFrame | None:
        """Where the resident's conversation stands: drives the "a counselor is coming" status."""
        async with self.uow() as uow:
            standing = await uow.conversations.standing(self.channel, chat_key)
        return None if standing is None else _state(*standing)

    async def _push(self, ws: Socket, frame: MessageFrame | StateFrame | TypingFrame) -> None:
        if ws.closed:
            return
        try:
            await ws.send_json(frame)
        except (ConnectionError, RuntimeError) as exc:  # the socket went away mid-send: resync heals
            log.info("web push dropped (%s)", exc.__class__.__name__)


def _state(state: str, risk: str, lang: str) -> StateFrame:
    return {"type": "state", "state": state, "risk": risk, "lang": lang}
