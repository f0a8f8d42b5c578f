"""Rota changes a coordinator makes in the browser beyond single overrides and leave (issue 17
item 4): rotations created, edited and removed one at a time, and the undo of the last change.

The undo reads the audit trail: every rota change writes its entry with what it needs to be taken
back (the rotation as it was, the override or leave that was removed, a swap's state before the
decision). Only the newest coordinator change can be undone, once: the undo is itself a change
(`rota.undo`), and an import replaces everything, so nothing before it comes back.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.conversation.ports import RotaRefused
from bot.services.rota import RotaService, no_new_conflict
from bot.storage import rota_repo
from bot.storage.models import AuditEntry
from bot.storage.uow import UnitOfWork
from scheduling.errors import RotaError
from scheduling.model import Leave, Override, Rotation, SwapState
from scheduling.rota_io import rotation_in, rotation_out

# A rotation's new members are checked for double duty over this span from now: far enough to
# cover the weeks a coordinator plans, short enough to stay quick.
CONFLICT_HORIZON = timedelta(days=28)
UNDOABLE = {
    "rota.override": "added an override", "rota.override_delete": "removed an override",
    "rota.leave": "added leave", "rota.leave_delete": "removed leave",
    "rota.swap_approve": "decided a swap", "rota.rotation_save": "saved a rotation",
    "rota.rotation_delete": "removed a rotation",
}
# Coordinator changes; a counselor's own swap request or consent is not one of them.
EDITS = (*UNDOABLE, "rota.import", "rota.undo")


@dataclass(frozen=True)
class LastChange:
    entry_id: int
    action: str
    object: str
    at: datetime
    by: str
    who: str  # the name of `by`
    undoable: bool
    undid: str = ""  # for an undo: the action it took back

    @property
    def what(self) -> str:
        if self.action == "rota.import":
            return "imported the whole rota"
        if self.action == "rota.undo":
            return f"undid: {UNDOABLE.get(self.undid, 'a change')}"
        return f"{UNDOABLE[self.action]} ({self.object.split(':', 1)[-1]})"


async def save_rotation(uow: UnitOfWork, rota: RotaService, r: Rotation, new: bool, by: str,
                        now: datetime) -> None:
    """Create (`new`) or replace a rotation; refused when the id is taken or missing, a member is
    unknown, or a member would be on duty at two stations at once in the next four weeks."""
    before = await rota_repo.load_rota(uow.session)
    old = next((x for x in before.rotations if x.id == r.id), None)
    if new and old is not None:
        raise RotaRefused(f"There is already a rotation {r.id!r}: choose another id.")
    if not new and old is None:
        raise RotaRefused(f"There is no rotation {r.id!r}: it may have been removed.")
    inactive = [before.counselors[m].name for m in r.members if m in before.counselors
                and not before.counselors[m].active]
    if inactive:
        raise RotaRefused(f"{', '.join(inactive)}: deactivated, so never on duty. Take them out.")
    await _refusing(rota_repo.save_rotation(uow.session, r))
    await no_new_conflict(uow, before, r.members, now, now + CONFLICT_HORIZON)
    await rota.audit_change(uow, by, "rota.rotation_save", f"rotation:{r.id}", now,
                            {"before": json.dumps(rotation_out(old)) if old else "",
                             "members": ",".join(r.members)})


async def delete_rotation(uow: UnitOfWork, rota: RotaService, rotation_id: str, by: str,
                          now: datetime) -> None:
    before = await rota_repo.load_rota(uow.session)
    old = next((x for x in before.rotations if x.id == rotation_id), None)
    await _refusing(rota_repo.delete_rotation(uow.session, rotation_id))
    await rota.audit_change(uow, by, "rota.rotation_delete", f"rotation:{rotation_id}", now,
                            {"before": json.dumps(rotation_out(old)) if old else ""})


async def last_change(uow: UnitOfWork) -> LastChange | None:
    """The newest coordinator change to the rota, and whether it can be undone."""
    e = await uow.session.scalar(select(AuditEntry).where(AuditEntry.action.in_(EDITS))
                                 .order_by(AuditEntry.id.desc()).limit(1))
    if e is None:
        return None
    person = await uow.counselors.get(e.actor)
    who = person.name if person else e.actor
    return LastChange(e.id, e.action, e.object, e.at, e.actor, who, _undoable(e),
                      str((e.detail or {}).get("undid", "")))


def _undoable(e: AuditEntry) -> bool:
    d = e.detail or {}
    if e.action in ("rota.override_delete", "rota.leave_delete", "rota.rotation_delete"):
        return bool(d.get("start") or d.get("before"))  # entries from before undo existed lack it
    if e.action == "rota.swap_approve":
        return "on_behalf_of" in d or bool(d.get("before"))
    return e.action in UNDOABLE


async def undo_last(uow: UnitOfWork, rota: RotaService, by: str, now: datetime) -> LastChange:
    """Take back the newest coordinator change (refused when there is none that can be)."""
    last = await last_change(uow)
    if last is None or not last.undoable:
        why = ("there is no change to undo" if last is None
               else f"the last change ({last.what}) cannot be undone")
        raise RotaRefused(f"Nothing was undone: {why}.")
    entry = await uow.session.get(AuditEntry, last.entry_id)
    assert entry is not None
    await _refusing(_reverse(uow, entry, by, now))
    await rota.audit_change(uow, by, "rota.undo", f"audit:{entry.id}", now, {"undid": entry.action})
    return last


async def _reverse(uow: UnitOfWork, e: AuditEntry, by: str, now: datetime) -> None:
    s, d, oid = uow.session, e.detail or {}, e.object.split(":", 1)[-1]
    at = datetime.fromisoformat
    if e.action == "rota.override":
        await rota_repo.delete_override(s, oid)
    elif e.action == "rota.override_delete":
        await rota_repo.restore_override(s, Override(oid, d["counselor"], d["station"], at(d["start"]),
                                                     at(d["end"]), d.get("replaces") or None), by, now)
    elif e.action == "rota.leave":
        await rota_repo.delete_leave(s, oid)
    elif e.action == "rota.leave_delete":
        await rota_repo.restore_leave(s, Leave(oid, d["counselor"], at(d["start"]), at(d["end"])), by, now)
    elif e.action == "rota.swap_approve" and "on_behalf_of" in d:
        await rota_repo.delete_swap(s, oid)
    elif e.action == "rota.swap_approve":
        await rota_repo.reopen_swap(s, oid, SwapState(d["before"]))
    elif e.action == "rota.rotation_save" and not d.get("before"):
        await rota_repo.delete_rotation(s, oid)
    else:  # a rotation edited or removed: put the old one back
        await rota_repo.save_rotation(s, rotation_in(json.loads(d["before"])))


async def _refusing(step: Awaitable[object]) -> None:
    try:
        await step
    except RotaError as exc:
        raise RotaRefused(f"{exc}.") from None
