"""Small rota builders for the scheduling tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.model import Counselor, Leave, Override, Rota, Rotation, Station, Swap

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


def tree() -> dict[str, Station]:
    return {s.id: s for s in (
        Station("city", "City", "city"),
        Station("hd", "Haidian", "district", "city"),
        Station("st", "Street", "street", "hd"),
        Station("room", "Room", "community", "st"),
    )}


def people(*ids: str, langs: tuple[str, ...] = ("zh",), station: str = "hd") -> dict[str, Counselor]:
    return {i: Counselor(i, i.upper(), langs, station) for i in ids}


def rota(rotations: list[Rotation], counselors: dict[str, Counselor] | None = None,
         overrides: tuple[Override, ...] = (), leave: tuple[Leave, ...] = (),
         swaps: tuple[Swap, ...] = ()) -> Rota:
    members = {m for r in rotations for m in (*r.members, *r.backup)}
    counselors = counselors or people(*sorted(members))
    return Rota(tree(), counselors, tuple(rotations), overrides, leave, swaps)


def day_night(station: str = "hd", members: tuple[str, ...] = ("a", "b"), tz: str = "Asia/Shanghai",
              start: datetime | None = None, **kw: object) -> Rotation:
    """Two 12-hour shifts a day, handover 08:00 and 20:00 local."""
    start = start or sh(2026, 1, 5, 8)
    return Rotation("r-" + station, station, members, timedelta(hours=12), start, tz, **kw)  # type: ignore[arg-type]
