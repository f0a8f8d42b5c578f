"""Rota persistence: rows <-> the scheduling domain, import/export, and single changes
(overrides, leave, swaps). Functions take an AsyncSession (a unit of work's `uow.session`) and
never commit, so a caller can write its audit entry in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Counselor as CounselorRow
from bot.storage.rota_tables import (
    LeaveRow,
    OverrideRow,
    RotationMemberRow,
    RotationRow,
    StationRow,
    SwapRow,
)
from config.errors import ConfigError
from scheduling import swaps
from scheduling.errors import RotaError
from scheduling.model import Counselor, Leave, Override, Rota, Rotation, Station, Swap, SwapState, Window
from scheduling.rota_io import load_rota_file


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def unavailable(s: AsyncSession) -> set[str]:
    """Counselors who went off duty in the console, or whose account is inactive."""
    q = select(CounselorRow.id).where(CounselorRow.available.is_(False) | CounselorRow.active.is_(False))
    return set(await s.scalars(q))


def _windows(texts: list[Any]) -> tuple[Window, ...]:
    out = []
    for t in texts:
        a, b = str(t).split("-")
        out.append(Window(datetime.strptime(a, "%H:%M").time(), datetime.strptime(b, "%H:%M").time()))
    return tuple(out)


async def load_rota(s: AsyncSession) -> Rota:
    """The whole rota from the database, as the scheduling package's `Rota`."""
    stations = {r.id: Station(r.id, r.name, r.level, r.parent_id)
                for r in await s.scalars(select(StationRow).order_by(StationRow.position, StationRow.id))}
    counselors = {c.id: Counselor(c.id, c.name, tuple(c.languages or ()), c.station_id,
                                  tuple(c.roles or ()), c.telegram_id, c.web_login, bool(c.active))
                  for c in await s.scalars(select(CounselorRow).order_by(CounselorRow.id))}
    members: dict[str, list[str]] = {}
    for m in await s.scalars(select(RotationMemberRow).order_by(RotationMemberRow.position)):
        members.setdefault(m.rotation_id, []).append(m.counselor_id)
    rotations = tuple(
        Rotation(r.id, r.station_id, tuple(members.get(r.id, ())), timedelta(seconds=r.shift_s),
                 r.start, r.tz, r.name, frozenset(r.weekdays), _windows(r.windows), tuple(r.backup))
        for r in await s.scalars(select(RotationRow).order_by(RotationRow.position, RotationRow.id)))
    overrides = tuple(Override(o.id, o.counselor_id, o.station_id, o.starts_at, o.ends_at, o.replaces)
                      for o in await s.scalars(select(OverrideRow).order_by(OverrideRow.starts_at)))
    leave = tuple(Leave(lv.id, lv.counselor_id, lv.starts_at, lv.ends_at, lv.reason)
                  for lv in await s.scalars(select(LeaveRow).order_by(LeaveRow.starts_at)))
    swaps = tuple(Swap(w.id, w.requester_id, w.other_id, w.station_id, w.starts_at, w.ends_at,
                       SwapState(w.state), w.created_by, w.decided_by)
                  for w in await s.scalars(select(SwapRow).order_by(SwapRow.starts_at)))
    return Rota(stations, counselors, rotations, overrides, leave, swaps)


async def _upsert_counselors(s: AsyncSession, rota: Rota, source: str) -> None:
    """Create or update the file's counselors; others (admins, demo staff) are left as they are."""
    existing = {c.id: c for c in await s.scalars(select(CounselorRow))}
    for i, c in enumerate(rota.counselors.values()):
        for fld, value in (("web_login", c.web_login), ("telegram_id", c.telegram_id)):
            clash = [o.id for o in existing.values() if o.id != c.id and value is not None
                     and getattr(o, fld) == value]
            if clash:
                raise ConfigError(source, f"counselors.{i}.{fld}",
                                  f"entry {c.id!r}: {value!r} already belongs to counselor {clash[0]!r}")
        row = existing.get(c.id) or CounselorRow(id=c.id, available=True)
        row.name, row.languages, row.station_id = c.name, list(c.languages), c.station
        row.roles, row.telegram_id, row.web_login = list(c.roles), c.telegram_id, c.web_login
        row.active = c.active
        s.add(row)
    await s.flush()


def _rotation_rows(rota: Rota) -> list[Any]:
    out: list[Any] = []
    for i, r in enumerate(rota.rotations):
        out.append(RotationRow(
            id=r.id, station_id=r.station, name=r.name, shift_s=int(r.shift.total_seconds()), start=r.start,
            tz=r.tz, weekdays=sorted(r.weekdays), position=i, backup=list(r.backup),
            windows=[f"{w.start:%H:%M}-{w.end:%H:%M}" for w in r.windows]))
        out.extend(RotationMemberRow(rotation_id=r.id, position=p, counselor_id=c)
                   for p, c in enumerate(r.members))
    return out


