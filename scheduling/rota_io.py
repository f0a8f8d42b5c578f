"""Rota file <-> domain: cross-reference checks (errors name the entry and field) and export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from config.errors import ConfigError
from config.loader import load_yaml
from scheduling.model import Counselor, Leave, Override, Rota, Rotation, Station, Swap, SwapState
from scheduling.rota_file import (
    DAYS,
    LeaveIn,
    OverrideIn,
    RotaFile,
    RotationIn,
    SwapIn,
    format_duration,
    rotation_from_file,
)


def _unique(source: str, kind: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            raise ConfigError(source, f"{kind}.{i}.id", f"duplicate id {x!r}")
        seen.add(x)


def _check(source: str, f: RotaFile) -> None:
    for kind in ("stations", "counselors", "rotations", "overrides", "leave", "swaps"):
        _unique(source, kind, (e.id for e in getattr(f, kind)))
    stations = {s.id for s in f.stations}
    people = {c.id for c in f.counselors}

    def need(ok: bool, kind: str, i: int, entry: str, fld: str, what: str) -> None:
        if not ok:
            raise ConfigError(source, f"{kind}.{i}.{fld}", f"entry {entry!r}: unknown {what}")

    for i, s in enumerate(f.stations):
        need(s.parent is None or s.parent in stations, "stations", i, s.id, "parent", f"station {s.parent!r}")
    for i, c in enumerate(f.counselors):
        need(c.station is None or c.station in stations, "counselors", i, c.id, "station",
             f"station {c.station!r}")
    for i, r in enumerate(f.rotations):
        need(r.station in stations, "rotations", i, r.id, "station", f"station {r.station!r}")
        for who in (*r.members, *r.backup):
            need(who in people, "rotations", i, r.id, "members" if who in r.members else "backup",
                 f"counselor {who!r}")
    spans: list[tuple[str, Sequence[OverrideIn | LeaveIn | SwapIn]]] = [
        ("overrides", f.overrides), ("leave", f.leave), ("swaps", f.swaps)]
    for kind, entries in spans:
        for i, e in enumerate(entries):
            if e.end <= e.start:
                raise ConfigError(source, f"{kind}.{i}.end", f"entry {e.id!r}: end must come after start")
            for fld in ("counselor", "requester", "other", "replaces"):
                ref: str | None = getattr(e, fld, None)
                need(ref is None or ref in people, kind, i, e.id, fld, f"counselor {ref!r}")
            st: str | None = getattr(e, "station", None)
            need(st is None or st in stations, kind, i, e.id, "station", f"station {st!r}")
    _check_cycles(source, f)


def _check_cycles(source: str, f: RotaFile) -> None:
    parent = {s.id: s.parent for s in f.stations}
    for i, s in enumerate(f.stations):
        seen, cur = {s.id}, s.parent
        while cur is not None:
            if cur in seen:
                raise ConfigError(source, f"stations.{i}.parent", f"entry {s.id!r}: stations form a loop")
            seen.add(cur)
            cur = parent.get(cur)


def to_rota(f: RotaFile, source: str = "rota") -> Rota:
    """Check cross-references and build the domain rota."""
    _check(source, f)
    return Rota(
        stations={s.id: Station(s.id, s.name, s.level, s.parent) for s in f.stations},
        counselors={c.id: Counselor(c.id, c.name, tuple(c.languages), c.station, tuple(c.roles),
                                    c.telegram_id, c.web_login, c.active) for c in f.counselors},
        rotations=tuple(rotation_from_file(r) for r in f.rotations),
        overrides=tuple(Override(o.id, o.counselor, o.station, o.start, o.end, o.replaces)
                        for o in f.overrides),
        leave=tuple(Leave(lv.id, lv.counselor, lv.start, lv.end, lv.reason) for lv in f.leave),
        swaps=tuple(Swap(s.id, s.requester, s.other, s.station, s.start, s.end, SwapState(s.state),
                         s.created_by, s.decided_by) for s in f.swaps),
    )


def load_rota_file(path: str | Path) -> Rota:
    """Read, validate and convert a rota YAML file; any problem is one ConfigError."""
    return to_rota(load_yaml(path, RotaFile), str(path))


def rotation_in(data: dict[str, Any]) -> Rotation:
    """A rotation from its file shape (`rotation_out`); pydantic.ValidationError names bad fields."""
    return rotation_from_file(RotationIn.model_validate(data))


def rotation_out(r: Rotation) -> dict[str, Any]:
    """A rotation in the import file's shape (also what an undo restores)."""
    out: dict[str, Any] = {"id": r.id, "station": r.station, "members": list(r.members),
                           "shift": format_duration(r.shift), "start": r.start.isoformat(), "tz": r.tz}
    if r.name:
        out["name"] = r.name
    if len(r.weekdays) < 7:
        out["weekdays"] = [DAYS[d] for d in sorted(r.weekdays)]
    if r.windows:
        out["hours"] = [f"{w.start:%H:%M}-{w.end:%H:%M}" for w in r.windows]
    if r.backup:
        out["backup"] = list(r.backup)
    return out


def _span(e: Override | Leave | Swap) -> dict[str, str]:
    return {"start": e.start.isoformat(), "end": e.end.isoformat()}


def rota_to_dict(rota: Rota) -> dict[str, Any]:
    """The rota in the import file's shape (export, then import, gives the same rota)."""
    def drop_none(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if v is not None}

    return {
        "stations": [drop_none({"id": s.id, "name": s.name, "level": s.level, "parent": s.parent})
                     for s in rota.stations.values()],
        "counselors": [drop_none({"id": c.id, "name": c.name, "languages": list(c.languages),
                                  "station": c.station, "roles": list(c.roles), "telegram_id": c.telegram_id,
                                  "web_login": c.web_login, "active": None if c.active else False})
                       for c in rota.counselors.values()],
        "rotations": [rotation_out(r) for r in rota.rotations],
        "overrides": [drop_none({"id": o.id, "counselor": o.counselor, "station": o.station, **_span(o),
                                 "replaces": o.replaces}) for o in rota.overrides],
        "leave": [drop_none({"id": lv.id, "counselor": lv.counselor, **_span(lv),
                             "reason": lv.reason or None}) for lv in rota.leave],
        "swaps": [drop_none({"id": s.id, "requester": s.requester, "other": s.other, "station": s.station,
                             **_span(s), "state": s.state.value, "created_by": s.created_by or None,
                             "decided_by": s.decided_by}) for s in rota.swaps],
    }
