"""The rota editor (/admin/rota/rotations): every rotation with its members in order, shift
length, handover time, days and hours; a form to create one, a page to edit or remove one, and the
undo of the last rota change (POST /admin/rota/undo, also offered on the calendar page).

Changes go through bot/services/rota_edits.py (audited, validated, checked for double duty). A
form that was not saved comes back filled in as typed with the reason beside its field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from aiohttp import web
from pydantic import ValidationError

from bot.services import rota_edits
from bot.services.rota import RotaUnavailable
from bot.web.admin.common import LOCAL
from bot.web.admin.frame import admin_page
from bot.web.admin.rota_pages import FormError, apply_change, safe_back
from bot.web.admin.rota_source import ROTA
from bot.web.auth import require_staff
from bot.web.keys import CONTAINER
from scheduling.model import DEFAULT_TZ, Rotation
from scheduling.rota_file import DAYS, format_duration
from scheduling.rota_io import rotation_in

SLOTS = 8  # member places on the form: the rotation's own plus a few free ones
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# pydantic's field -> the form field its message is shown beside
FIELD_OF = {"id": "id", "station": "station", "members": "member_0", "shift": "shift", "start": "start_date",
            "handover": "handover", "hours": "hours", "name": "name", "tz": "shift", "weekdays": "weekdays"}
NOTICES = {"created": "Rotation created.", "saved": "Rotation saved.", "deleted": "Rotation removed.",
           "undo": "The last change was undone."}


@dataclass(frozen=True)
class Failed:
    field: str
    message: str


async def read(request: web.Request) -> dict[str, object]:
    data = await request.post()
    form: dict[str, object] = {k: str(v).strip() for k, v in data.items() if k != "weekdays"}
    form["weekdays"] = [str(v) for v in data.getall("weekdays", [])]
    return form


def typed_of(r: Rotation) -> dict[str, object]:
    """A stored rotation as the form shows it."""
    local = r.start.astimezone(LOCAL)
    typed: dict[str, object] = {
        "id": r.id, "name": r.name, "station": r.station, "shift": format_duration(r.shift),
        "start_date": local.date().isoformat(), "handover": local.strftime("%H:%M"),
        "weekdays": [DAYS[d] for d in sorted(r.weekdays)], "backup": ",".join(r.backup),
        "hours": ", ".join(f"{w.start:%H:%M}-{w.end:%H:%M}" for w in r.windows)}
    typed.update({f"member_{i}": m for i, m in enumerate(r.members)})
    return typed


def rotation_from(form: dict[str, object], rotation_id: str) -> Rotation:
    """The rotation a form describes; FormError names the field at fault and what to do."""
    members = [str(form.get(f"member_{i}", "")) for i in range(SLOTS)]
    members = [m for m in members if m]
    if len(set(members)) < len(members):
        raise FormError("member_0", "Someone is listed twice: each person takes one place in the order.")
    weekdays = form.get("weekdays")
    if not weekdays:
        raise FormError("weekdays", "Tick at least one day.")
    try:
        day = date.fromisoformat(str(form.get("start_date", "")))
    except ValueError:
        raise FormError("start_date", "Give the day of the first shift as YYYY-MM-DD.") from None
    try:
        at = time.fromisoformat(str(form.get("handover", "")) or "x")
    except ValueError:
        raise FormError("handover", "Give the handover time as HH:MM, e.g. 08:00.") from None
    hours = [h for h in re.split(r"[,\s]+", str(form.get("hours", ""))) if h]
    backup = [b for b in str(form.get("backup", "")).split(",") if b]
    data = {"id": rotation_id, "station": form.get("station", ""), "members": members,
            "shift": form.get("shift", ""), "start": datetime.combine(day, at, LOCAL), "tz": DEFAULT_TZ,
            "name": form.get("name", ""), "weekdays": weekdays, "hours": hours, "backup": backup}
    try:
        return rotation_in(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = FIELD_OF.get(str(err["loc"][0]) if err["loc"] else "", "")
        raise FormError(field, _plain(str(err["msg"]), field)) from None


def _plain(msg: str, field: str) -> str:
    msg = msg.removeprefix("Value error, ")
    if field == "member_0" and "at least 1" in msg:
        return "Pick at least one member."
    if field == "station":
        return "Pick a station."
    return msg[:1].upper() + msg[1:] + ("" if msg.endswith(".") else ".")


async def render(request: web.Request, *, edit: Rotation | None = None,
                 typed: dict[str, object] | None = None, failed: Failed | None = None,
                 status: int = 200) -> web.Response:
    """The list with the new-rotation form, or (with `edit`) one rotation's form."""
    rota = request.app[ROTA]
    try:
        stored = await rota.stored()
    except RotaUnavailable as exc:
        return await admin_page(request, "admin/rotations.html", "admin.title.rotations", rota_error=str(exc))
    async with request.app[CONTAINER].uow() as uow:
        last = await rota_edits.last_change(uow)
    people = [(c.id, c.name) for c in stored.counselors.values() if c.active]
    return await admin_page(
        request, "admin/rotations.html", "admin.title.rotation" if edit else "admin.title.rotations",
        title_values={"name": edit.name or edit.id} if edit else None, status=status,
        rota_error="", rotations=stored.rotations, edit=edit, failed=failed, slots=SLOTS,
        typed=typed if typed is not None else ({} if edit is None else typed_of(edit)),
        people=people, names={c.id: c.name for c in stored.counselors.values()},
        stations=[(s.id, s.name) for s in stored.stations.values()],
        days=list(zip(DAYS, DAY_NAMES, strict=True)), last=last, back=request.path,
        done=f"admin.done.rot.{request.query['done']}" if request.query.get("done") in NOTICES else "",
        fmt=format_duration)


