"""Button callback data, built and read in this module only.

Telegram carries at most 64 bytes of callback data and a client can forge it, so decoding never
trusts a field: a row id is a short run of ASCII digits or nothing. Formats (`head:field:...`):
acc:H, dec:H, out:H:OUTCOME, fu:H:KIND|none, tr:H:COUNSELOR (staff, H a handoff id);
sw:SWAP:approve|decline (coordinators); talk:yes|no, fb:1|-1:ENTRY, topic:TOPIC, lang:zh|en,
forget:yes|no, rate:H:1..5|skip (residents).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Head(StrEnum):
    ACCEPT = "acc"
    DECLINE = "dec"
    OUTCOME = "out"
    FOLLOW_UP = "fu"
    TRANSFER = "tr"
    SWAP = "sw"
    TALK = "talk"
    FEEDBACK = "fb"
    TOPIC = "topic"
    LANG = "lang"
    FORGET = "forget"
    RATE = "rate"


# Buttons only staff may press; a resident pressing one (a forged or stale button) is told so.
STAFF_HEADS = frozenset({Head.ACCEPT, Head.DECLINE, Head.OUTCOME, Head.FOLLOW_UP, Head.TRANSFER,
                         Head.SWAP})
NO_FOLLOW_UP = "none"


def row_id(text: str) -> int | None:
    """A row id from callback data, or None: an id past the database's integer range (or a digit
    like '²' that int() refuses) must not fail the turn."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


@dataclass(frozen=True)
class Callback:
    """Decoded callback data. `parts` are the colon-separated fields after the head; `rest` is
    everything after the first colon (a feedback subject may itself hold colons)."""

    head: str
    parts: tuple[str, ...]
    rest: str

    @property
    def handoff_id(self) -> int | None:
        return row_id(self.parts[0]) if self.parts else None

    @property
    def is_staff(self) -> bool:
        return self.head in STAFF_HEADS


def decode(data: str) -> Callback:
    head, *parts = data.split(":")
    return Callback(head, tuple(parts), data.partition(":")[2])


def accept(handoff_id: int) -> str:
    return f"{Head.ACCEPT}:{handoff_id}"


def decline(handoff_id: int) -> str:
    return f"{Head.DECLINE}:{handoff_id}"


def outcome(handoff_id: int, key: str) -> str:
    return f"{Head.OUTCOME}:{handoff_id}:{key}"


def follow_up(handoff_id: int, kind: str) -> str:
    return f"{Head.FOLLOW_UP}:{handoff_id}:{kind}"


def transfer(handoff_id: int, counselor_id: str) -> str:
    return f"{Head.TRANSFER}:{handoff_id}:{counselor_id}"


def swap(swap_id: str, approve: bool) -> str:
    return f"{Head.SWAP}:{swap_id}:{'approve' if approve else 'decline'}"


def talk(yes: bool) -> str:
    return f"{Head.TALK}:{'yes' if yes else 'no'}"


MISS = "miss"  # "not what I asked": the answer was about something else (stored as answer_miss)


def feedback(helpful: bool, subject: str) -> str:
    return f"{Head.FEEDBACK}:{1 if helpful else -1}:{subject}"


def missed(subject: str) -> str:
    """The answer to `subject` (an entry id) was not what the resident asked."""
    return f"{Head.FEEDBACK}:{MISS}:{subject}"


def topic(topic_id: str) -> str:
    return f"{Head.TOPIC}:{topic_id}"


def forget(yes: bool) -> str:
    return f"{Head.FORGET}:{'yes' if yes else 'no'}"


def rate(handoff_id: int, value: str) -> str:
    return f"{Head.RATE}:{handoff_id}:{value}"
