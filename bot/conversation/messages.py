"""The one message type every channel produces, and what the service asks channels to send."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class InboundKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"  # /start, /close ... (Telegram) or a web button that stands for one
    CALLBACK = "callback"  # a button press; `callback_data` says which (bot/conversation/callbacks.py)
    STICKER = "sticker"
    PHOTO = "photo"
    VOICE = "voice"
    EDITED = "edited"  # an earlier message changed
    OTHER = "other"


# Kinds that carry no words of their own (a caption, if any, is triaged as text).
NON_TEXT_KINDS = (InboundKind.STICKER, InboundKind.PHOTO, InboundKind.VOICE, InboundKind.OTHER)


@dataclass(frozen=True)
class Inbound:
    """A resident's or staff member's input, whatever the channel.

    `user_key` is the channel's user id; it is turned into a keyed pseudonym and never stored.
    """

    channel: str  # "telegram" | "web" | "test"
    chat_key: str  # where replies go on that channel
    user_key: str
    text: str = ""
    at: datetime | None = None
    kind: str = InboundKind.TEXT  # an InboundKind
    command: str | None = None
    args: tuple[str, ...] = ()
    callback_data: str | None = None
    update_key: str | None = None  # channel update id: replays are dropped
    lang_hint: str | None = None
    # The emergency numbers already reached this chat for this very line: sent straight while the
    # database was down (bot/services/conversations.py). The stored turn keeps them in the
    # transcript, opens the handoff and pages the chain, but does not send them a second time.
    numbers_sent: bool = False


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Outbound:
    """One message for one chat. Channels without buttons render them as numbered text."""

    channel: str
    chat_key: str
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # Edits an earlier message (a handoff card turning into "taken") instead of sending anew.
    edit_ref: str | None = None
    ref: str | None = None  # a name for this message so it can be edited later
    urgent: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_payload(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in self.buttons],
            "edit_ref": self.edit_ref,
            "ref": self.ref,
            "urgent": self.urgent,
            "extra": self.extra,
        }

    @staticmethod
    def from_payload(channel: str, chat_key: str, payload: dict[str, Any]) -> Outbound:
        buttons = tuple(
            tuple(Button(b["label"], b["data"]) for b in row) for row in payload.get("buttons", [])
        )
        return Outbound(
            channel=channel,
            chat_key=chat_key,
            text=payload["text"],
            buttons=buttons,
            edit_ref=payload.get("edit_ref"),
            ref=payload.get("ref"),
            urgent=payload.get("urgent", False),
            extra=payload.get("extra", {}),
        )


def clean_text(text: str) -> str:
    """Drop control and bidi-override characters (kept: newlines and tabs); NFC for storage."""
    kept = [ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")]
    return unicodedata.normalize("NFC", "".join(kept)).strip()
