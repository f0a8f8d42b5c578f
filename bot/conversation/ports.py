"""Ports the conversation service needs from triage, the knowledge base, the rota and timers.

The real adapters live in bot/adapters/; unit tests may pass small fakes that honour these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Risk:
    level: str  # none | low | medium | high | imminent
    reasons: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    score: float = 0.0


class TriagePort(Protocol):
    def assess(self, text: str, lang: str | None = None) -> Risk: ...

    def track(self, memory: list[dict[str, Any]], risk: Risk, now: datetime
              ) -> tuple[Risk, list[dict[str, Any]]]: ...


@dataclass(frozen=True)
class Answer:
    kind: str  # answer | fallback | refusal | services
    text: str
    topic: str | None = None
    entry_id: str | None = None
    confidence: float = 0.0
    alternatives: tuple[tuple[str, str], ...] = ()  # (topic id, localised name)


class KnowledgePort(Protocol):
    def answer(self, question: str, lang: str, now: datetime) -> Answer: ...

    def topic_answer(self, topic: str, lang: str) -> Answer: ...


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
                        uow: Any = None) -> StepPlan: ...

    async def on_duty(self, at: datetime, lang: str | None = None, uow: Any = None) -> list[str]: ...

    async def coordinators(self, uow: Any = None) -> list[str]: ...


class TimerPort(Protocol):
    def schedule(self, kind: str, handoff_id: int, version: int, step: int, at: datetime) -> None: ...


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


class RosterPort(Protocol):
    """What coordinators ask of the rota from chat commands; `uow` is the turn's transaction."""

    async def on_duty_detail(self, at: datetime, uow: Any = None) -> list[DutyLine]: ...

    async def week(self, start: datetime, days: int = 7, uow: Any = None) -> list[Span]: ...

    async def gaps(self, start: datetime, days: int = 7, uow: Any = None) -> list[Span]: ...

    async def add_override(self, counselor_id: str, start: datetime, end: datetime,
                           station: str | None, by: str, uow: Any) -> str: ...

    async def pending_swaps(self, uow: Any = None) -> list[tuple[str, str]]: ...

    async def decide_swap(self, swap_id: str, approve: bool, by: str, at: datetime, uow: Any) -> str: ...
