"""Ports the conversation service needs from triage, the knowledge base, the rota, timers and
the channels. Triage answers with `triage.Assessment` and the knowledge base with
`knowledge_base.SearchResult`, the engines' own types; the real adapters live in bot/adapters/ and
unit tests pass small fakes that return the same types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.conversation.effects import Outbox, TimerPort
from bot.conversation.messages import Outbound
from bot.storage.uow import UnitOfWork
from triage.levels import Assessment

if TYPE_CHECKING:
    # Only for annotations: importing the package loads bm25s and scipy (about 3 s), which
    # `hotline serve` does in a background thread (bot/adapters/kb_adapter.py).
    from knowledge_base import SearchResult

# The tracker's JSON memory, stored on the conversation (triage.tracker).
RiskMemory = list[dict[str, Any]]
__all__ = ["DutyLine", "KnowledgePort", "Outbox", "OverrideMade", "RiskMemory", "RosterPort",
           "RotaAndRoster", "RotaPort", "RotaRefused", "Sender", "Span", "StepPlan", "TimerPort",
           "TriagePort"]


class TriagePort(Protocol):
    def assess(self, text: str, lang: str | None = None) -> Assessment: ...

    def track(self, memory: RiskMemory, risk: Assessment, now: datetime
              ) -> tuple[Assessment, RiskMemory]: ...


class KnowledgePort(Protocol):
    def answer(self, question: str, lang: str, now: datetime) -> SearchResult: ...

    def topic_answer(self, topic: str, lang: str) -> SearchResult: ...


class Sender(Protocol):
    """What a channel sender must do (bot/channels/ implements it)."""

    channel: str

    async def send(self, message: Outbound) -> str | None:
        """Deliver; return the channel's message id (for later edits) or None."""
        ...


@dataclass(frozen=True)
class StepPlan:
    """Who to offer a handoff to at one escalation step; `fallback` when the chain has ended."""

    counselor_ids: tuple[str, ...]
    timeout_s: float
    repeat: int = 0
    fallback: bool = False
    label: str = ""
    notify_coordinators: tuple[str, ...] = field(default_factory=tuple)


class RotaPort(Protocol):
    async def policy_for(self, level: str) -> dict[str, Any]:
        """A JSON copy of the escalation policy for `level`, stored on the handoff."""
        ...

    # `uow`: the caller's open transaction, so lookups never need a second connection mid-turn.
    async def plan_step(self, policy: dict[str, Any], step: int, at: datetime, lang: str,
                        uow: UnitOfWork | None = None) -> StepPlan: ...

    async def on_duty(self, at: datetime, lang: str | None = None,
                      uow: UnitOfWork | None = None) -> list[str]: ...

    async def coordinators(self, uow: UnitOfWork | None = None) -> list[str]: ...


@dataclass(frozen=True)
class DutyLine:
    station: str
    counselor_id: str
    name: str
    layer: str  # rotation | override | swap | leave_cover
    until: datetime | None = None


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime
    station: str
    who: str  # counselor name for shifts, "missing N" for gaps


class RotaRefused(Exception):
    """The rota refused a change (unknown id, overlapping override, swap already decided).
    `reason` is the bare cause; the message adds what happened, for a page."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The rota refused this change: {reason.rstrip('.')}.")
        self.reason = reason


@dataclass(frozen=True)
class OverrideMade:
    id: str
    counselor_name: str
    station: str


class RosterPort(Protocol):
    """What coordinators ask of the rota from chat commands; `uow` is the turn's transaction."""

    async def on_duty_detail(self, at: datetime, uow: UnitOfWork | None = None) -> list[DutyLine]: ...

    async def week(self, start: datetime, days: int = 7,
                   uow: UnitOfWork | None = None) -> list[Span]: ...

    async def gaps(self, start: datetime, days: int = 7,
                   uow: UnitOfWork | None = None) -> list[Span]: ...

    async def add_override(self, uow: UnitOfWork, counselor_id: str, station: str | None,
                           start: datetime, end: datetime, by: str, now: datetime) -> OverrideMade:
        """Raises RotaRefused; `station` None: the counselor's own."""
        ...

    async def pending_swaps(self, uow: UnitOfWork | None = None) -> list[tuple[str, str]]: ...

    async def decide_swap(self, uow: UnitOfWork, swap_id: str, approve: bool, by: str,
                          now: datetime) -> str:
        """The swap's new state; raises RotaRefused."""
        ...


class RotaAndRoster(RotaPort, RosterPort, Protocol):
    """Both sides of the rota (bot.services.rota.RotaService, or one test fake)."""
