"""Size bounds on everything a stranger can send us, in one place.

The service clips a resident message to `message_chars` and says so (the clipped text is still
triaged); the web app refuses larger request bodies with 413 and closes a WebSocket that sends a
larger frame. Each bound says where its number comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

# Telegram's own limit on one message is 4096 characters; 4000 keeps our replies that quote a
# little context under it too (Settings.max_message_chars overrides, at least 100).
MESSAGE_CHARS = 4000
# UTF-8 needs at most 4 bytes a character.
UTF8_MAX_BYTES_PER_CHAR = 4
# Room for the JSON envelope around a message (type, sequence number, CSRF token, language).
ENVELOPE_BYTES = 2048
# Forms (login, rota edits) are small; the largest body is a CSV rota import, and 256 kB holds
# about 5,000 shift lines of 50 bytes. Anything larger is refused before it is read.
REQUEST_BODY_BYTES = 256 * 1024
# A Telegram webhook update holds one message of at most 4096 characters (16 kB in UTF-8), maybe
# the message it replies to (another 16 kB), and metadata: 64 kB bounds that with room to spare.
WEBHOOK_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Limits:
    message_chars: int = MESSAGE_CHARS
    request_body_bytes: int = REQUEST_BODY_BYTES
    webhook_body_bytes: int = WEBHOOK_BODY_BYTES

    @property
    def ws_frame_bytes(self) -> int:
        """Largest WebSocket frame a resident's chat may send: one full message in JSON."""
        return self.message_chars * UTF8_MAX_BYTES_PER_CHAR + ENVELOPE_BYTES

    def __post_init__(self) -> None:
        if self.message_chars < 100 or self.request_body_bytes < self.ws_frame_bytes:
            raise ValueError("limits: message_chars >= 100 and a request body must fit one message")


def limits_for(max_message_chars: int) -> Limits:
    """Limits from Settings.max_message_chars (the only bound an operator sets)."""
    return Limits(message_chars=max_message_chars,
                  request_body_bytes=max(REQUEST_BODY_BYTES, max_message_chars * UTF8_MAX_BYTES_PER_CHAR
                                         + ENVELOPE_BYTES))


def clip_message(text: str, limits: Limits) -> tuple[str, bool]:
    """The text cut to `message_chars` characters, and whether it was cut (the resident is told)."""
    if len(text) <= limits.message_chars:
        return text, False
    return text[: limits.message_chars], True
