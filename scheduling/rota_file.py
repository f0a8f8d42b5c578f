"""The rota YAML file's shape (`hotline rota import FILE` / `export`) as pydantic models.

Field-level problems (a bad duration, a time without an offset) fail validation here; checks
across entries live in rota_io.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scheduling.model import DEFAULT_TZ, Rotation, Window
from scheduling.rotation import zone

Role = Literal["counselor", "coordinator", "admin"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def parse_duration(text: str) -> timedelta:
    """'12h', '1d', '90m', '8h30m' -> timedelta (positive)."""
    m = _DURATION.match(text.strip())
    if not m or not any(m.groups()):
        raise ValueError(f"{text!r} is not a duration like 12h, 1d, 90m or 8h30m")
    d, h, mi = (int(g or 0) for g in m.groups())
    span = timedelta(days=d, hours=h, minutes=mi)
    if span <= timedelta(0):
        raise ValueError("a shift must be longer than zero")
    return span


def format_duration(span: timedelta) -> str:
    minutes = int(span.total_seconds()) // 60
    h, m = divmod(minutes, 60)
    return f"{h}h{m}m" if m else f"{h}h"


def _aware(v: datetime) -> datetime:
    if v.tzinfo is None:
        raise ValueError("give a time zone offset, e.g. 2026-01-05T08:00:00+08:00")
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StationIn(_Strict):
    id: str = Field(min_length=1)
    name: str
    level: Literal["city", "district", "street", "community"]
    parent: str | None = None


class CounselorIn(_Strict):
    id: str = Field(min_length=1)
    name: str
    languages: list[str] = Field(default_factory=lambda: ["zh"], min_length=1)
    station: str | None = None
    roles: list[Role] = Field(default_factory=lambda: list[Role](["counselor"]))
    telegram_id: int | None = None
    web_login: str | None = None
    active: bool = True


class RotationIn(_Strict):
    id: str = Field(min_length=1)
    station: str
    members: list[str] = Field(min_length=1)
    shift: str
    start: datetime
    name: str = ""
    handover: str | None = None  # "08:00": overrides the start's time of day
    tz: str = DEFAULT_TZ
    weekdays: list[Day] = Field(default_factory=lambda: list[Day](["mon", "tue", "wed", "thu", "fri",
                                                                      "sat", "sun"]))
    hours: list[str] = Field(default_factory=list)  # ["18:00-02:00"]
    backup: list[str] = Field(default_factory=list)

    _start = field_validator("start")(_aware)

    @field_validator("shift")
    @classmethod
    def _shift(cls, v: str) -> str:
        parse_duration(v)
        return v

    @field_validator("tz")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            zone(v)
        except Exception:
            raise ValueError(f"unknown time zone {v!r} (use an IANA name like Asia/Shanghai)") from None
        return v

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: list[str]) -> list[str]:
        for w in v:
            m = _WINDOW.match(w)
            if not m or int(m[1]) > 23 or int(m[3]) > 24 or int(m[2]) > 59 or int(m[4]) > 59:
                raise ValueError(f"{w!r} is not an hour window like 18:00-02:00")
        return v

    @field_validator("handover")
    @classmethod
    def _handover(cls, v: str | None) -> str | None:
        if v is not None:
            time.fromisoformat(v)
        return v


class OverrideIn(_Strict):
    id: str
    counselor: str
    station: str
    start: datetime
    end: datetime
    replaces: str | None = None
    _aware = field_validator("start", "end")(_aware)


class LeaveIn(_Strict):
    id: str
    counselor: str
    start: datetime
    end: datetime
    reason: str = ""
    _aware = field_validator("start", "end")(_aware)


class SwapIn(_Strict):
    id: str
    requester: str
    other: str
    station: str
    start: datetime
    end: datetime
    state: Literal["requested", "accepted", "approved", "declined"] = "requested"
    created_by: str = ""
    decided_by: str | None = None
    _aware = field_validator("start", "end")(_aware)


class RotaFile(_Strict):
    stations: list[StationIn] = Field(default_factory=list)
    counselors: list[CounselorIn] = Field(default_factory=list)
    rotations: list[RotationIn] = Field(default_factory=list)
    overrides: list[OverrideIn] = Field(default_factory=list)
    leave: list[LeaveIn] = Field(default_factory=list)
    swaps: list[SwapIn] = Field(default_factory=list)


def _window(text: str) -> Window:
    m = _WINDOW.match(text)
    assert m is not None  # validated
    end = time(0, 0) if int(m[3]) == 24 else time(int(m[3]), int(m[4]))
    return Window(time(int(m[1]), int(m[2])), end)


def rotation_from_file(r: RotationIn) -> Rotation:
    start = r.start
    if r.handover:
        local = start.astimezone(zone(r.tz))
        start = datetime.combine(local.date(), time.fromisoformat(r.handover), zone(r.tz))
    return Rotation(r.id, r.station, tuple(r.members), parse_duration(r.shift), start, r.tz, r.name,
                    frozenset(DAYS.index(d) for d in r.weekdays), tuple(_window(h) for h in r.hours),
                    tuple(r.backup))
