"""The rota's data: stations, counselors, rotations, overrides, leave and swaps (frozen dataclasses).

Times are aware datetimes; rotations keep their own time zone because shifts are wall-clock
times ("08:00 to 20:00 in Beijing"), so a DST change makes one shift an hour shorter or longer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

DEFAULT_TZ = "Asia/Shanghai"
LEVELS = ("city", "district", "street", "community")


class Layer(StrEnum):
    """Which layer of the rota put a person on duty."""

    ROTATION = "rotation"
    OVERRIDE = "override"
    SWAP = "swap"
    LEAVE_COVER = "leave_cover"


@dataclass(frozen=True)
class Station:
    id: str
    name: str
    level: str  # city | district | street | community
    parent: str | None = None


@dataclass(frozen=True)
class Counselor:
    id: str
    name: str
    languages: tuple[str, ...] = ("zh",)
    station: str | None = None
    roles: tuple[str, ...] = ("counselor",)
    telegram_id: int | None = None
    web_login: str | None = None
    active: bool = True

    @property
    def is_coordinator(self) -> bool:
        return "coordinator" in self.roles


@dataclass(frozen=True)
class Window:
    """Local hours a rotation is staffed; `end <= start` crosses midnight (18:00-02:00)."""

    start: time
    end: time


@dataclass(frozen=True)
class Rotation:
    """Members take turns, one shift each, from `start` on (wall clock in `tz`).

    `weekdays` (0 = Monday, local) and `windows` narrow the hours a shift is staffed; a window
    crossing midnight belongs to the day it starts on. `backup` names who covers leave first;
    without it the next member in order does.
    """

    id: str
    station: str
    members: tuple[str, ...]
    shift: timedelta
    start: datetime
    tz: str = DEFAULT_TZ
    name: str = ""
    weekdays: frozenset[int] = frozenset(range(7))
    windows: tuple[Window, ...] = ()
    backup: tuple[str, ...] = ()


@dataclass(frozen=True)
class Override:
    """`counselor` is on duty at `station` for [start, end); with `replaces`, instead of that person."""

    id: str
    counselor: str
    station: str
    start: datetime
    end: datetime
    replaces: str | None = None


@dataclass(frozen=True)
class Leave:
    id: str
    counselor: str
    start: datetime
    end: datetime
    reason: str = ""


class SwapState(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"  # by the peer; waits for a coordinator
    APPROVED = "approved"
    DECLINED = "declined"


@dataclass(frozen=True)
class Swap:
    """`requester` and `other` exchange their duty at `station` during [start, end) once approved."""

    id: str
    requester: str
    other: str
    station: str
    start: datetime
    end: datetime
    state: SwapState = SwapState.REQUESTED
    created_by: str = ""
    decided_by: str | None = None


@dataclass(frozen=True)
class DutyAssignment:
    """One person on duty at one station, and the layer that put them there."""

    counselor: str
    station: str
    layer: Layer
    start: datetime
    end: datetime
    rotation: str | None = None
    slot: int | None = None  # the rotation's shift number (who is next follows from it)
    source: str | None = None  # override / swap / leave id behind it


@dataclass(frozen=True)
class Rota:
    """Everything the rota knows; indexes are built once."""

    stations: Mapping[str, Station]
    counselors: Mapping[str, Counselor]
    rotations: tuple[Rotation, ...] = ()
    overrides: tuple[Override, ...] = ()
    leave: tuple[Leave, ...] = ()
    swaps: tuple[Swap, ...] = ()
    _by_station: dict[str, tuple[Rotation, ...]] = field(default_factory=dict, compare=False, repr=False)

    def rotations_at(self, station: str) -> tuple[Rotation, ...]:
        if not self._by_station and self.rotations:
            for r in self.rotations:
                self._by_station[r.station] = (*self._by_station.get(r.station, ()), r)
        return self._by_station.get(station, ())

    def speaks(self, counselor: str, language: str | None) -> bool:
        c = self.counselors.get(counselor)
        return language is None or (c is not None and language in c.languages)

    def chain(self, station: str) -> list[str]:
        """The station and its parents up to the top (community -> street -> district -> city)."""
        out: list[str] = []
        cur: str | None = station
        while cur is not None and cur in self.stations and cur not in out:
            out.append(cur)
            cur = self.stations[cur].parent
        return out
