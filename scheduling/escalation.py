"""Escalation chains: who is asked at each step, and when the chain has ended.

A policy is copied onto the case when escalation starts (`policy_copy`): a plain JSON dict, so
later edits to config/escalation.yaml do not change a running escalation (GoAlert and Grafana
OnCall do the same). `step_targets` is pure: policy + step + compiled rota + time -> targets.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scheduling.errors import RotaError
from scheduling.model import DutyAssignment, Layer, Rota
from scheduling.rotation import member_of
from scheduling.schedule import Schedule

STEP_KINDS = ("on_duty_primary", "all_on_duty", "backup", "coordinator", "parent_station",
              "hotline_fallback")


@dataclass(frozen=True)
class StepTargets:
    """Who to notify at one step; `fallback` means the chain has ended (24-hour hotline)."""

    kind: str
    counselors: tuple[str, ...]
    timeout_s: float
    repeat: int
    fallback: bool = False
    coordinators: tuple[str, ...] = ()  # told when the chain ends
    note: str = ""  # for the card: why these people (e.g. nobody on duty speaks the language)


# Step kinds in words, for the card a counselor sees (never the raw config code).
STEP_WORDS = {"on_duty_primary": "first on duty", "all_on_duty": "everyone on duty", "backup": "backup",
              "coordinator": "coordinator", "parent_station": "next station up",
              "hotline_fallback": "24-hour hotline"}
LANGUAGE_WORDS = {"zh": "Chinese", "en": "English"}


def policy_copy(levels: Mapping[str, Mapping[str, Any]], level: str,
                station: str | None = None) -> dict[str, Any]:
    """A JSON-able deep copy of the policy for `level`, to store on the case."""
    if level not in levels:
        raise RotaError(f"no escalation policy for level {level!r}: add it to config/escalation.yaml")
    steps = [{"kind": str(s["kind"]), "timeout_s": float(s.get("timeout_s", 0)),
              "repeat": int(s.get("repeat", 0))} for s in levels[level]["steps"]]
    return copy.deepcopy({"level": level, "station": station, "steps": steps})


def _prefer(found: Sequence[DutyAssignment], schedule: Schedule, language: str | None) -> list[str]:
    """People who speak the language first; if nobody does, everyone (a crisis needs someone)."""
    people = list(dict.fromkeys(d.counselor for d in found))
    speakers = [c for c in people if schedule.rota.speaks(c, language)]
    return speakers or people


def _coordinators(schedule: Schedule, station: str | None) -> list[str]:
    return coordinators_for(schedule.rota, station)


def coordinators_for(rota: Rota, station: str | None) -> list[str]:
    """Coordinators of the station, else of the nearest station up the tree, else all of them."""
    everyone = [c.id for c in rota.counselors.values() if c.is_coordinator and c.active]
    for sid in rota.chain(station) if station else []:
        here = [c for c in everyone if rota.counselors[c].station == sid]
        if here:
            return here
    return everyone


def _backup(schedule: Schedule, station: str | None, at: datetime, away: frozenset[str]) -> list[str]:
    """Each running rotation's backup, else the member of its next shift, not on leave now."""
    found = schedule.on_duty(at, station)
    on_duty = {d.counselor for d in found}
    rotations = {r.id: r for r in schedule.rota.rotations}
    off = {lv.counselor for lv in schedule.rota.leave if lv.start <= at < lv.end} | away
    out: list[str] = []
    for d in found:
        rot = rotations.get(d.rotation or "")
        if rot is None or d.slot is None or d.layer == Layer.OVERRIDE:
            continue
        for c in (*rot.backup, *(member_of(rot, d.slot + i) for i in range(1, len(rot.members)))):
            if c not in on_duty and c not in off:
                out.append(c)
                break
    return list(dict.fromkeys(out))


def _present(schedule: Schedule, at: datetime, station: str | None,
             away: frozenset[str]) -> list[DutyAssignment]:
    return [d for d in schedule.on_duty(at, station) if d.counselor not in away]


def _parent_station(schedule: Schedule, station: str | None, at: datetime, lang: str | None,
                    away: frozenset[str]) -> list[str]:
    """Everyone on duty at the nearest station up the tree that has anyone on duty."""
    for sid in schedule.rota.chain(station)[1:] if station else []:
        found = _prefer(_present(schedule, at, sid, away), schedule, lang)
        if found:
            return found
    return []


def _who(kind: str, schedule: Schedule, station: str | None, at: datetime, lang: str | None,
         away: frozenset[str]) -> tuple[list[str], str]:
    """The people for one step, and a note for the card when the language changed who they are."""
    words = LANGUAGE_WORDS.get(lang or "", lang or "")
    if kind in ("on_duty_primary", "all_on_duty"):
        present = _present(schedule, at, station, away)
        people = _prefer(present, schedule, lang)
        note = ""
        if lang and people and not any(schedule.rota.speaks(c, lang) for c in people):
            note = f"no {words} speaker on duty: offered to everyone on duty"
        return (people[:1] if kind == "on_duty_primary" else people), note
    if kind == "backup":
        # An English chat goes first to English speakers on duty; once they have had their steps,
        # everyone else on duty is asked too, beside the backup.
        on_duty = list(dict.fromkeys(d.counselor for d in _present(schedule, at, station, away)))
        others = [c for c in on_duty if lang and not schedule.rota.speaks(c, lang)]
        if others and len(others) < len(on_duty):
            backup = _backup(schedule, station, at, away)
            return (list(dict.fromkeys([*backup, *others])),
                    f"{words} speakers on duty did not accept: offered to everyone on duty")
        return _backup(schedule, station, at, away), ""
    if kind == "coordinator":
        coords = _coordinators(schedule, station)
        # A coordinator marked away is skipped unless that leaves none: someone must hear of it.
        return [c for c in coords if c not in away] or coords, ""
    if kind == "parent_station":
        return _parent_station(schedule, station, at, lang, away), ""
    raise RotaError(f"unknown escalation step {kind!r}; known: {', '.join(STEP_KINDS)}")


def step_targets(policy: Mapping[str, Any], step: int, schedule: Schedule, at: datetime,
                 language: str | None = None, away: frozenset[str] = frozenset()) -> StepTargets:
    """Who to notify at `step` of a copied policy; past the last step the chain has ended.

    `away` are people who cannot answer now (off duty in the console): the primary is then the
    next person on duty, not nobody. A step may find nobody (no backup, no parent station); the
    caller moves on to the next.
    """
    steps: Sequence[Mapping[str, Any]] = policy["steps"]
    station: str | None = policy.get("station")
    if step >= len(steps) or steps[step]["kind"] == "hotline_fallback":
        return StepTargets("hotline_fallback", (), 0.0, 0, fallback=True,
                           coordinators=tuple(_coordinators(schedule, station)))
    if station is not None and station not in schedule.timelines:
        # The station was removed after this case started: ask the whole network rather than
        # fail (a crisis must still reach someone).
        station = None
    s = steps[step]
    ids, note = _who(str(s["kind"]), schedule, station, at, language, away)
    return StepTargets(str(s["kind"]), tuple(ids), float(s["timeout_s"]), int(s.get("repeat", 0)),
                       note=note)
