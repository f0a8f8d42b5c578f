"""What a turn decides to do once its transaction has committed (safety rule 2: the handoff is
in the database before anything is sent, and a timer never fires for a row that was rolled back)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.events import Event, EventHub


class TimerKind(StrEnum):
    ESCALATE = "escalate"  # the step's acknowledgement timeout: offer the next step
    CARE = "care"  # a caring message while the resident waits
    FOLLOW_UP = "followup"  # a counselor's scheduled check-in is due


@dataclass
class Timer:
    """A timer names the row it acts on and the version it saw; a stale one does nothing."""

    kind: str  # a TimerKind
    handoff_id: int  # the handoff's id (a follow-up's id for FOLLOW_UP)
    version: int
    step: int
    at: datetime


@dataclass
class After:
    """What to do once the transaction has committed."""

    timers: list[Timer] = field(default_factory=list)
    events: list[tuple[str, int]] = field(default_factory=list)  # (event, handoff id) for live views


class Outbox(Protocol):
    """The outbox dispatcher: rows written in a turn are sent once it is woken after commit."""

    def wake(self) -> None: ...


class TimerPort(Protocol):
    def schedule(self, timer: Timer) -> None: ...


@dataclass(frozen=True)
class Effects:
    """Carries out an `After` once its transaction has committed: timers, the outbox, live views."""

    outbox: Outbox
    timers: TimerPort
    events: EventHub

    def apply(self, after: After) -> None:
        for timer in after.timers:
            self.timers.schedule(timer)
        self.outbox.wake()
        for name, ident in after.events:
            self.events.publish(Event(name, ident))
