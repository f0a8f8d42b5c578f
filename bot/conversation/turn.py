"""What one turn came to, for the edge that delivered the message (the web chat acknowledges a
message with its transcript sequence number without reading the transcript again)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.conversation.states import ConvState
from triage.levels import Level


class TurnOutcome(StrEnum):
    DONE = "done"  # committed
    REPLAYED = "replayed"  # an update already handled (a retry or a double click): nothing done
    DEFERRED = "deferred"  # the database failed; the turn is retried later (emergency sent direct)


@dataclass(frozen=True)
class TurnResult:
    outcome: TurnOutcome
    inbound_seq: int | None = None  # transcript id of the resident's message stored this turn
    state: ConvState | None = None  # the resident's conversation afterwards (None: a staff turn)
    level: Level | None = None  # the conversation's tracked risk afterwards
    numbers_sent: bool = False  # deferred after the emergency numbers went out straight


REPLAYED = TurnResult(TurnOutcome.REPLAYED)
DEFERRED = TurnResult(TurnOutcome.DEFERRED)
NUMBERS_SENT = TurnResult(TurnOutcome.DEFERRED, numbers_sent=True)
