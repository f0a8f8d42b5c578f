"""Which part of a conversation a staff member may read through a handoff (issue 19, finding 1).

Access follows the handoff: its holder reads the conversation while holding it, and after the
handoff closes, only what was said up to its close. Holding an earlier handoff in the same
conversation gives nothing on a later one (that handoff's holder is somebody else, and the
resident's later words were never shared with the earlier counselor). Earlier contacts are read
through a separate view with its own rule and audit, not through this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ChatWindow:
    """Messages a reader may see: all of them up to `until` (None: up to now, the chat is held)."""

    until: datetime | None


def chat_window(holder_id: str | None, closed_at: datetime | None, reader_id: str) -> ChatWindow | None:
    """The window `reader_id` gets on a handoff held by `holder_id`, or None when they get nothing.

    Only the holder reads; a handoff never accepted (no holder) is read by nobody through here, as
    the queue card already shows its level and reasons. A transfer moves the holder, so the
    counselor who handed it on stops reading at once.
    """
    if holder_id is None or holder_id != reader_id:
        return None
    return ChatWindow(until=closed_at)
