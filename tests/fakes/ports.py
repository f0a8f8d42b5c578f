"""Small fakes of the triage, knowledge-base and rota ports for conversation unit tests.

The end-to-end tests use the real engines; these keep state-machine tests fast and exact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.conversation.ports import DutyLine, OverrideMade, RiskMemory, Span, StepPlan
from bot.storage.uow import UnitOfWork
from knowledge_base import SearchResult
from triage.levels import Assessment, Level, rank


class KeywordTriage:
    """Level from the first keyword found; conversation risk is the max of the last 5 minutes."""

    RULES: tuple[tuple[str, Level], ...] = (
        ("pills here", "imminent"), ("jump now", "imminent"), ("不想活", "high"),
        ("want to die", "high"), ("hopeless", "medium"), ("stressed", "low"))

    def assess(self, text: str, lang: str | None = None) -> Assessment:
        for word, level in self.RULES:
            if word in text.lower():
                return Assessment(level, 0.0, reasons=(f"matched '{word}'",))
        return Assessment("none", 0.0)

    def track(self, memory: RiskMemory, risk: Assessment, now: datetime
              ) -> tuple[Assessment, RiskMemory]:
        memory = [m for m in memory if now.timestamp() - m["t"] < 300] + [
            {"t": now.timestamp(), "level": risk.level, "reasons": list(risk.reasons)}]
        top = max(memory, key=lambda m: rank(m["level"]))
        return Assessment(top["level"], 0.0, reasons=tuple(top["reasons"])), memory


class CannedKB:
    def answer(self, question: str, lang: str, now: datetime) -> SearchResult:
        if "sleep" in question or "睡" in question:
            return SearchResult("answer", lang, "Try a regular bedtime.", 0.9, "sleep", "sleep-001")
        return SearchResult("fallback", lang, "", 0.1, alternatives=(
            ("sleep", "Sleep"), ("anxiety", "Anxiety"), ("stress", "Stress")))

    def topic_answer(self, topic: str, lang: str) -> SearchResult:
        return SearchResult("answer", lang, f"About {topic}.", 1.0, topic, f"{topic}-001")


class StaticRota:
    """Steps: primary (first on duty), everyone on duty, coordinator, fallback."""

    def __init__(self, on_duty: list[str], coordinators: list[str] | None = None,
                 timeout_s: float = 60.0) -> None:
        self.duty = on_duty
        self.coords = coordinators or []
        self.timeout_s = timeout_s
        self.overrides: list[tuple[str, datetime, datetime]] = []

    async def policy_for(self, level: str) -> dict[str, Any]:
        first = "all_on_duty" if level == "imminent" else "on_duty_primary"  # DESIGN: imminent -> everyone
        return {"level": level, "steps": [
            {"kind": first, "timeout_s": self.timeout_s, "repeat": 0},
            {"kind": "all_on_duty", "timeout_s": self.timeout_s, "repeat": 0},
            {"kind": "coordinator", "timeout_s": self.timeout_s, "repeat": 0},
            {"kind": "hotline_fallback", "timeout_s": 0, "repeat": 0}]}

    async def plan_step(self, policy: dict[str, Any], step: int, at: datetime, lang: str,
                        uow: UnitOfWork | None = None) -> StepPlan:
        steps = policy["steps"]
        if step >= len(steps) or steps[step]["kind"] == "hotline_fallback":
            return StepPlan((), 0, fallback=True, notify_coordinators=tuple(self.coords))
        kind = steps[step]["kind"]
        ids = {"on_duty_primary": self.duty[:1], "all_on_duty": self.duty,
               "coordinator": self.coords}[kind]
        return StepPlan(tuple(ids), steps[step]["timeout_s"], steps[step]["repeat"], label=kind)

    async def on_duty(self, at: datetime, lang: str | None = None,
                      uow: UnitOfWork | None = None) -> list[str]:
        return list(self.duty)

    async def coordinators(self, uow: UnitOfWork | None = None) -> list[str]:
        return list(self.coords)

    # RosterPort
    async def on_duty_detail(self, at: datetime, uow: UnitOfWork | None = None) -> list[DutyLine]:
        return [DutyLine("hd", c, c, "rotation") for c in self.duty]

    async def week(self, start: datetime, days: int = 7, uow: UnitOfWork | None = None) -> list[Span]:
        return []

    async def gaps(self, start: datetime, days: int = 7, uow: UnitOfWork | None = None) -> list[Span]:
        return []

    async def add_override(self, uow: UnitOfWork, counselor_id: str, station: str | None,
                           start: datetime, end: datetime, by: str, now: datetime) -> OverrideMade:
        self.overrides.append((counselor_id, start, end))
        return OverrideMade(f"o{len(self.overrides)}", counselor_id, station or "hd")

    async def pending_swaps(self, uow: UnitOfWork | None = None) -> list[tuple[str, str]]:
        return []

    async def decide_swap(self, uow: UnitOfWork, swap_id: str, approve: bool, by: str,
                          now: datetime) -> str:
        return "approved" if approve else "declined"