def _change_rows(rota: Rota, now: datetime, by: str) -> list[Any]:
    made = {"created_by": by, "created_at": now}
    out: list[Any] = [OverrideRow(id=o.id, counselor_id=o.counselor, station_id=o.station, starts_at=o.start,
                                  ends_at=o.end, replaces=o.replaces, **made) for o in rota.overrides]
    out += [LeaveRow(id=lv.id, counselor_id=lv.counselor, starts_at=lv.start, ends_at=lv.end,
                     reason=lv.reason, **made) for lv in rota.leave]
    out += [SwapRow(id=w.id, requester_id=w.requester, other_id=w.other, station_id=w.station,
                    starts_at=w.start, ends_at=w.end, state=w.state.value, created_by=w.created_by or by,
                    decided_by=w.decided_by, created_at=now) for w in rota.swaps]
    return out


async def save_rota(s: AsyncSession, rota: Rota, now: datetime, by: str,
                    source: str = "rota") -> dict[str, int]:
    """Replace stations, rotations, overrides, leave and swaps with `rota`'s; upsert its counselors."""
    await _upsert_counselors(s, rota, source)
    for table in (RotationMemberRow, RotationRow, OverrideRow, LeaveRow, SwapRow, StationRow):
        await s.execute(delete(table))
    s.add_all(StationRow(id=st.id, name=st.name, level=st.level, parent_id=st.parent, position=i)
              for i, st in enumerate(rota.stations.values()))
    await s.flush()
    rows = _rotation_rows(rota)
    s.add_all(r for r in rows if isinstance(r, RotationRow))
    await s.flush()  # rotations before their members (foreign keys)
    s.add_all(r for r in rows if isinstance(r, RotationMemberRow))
    s.add_all(_change_rows(rota, now, by))
    await s.flush()
    return {"stations": len(rota.stations), "counselors": len(rota.counselors),
            "rotations": len(rota.rotations), "overrides": len(rota.overrides), "leave": len(rota.leave),
            "swaps": len(rota.swaps)}


def summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counts.items())


async def import_rota_file(uow_factory: Any, path: str | Path, now: datetime, by: str = "cli") -> str:
    """Validate a rota YAML file (ConfigError on any problem) and replace the stored rota with it."""
    rota = load_rota_file(path)
    async with uow_factory() as uow:
        counts = await save_rota(uow.session, rota, now, by, str(path))
        await uow.commit()
    return summary(counts)


async def import_demo_rota(uow_factory: Any, path: str | Path, now: datetime) -> str:
    """`hotline serve --demo`: import config/demo_rota.yaml (idempotent: same file, same rota)."""
    return "demo rota imported: " + await import_rota_file(uow_factory, path, now, by="demo")


# Single changes (dashboard, chat commands, CLI). Each raises RotaError with what to do next.


async def _need(s: AsyncSession, counselor: str | None = None, station: str | None = None) -> None:
    if counselor is not None and await s.get(CounselorRow, counselor) is None:
        raise RotaError(f"unknown counselor {counselor!r}: see `hotline rota show`")
    if station is not None and await s.get(StationRow, station) is None:
        raise RotaError(f"unknown station {station!r}: see `hotline rota show`")