async def rotation(request: web.Request) -> Rotation:
    rid = request.match_info["rotation_id"]
    found = next((r for r in (await request.app[ROTA].rota()).rotations if r.id == rid), None)
    if found is None:
        raise web.HTTPNotFound(text="No rotation with that id: go back to /admin/rota/rotations.")
    return found


@require_staff("rota.edit")
async def rotations_page(request: web.Request) -> web.Response:
    return await render(request)


@require_staff("rota.edit")
async def rotation_page(request: web.Request) -> web.Response:
    return await render(request, edit=await rotation(request))


@require_staff("rota.edit")
async def create_rotation(request: web.Request) -> web.Response:
    form = await read(request)
    rid = str(form.get("id", "")).lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", rid):
        return await render(request, typed=form, status=400, failed=Failed(
            "id", "Use 1-64 lower-case letters, digits, - or _ (for example hd-nights)."))
    return await _save(request, form, rid, new=True, edit=None)


@require_staff("rota.edit")
async def save_rotation(request: web.Request) -> web.Response:
    old = await rotation(request)
    return await _save(request, await read(request), old.id, new=False, edit=old)


async def _save(request: web.Request, form: dict[str, object], rid: str, new: bool,
                edit: Rotation | None) -> web.Response:
    try:
        r = rotation_from(form, rid)
    except FormError as exc:
        return await render(request, edit=edit, typed=form, failed=Failed(exc.field, exc.message), status=400)
    refused = await apply_change(request, lambda uow, rota, by, now: rota_edits.save_rotation(
        uow, rota, r, new, by, now))
    if refused is not None:
        return await render(request, edit=edit, typed=form, failed=Failed("member_0", refused), status=409)
    raise web.HTTPSeeOther(f"/admin/rota/rotations?done={'created' if new else 'saved'}")


@require_staff("rota.edit")
async def delete_rotation(request: web.Request) -> web.Response:
    rid = request.match_info["rotation_id"]
    refused = await apply_change(request, lambda uow, rota, by, now: rota_edits.delete_rotation(
        uow, rota, rid, by, now))
    if refused is not None:
        return await render(request, failed=Failed("undo", refused), status=409)
    raise web.HTTPSeeOther("/admin/rota/rotations?done=deleted")


@require_staff("rota.edit")
async def undo(request: web.Request) -> web.Response:
    """Undo the newest rota change; back to the page the button was on."""
    form = await read(request)
    refused = await apply_change(request, lambda uow, rota, by, now: rota_edits.undo_last(uow, rota, by, now))
    if refused is not None:
        return await render(request, failed=Failed("undo", refused), status=409)
    back = str(form.get("back", ""))
    back = back if back.startswith("/admin/rota/rotations") else safe_back({"back": back})
    base = back.split("?done=")[0].split("&done=")[0]
    raise web.HTTPSeeOther(f"{base}{'&' if '?' in base else '?'}done=undo")
