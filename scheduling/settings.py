"""Escalation policies (config/escalation.yaml) and the demand profile (config/demand.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from config.loader import load_yaml
from scheduling.demand import LINE, DemandProfile, Need, parse_hours
from scheduling.errors import RotaError
from scheduling.escalation import policy_copy
from scheduling.model import DEFAULT_TZ

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
StepKind = Literal["on_duty_primary", "all_on_duty", "backup", "coordinator", "parent_station",
                   "hotline_fallback"]


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: StepKind
    timeout_s: float = Field(default=0, ge=0)  # seconds to wait for an Accept before the next step
    repeat: int = Field(default=0, ge=0, le=10)  # offer the same step again this many times


class LevelPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    steps: list[StepIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _timeouts(self) -> LevelPolicy:
        for i, s in enumerate(self.steps):
            if s.kind != "hotline_fallback" and s.timeout_s <= 0:
                raise ValueError(f"step {i} ({s.kind}) needs a timeout_s above 0")
        return self


class EscalationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    levels: dict[Literal["imminent", "high", "medium", "low"], LevelPolicy]
    default_station: str | None = None  # where an escalation starts when nothing says otherwise

    def policy(self, level: str, station: str | None = None) -> dict[str, Any]:
        """The JSON copy to store on a case when its escalation starts."""
        levels: dict[str, dict[str, Any]] = {str(k): v.model_dump() for k, v in self.levels.items()}
        return policy_copy(levels, level, station if station is not None else self.default_station)


class NeedIn(BaseModel):
    """One line of `needs:` in config/demand.yaml."""

    model_config = ConfigDict(extra="forbid")
    language: str | None = None
    min_staff: int = Field(default=1, ge=1)
    station: str = LINE
    hours: str | None = None  # "HH:MM-HH:MM", local; absent: every hour

    @model_validator(mode="after")
    def _hours(self) -> NeedIn:
        if self.hours is not None:
            try:
                parse_hours(self.hours)
            except RotaError as exc:
                raise ValueError(str(exc)) from None
        return self

    def need(self) -> Need:
        return Need(self.language, self.min_staff, self.station,
                    parse_hours(self.hours) if self.hours is not None else None)


class DemandSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tz: str = DEFAULT_TZ
    hours: list[float] = Field(min_length=24, max_length=24)
    # The shorthand: `min_staff` speakers of each of `languages` at every hour, anywhere on the line.
    min_staff: int = Field(default=1, ge=1)
    languages: list[str] = Field(default_factory=lambda: ["zh"])
    # The explicit model, when given, replaces the shorthand (see config/demand.yaml).
    needs: list[NeedIn] | None = None

    def profile(self) -> DemandProfile:
        return DemandProfile(tuple(self.hours), self.tz)

    def need_list(self) -> list[Need]:
        if self.needs is not None:
            return [n.need() for n in self.needs]
        return [Need(lang, self.min_staff) for lang in self.languages]


def load_escalation(config_dir: str | Path = CONFIG_DIR) -> EscalationSettings:
    return load_yaml(Path(config_dir) / "escalation.yaml", EscalationSettings)


def load_demand(config_dir: str | Path = CONFIG_DIR) -> DemandSettings:
    return load_yaml(Path(config_dir) / "demand.yaml", DemandSettings)