def _span_ok(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise RotaError("give times with a time zone")
    if end <= start:
        raise RotaError("the end must come after the start")


async def add_override(s: AsyncSession, counselor: str, station: str, start: datetime, end: datetime,
                       by: str, now: datetime, replaces: str | None = None) -> str:
    """`counselor` covers `station` for [start, end) (instead of `replaces` when given)."""
    _span_ok(start, end)
    await _need(s, counselor, station)
    if replaces:
        await _need(s, replaces)
    row = OverrideRow(id=new_id("ov"), counselor_id=counselor, station_id=station, starts_at=start,
                      ends_at=end, replaces=replaces, created_by=by, created_at=now)
    s.add(row)
    await s.flush()
    return row.id


async def delete_override(s: AsyncSession, override_id: str) -> None:
    row = await s.get(OverrideRow, override_id)
    if row is None:
        raise RotaError(f"no override {override_id!r}: it may have been removed already")
    await s.delete(row)
    await s.flush()


async def add_leave(s: AsyncSession, counselor: str, start: datetime, end: datetime, by: str,
                    now: datetime, reason: str = "") -> str:
    _span_ok(start, end)
    await _need(s, counselor)
    row = LeaveRow(id=new_id("lv"), counselor_id=counselor, starts_at=start, ends_at=end, reason=reason,
                   created_by=by, created_at=now)
    s.add(row)
    await s.flush()
    return row.id


async def delete_leave(s: AsyncSession, leave_id: str) -> None:
    row = await s.get(LeaveRow, leave_id)
    if row is None:
        raise RotaError(f"no leave {leave_id!r}: it may have been removed already")
    await s.delete(row)
    await s.flush()


async def _store_swap(s: AsyncSession, swap: Swap, now: datetime) -> str:
    s.add(SwapRow(id=swap.id, requester_id=swap.requester, other_id=swap.other, station_id=swap.station,
                  starts_at=swap.start, ends_at=swap.end, state=swap.state.value, created_by=swap.created_by,
                  decided_by=swap.decided_by, created_at=now,
                  decided_at=now if swap.decided_by else None))
    await s.flush()
    return swap.id


async def request_swap(s: AsyncSession, requester: str, other: str, station: str, start: datetime,
                       end: datetime, now: datetime) -> str:
    """A counselor asks a peer to exchange duty; returns the swap id."""
    _span_ok(start, end)
    swap = swaps.request_swap(await load_rota(s), new_id("sw"), requester, other, station, start, end)
    return await _store_swap(s, swap, now)


async def swap_on_behalf(s: AsyncSession, requester: str, other: str, station: str, start: datetime,
                         end: datetime, by: str, now: datetime) -> str:
    """A coordinator swaps two people directly; approved at once."""
    _span_ok(start, end)
    swap = swaps.swap_on_behalf(await load_rota(s), new_id("sw"), requester, other, station, start, end, by)
    return await _store_swap(s, swap, now)


async def _swap_row(s: AsyncSession, swap_id: str) -> tuple[SwapRow, Swap]:
    row = await s.get(SwapRow, swap_id, with_for_update=True)
    if row is None:
        raise RotaError(f"no swap {swap_id!r}: see `hotline rota swap list`")
    return row, Swap(row.id, row.requester_id, row.other_id, row.station_id, row.starts_at, row.ends_at,
                     SwapState(row.state), row.created_by, row.decided_by)


async def accept_swap(s: AsyncSession, swap_id: str, by: str) -> None:
    row, swap = await _swap_row(s, swap_id)
    row.state = swaps.accept_swap(swap, by).state.value
    await s.flush()


async def decide_swap(s: AsyncSession, swap_id: str, approve: bool, by: str, now: datetime) -> str:
    """A coordinator approves or declines; returns the new state."""
    row, swap = await _swap_row(s, swap_id)
    done = swaps.decide_swap(await load_rota(s), swap, approve, by)
    row.state, row.decided_by, row.decided_at = done.state.value, by, now
    await s.flush()
    return row.state


# Rotations edited one at a time (the dashboard's rota editor) and the undo of single changes.


async def save_rotation(s: AsyncSession, r: Rotation) -> None:
    """Create or replace one rotation and its members in order (position kept when it exists)."""
    _span_ok(r.start, r.start + r.shift)
    await _need(s, station=r.station)
    for who in (*r.members, *r.backup):
        await _need(s, who)
    row = await s.get(RotationRow, r.id)
    if row is None:
        last = await s.scalar(select(RotationRow.position).order_by(RotationRow.position.desc()).limit(1))
        row = RotationRow(id=r.id, position=(last or 0) + 1)
        s.add(row)
    row.station_id, row.name, row.start, row.tz = r.station, r.name, r.start, r.tz
    row.shift_s = int(r.shift.total_seconds())
    row.weekdays, row.backup = sorted(r.weekdays), list(r.backup)
    row.windows = [f"{w.start:%H:%M}-{w.end:%H:%M}" for w in r.windows]
    await s.execute(delete(RotationMemberRow).where(RotationMemberRow.rotation_id == r.id))
    await s.flush()
    s.add_all(RotationMemberRow(rotation_id=r.id, position=p, counselor_id=c)
              for p, c in enumerate(r.members))
    await s.flush()


async def delete_rotation(s: AsyncSession, rotation_id: str) -> None:
    row = await s.get(RotationRow, rotation_id)
    if row is None:
        raise RotaError(f"no rotation {rotation_id!r}: it may have been removed already")
    await s.delete(row)
    await s.flush()


async def restore_override(s: AsyncSession, o: Override, by: str, now: datetime) -> None:
    """Put back a deleted override under its old id (undo)."""
    await _need(s, o.counselor, o.station)
    s.add(OverrideRow(id=o.id, counselor_id=o.counselor, station_id=o.station, starts_at=o.start,
                      ends_at=o.end, replaces=o.replaces, created_by=by, created_at=now))
    await s.flush()


async def restore_leave(s: AsyncSession, lv: Leave, by: str, now: datetime) -> None:
    """Put back deleted leave under its old id (undo)."""
    await _need(s, lv.counselor)
    s.add(LeaveRow(id=lv.id, counselor_id=lv.counselor, starts_at=lv.start, ends_at=lv.end, reason=lv.reason,
                   created_by=by, created_at=now))
    await s.flush()


async def reopen_swap(s: AsyncSession, swap_id: str, state: SwapState) -> None:
    """Take back a coordinator's decision (undo): the swap waits in `state` again."""
    row, _ = await _swap_row(s, swap_id)
    row.state, row.decided_by, row.decided_at = state.value, None, None
    await s.flush()


async def delete_swap(s: AsyncSession, swap_id: str) -> None:
    row, _ = await _swap_row(s, swap_id)
    await s.delete(row)
    await s.flush()
