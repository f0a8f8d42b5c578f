"""A counselor's own side of the rota (issue 16 item 13, issue 17 item 5): their upcoming shifts,
the swaps and leave they ask for, and the swaps colleagues ask of them.

Requests land where coordinators already decide: a swap in `swap_requests` (the colleague agrees,
then a coordinator approves or declines on /admin/rota), leave in `leave_requests` (a coordinator
approves, which writes the `rota_leave` row, or declines). Every step is audited and told to the
other side through the outbox (Telegram, when linked) in the same transaction; the console page
shows the state itself. Checks raise `RequestRefused` naming the form field it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.conversation.ports import RotaRefused
from bot.conversation.posting import tell_staff
from bot.services.rota import PENDING_SWAPS, RotaService
from bot.storage import rota_repo
from bot.storage.rota_request_tables import LeaveRequestRow
from bot.storage.uow import UnitOfWork
from scheduling.model import DEFAULT_TZ, DutyAssignment, Rota, SwapState
from scheduling.rotation import zone

HORIZON = timedelta(days=28)  # "my shifts": the next four weeks
MAX_LEAVE = timedelta(days=62)  # longer than two months is a typo (as on /admin/rota)
MAX_REASON = 256  # the column's size (leave_requests.reason, rota_leave.reason)


class LeaveState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # by the counselor, before a coordinator decided


class RequestRefused(RotaRefused):
    """A request that cannot be made as sent: `field` is the form field it is about ("" for the
    form as a whole), `key` names the words for a page (`shifts.err.<key>`, with `values`)."""

    def __init__(self, field: str, key: str, reason: str, **values: object) -> None:
        super().__init__(reason)
        self.field, self.key, self.values = field, key, values


@dataclass(frozen=True)
class MyShift:
    key: str  # station|start|end (UTC ISO): what the swap form sends back
    station: str  # the station's name
    start: datetime  # in the station's time zone
    end: datetime
    tz: str
    layer: str  # rotation | override | swap | leave_cover


@dataclass(frozen=True)
class MyRequest:
    kind: str  # swap | leave
    id: str
    start: datetime
    end: datetime
    state: str
    station: str = ""  # name; "" for leave
    other: str = ""  # the colleague's name (a swap)
    asked_of_me: bool = False  # a colleague's swap that waits for my answer or was mine to answer
    reason: str = ""

    @property
    def last_moment(self) -> datetime:
        """The last second inside the span: leave's last day is the day this falls on."""
        return self.end - timedelta(seconds=1)


def station_tz(rota: Rota, station: str) -> str:
    """A station's time zone: its rotations' (shifts are wall-clock times there)."""
    return next((r.tz for r in rota.rotations if r.station == station), DEFAULT_TZ)


def home_tz(rota: Rota, who: str) -> ZoneInfo:
    """The time zone of `who`'s own station (leave days are that station's days)."""
    c = rota.counselors.get(who)
    return zone(station_tz(rota, c.station) if c is not None and c.station else DEFAULT_TZ)


def shift_key(d: DutyAssignment) -> str:
    return f"{d.station}|{d.start.astimezone(UTC).isoformat()}|{d.end.astimezone(UTC).isoformat()}"


def _name(rota: Rota, who: str) -> str:
    c = rota.counselors.get(who)
    return c.name if c is not None else who


def _place(rota: Rota, station: str) -> str:
    s = rota.stations.get(station)
    return s.name if s is not None else station


class RotaRequests:
    def __init__(self, rota: RotaService) -> None:
        self.rota = rota

    # ---- reads ---------------------------------------------------------------------------------
    async def my_shifts(self, who: str, now: datetime, uow: UnitOfWork | None = None) -> list[MyShift]:
        """`who`'s duty from now to the end of the 28th day (today counts), leave, swaps and
        overrides applied; a shift under way shows whole."""
        rota = await self.rota.rota(uow)
        tz = home_tz(rota, who)
        until = datetime.combine(now.astimezone(tz).date() + HORIZON, datetime.min.time(), tz)
        out = []
        # Read from a day back so the shift under way is not clipped at `now`.
        for d in await self.rota.shifts(now - timedelta(days=1), until + timedelta(days=1), uow=uow):
            if d.counselor == who and d.end > now and d.start < until:
                here = station_tz(rota, d.station)
                out.append(MyShift(shift_key(d), _place(rota, d.station), d.start.astimezone(zone(here)),
                                   d.end.astimezone(zone(here)), here, d.layer.value))
        return sorted(out, key=lambda s: s.start)

    async def my_requests(self, uow: UnitOfWork, who: str) -> list[MyRequest]:
        """Swaps I asked for or was asked, and my leave requests; newest first."""
        rota = await rota_repo.load_rota(uow.session)
        out = [MyRequest("swap", w.id, w.start, w.end, w.state.value, _place(rota, w.station),
                         _name(rota, w.other if w.requester == who else w.requester),
                         asked_of_me=w.other == who)
               for w in rota.swaps if who in (w.requester, w.other)]
        rows = await uow.session.scalars(select(LeaveRequestRow).where(LeaveRequestRow.counselor_id == who))
        out += [MyRequest("leave", r.id, r.starts_at, r.ends_at, r.state, reason=r.reason) for r in rows]
        return sorted(out, key=lambda r: r.start, reverse=True)

    async def colleagues(self, who: str) -> list[tuple[str, str]]:
        """(id, name) of the active colleagues a swap may name."""
        rota = await self.rota.rota()
        return [(c.id, c.name) for c in rota.counselors.values()
                if c.active and c.id != who and "counselor" in c.roles]

    async def pending_leave(self, uow: UnitOfWork) -> list[MyRequest]:
        """Leave requests waiting for a coordinator, oldest first (the approval queue)."""
        rota = await rota_repo.load_rota(uow.session)
        rows = await uow.session.scalars(select(LeaveRequestRow).where(
            LeaveRequestRow.state == LeaveState.REQUESTED).order_by(LeaveRequestRow.created_at))
        return [MyRequest("leave", r.id, r.starts_at, r.ends_at, r.state, other=_name(rota, r.counselor_id),
                          reason=r.reason) for r in rows]

    # ---- a swap --------------------------------------------------------------------------------
    async def ask_swap(self, uow: UnitOfWork, who: str, shift: str, other: str, now: datetime) -> str:
        """Ask `other` to take my shift `shift` (a MyShift key); returns the swap id."""
        mine = {s.key: s for s in await self.my_shifts(who, now, uow)}
        if shift not in mine:
            raise RequestRefused("shift", "not_my_shift",
                                 "That is not one of your coming shifts: pick one from the list.")
        rota = await rota_repo.load_rota(uow.session)
        peer = rota.counselors.get(other)
        if peer is None or not peer.active or other == who:
            raise RequestRefused("other", "pick_colleague", "Pick an active colleague from the list.")
        station, start_s, end_s = shift.split("|")
        start, end = datetime.fromisoformat(start_s), datetime.fromisoformat(end_s)
        if any(w.requester == who and w.station == station and w.start < end and w.end > start
               and w.state in PENDING_SWAPS for w in rota.swaps):
            raise RequestRefused("shift", "swap_twice",
                                 "You already asked for a swap of this shift; it is waiting.")
        sid = await self.rota.request_swap(uow, who, other, station, start, end, now)
        when = _span(rota, station, start, end)
        await _tell(uow, other, f"{_name(rota, who)} asks you to take their shift at "
                                f"{_place(rota, station)}, {when}. Agree on the console's My shifts "
                                "page; a coordinator then decides.", now, f"swap:{sid}:asked")
        await self._tell_coordinators(uow, rota, f"Swap asked: {_name(rota, who)} → {peer.name} at "
                                                 f"{_place(rota, station)}, {when}. It waits for "
                                                 f"{peer.name} to agree.", now, f"swap:{sid}:asked")
        return sid

    async def answer_swap(self, uow: UnitOfWork, who: str, swap_id: str, agree: bool, now: datetime) -> None:
        """The colleague agrees (the swap then waits for a coordinator on /admin/rota) or says no
        (it is declined: nobody need decide it); the asker and the coordinators hear which."""
        rota = await rota_repo.load_rota(uow.session)
        swap = next((w for w in rota.swaps if w.id == swap_id), None)
        if swap is None or swap.other != who:
            raise RequestRefused("", "no_swap", "No such swap asked of you.")
        if swap.state != SwapState.REQUESTED:
            raise RequestRefused("", "swap_decided", f"This swap is already {swap.state.value}.")
        if agree:
            await self.rota.accept_swap(uow, swap_id, who, now)
        else:  # the repository's one way to set a state without a coordinator's name on it
            await rota_repo.reopen_swap(uow.session, swap_id, SwapState.DECLINED)
            await self.rota.audit_change(uow, who, "rota.swap_peer_decline", f"swap:{swap_id}", now, {})
        when, me, asker = _span(rota, swap.station, swap.start, swap.end), _name(rota, who), swap.requester
        where = _place(rota, swap.station)
        answer, asked = ("agreed" if agree else "declined"), f"{_name(rota, asker)} → {me} at {where}, {when}"
        next_step = "; a coordinator decides next." if agree else "."
        await _tell(uow, asker, f"{me} {answer} to take your shift at {where}, {when}{next_step}", now,
                    f"swap:{swap_id}:{answer}")
        text = (f"Swap waiting for your decision on /admin/rota: {asked}." if agree
                else f"Swap declined by the colleague, nothing to decide: {asked}.")
        await self._tell_coordinators(uow, rota, text, now, f"swap:{swap_id}:{answer}")

    async def withdraw(self, uow: UnitOfWork, who: str, kind: str, request_id: str, now: datetime) -> None:
        """Take back my own swap or leave request while nobody has decided it; the colleague (and
        the coordinators, who may have been told) hear of it."""
        rota = await rota_repo.load_rota(uow.session)
        if kind == "leave":
            await self._withdraw_leave(uow, rota, who, request_id, now)
            return
        swap = next((w for w in rota.swaps if w.id == request_id), None)
        if swap is None or swap.requester != who or swap.state not in PENDING_SWAPS:
            raise RequestRefused("", "withdraw_swap",
                                 "Only your own swap request that is still waiting can be withdrawn.")
        await rota_repo.delete_swap(uow.session, request_id)  # the audit entry keeps what it was
        await self.rota.audit_change(uow, who, "rota.swap_withdraw", f"swap:{request_id}", now,
                                     {"other": swap.other, "station": swap.station,
                                      "start": swap.start.isoformat(), "end": swap.end.isoformat()})
        text = (f"{_name(rota, who)} withdrew the swap asked of {_name(rota, swap.other)} at "
                f"{_place(rota, swap.station)}, {_span(rota, swap.station, swap.start, swap.end)}.")
        await _tell(uow, swap.other, text, now, f"swap:{request_id}:withdrawn")
        await self._tell_coordinators(uow, rota, text, now, f"swap:{request_id}:withdrawn")

    async def _withdraw_leave(self, uow: UnitOfWork, rota: Rota, who: str, request_id: str,
                              now: datetime) -> None:
        row = await uow.session.get(LeaveRequestRow, request_id, with_for_update=True)
        if row is None or row.counselor_id != who or row.state != LeaveState.REQUESTED:
            raise RequestRefused("", "withdraw_leave",
                                 "Only your own leave request that is still waiting can be withdrawn.")
        row.state, row.decided_by, row.decided_at = LeaveState.WITHDRAWN, who, now
        await uow.session.flush()
        await uow.audit.append(who, "rota.leave_request_withdraw", f"leave_request:{row.id}", now, {})
        days = _days(rota, who, row.starts_at, row.ends_at)
        await self._tell_coordinators(uow, rota, f"{_name(rota, who)} withdrew their leave request ({days}).",
                                      now, f"leave:{row.id}:withdrawn")

    # ---- leave ---------------------------------------------------------------------------------
    async def ask_leave(self, uow: UnitOfWork, who: str, start: datetime, end: datetime, reason: str,
                        now: datetime) -> str:
        """Ask for leave over [start, end); a coordinator approves or declines it."""
        if len(reason) > MAX_REASON:
            raise RequestRefused("reason", "reason_long", f"Keep the reason under {MAX_REASON} characters "
                                 f"(it has {len(reason)}).", most=MAX_REASON, n=len(reason))
        rota = await rota_repo.load_rota(uow.session)
        tz = home_tz(rota, who)
        if start.astimezone(tz).date() < now.astimezone(tz).date():
            raise RequestRefused("start", "past_day",
                                 "Leave cannot start in the past: pick today or a later day.")
        if end <= start:
            raise RequestRefused("end", "end_before_start", "The last day must not be before the first.")
        if end - start > MAX_LEAVE:
            raise RequestRefused("end", "too_long", "That is longer than two months: check the dates.")
        waiting = await uow.session.scalars(select(LeaveRequestRow).where(
            LeaveRequestRow.counselor_id == who, LeaveRequestRow.state == LeaveState.REQUESTED,
            LeaveRequestRow.starts_at < end, LeaveRequestRow.ends_at > start))
        if waiting.first() is not None or any(lv.counselor == who and lv.start < end and lv.end > start
                                              for lv in rota.leave):
            raise RequestRefused("start", "leave_twice",
                                 "You already have leave or a leave request on these days.")
        row = LeaveRequestRow(id=rota_repo.new_id("lr"), counselor_id=who, starts_at=start, ends_at=end,
                              reason=reason, state=LeaveState.REQUESTED, created_at=now)
        uow.session.add(row)
        await uow.session.flush()
        await uow.audit.append(who, "rota.leave_request", f"leave_request:{row.id}", now,
                               {"start": start.isoformat(), "end": end.isoformat()})
        await self._tell_coordinators(uow, rota, f"Leave asked: {_name(rota, who)}, "
                                                 f"{_days(rota, who, start, end)}. Decide on /admin/rota.",
                                      now, f"leave:{row.id}:asked")
        return row.id

    async def decide_leave(self, uow: UnitOfWork, request_id: str, approve: bool, by: str,
                           now: datetime) -> str:
        """A coordinator approves (the leave goes into the rota) or declines; returns the new state."""
        row = await uow.session.get(LeaveRequestRow, request_id, with_for_update=True)
        if row is None:
            raise RotaRefused(f"no leave request {request_id!r}: it may have been removed")
        if row.state != LeaveState.REQUESTED:
            raise RotaRefused(f"this leave request was {row.state} already")
        if approve:
            row.leave_id = await self.rota.add_leave(uow, row.counselor_id, row.starts_at, row.ends_at, by,
                                                     now, reason=row.reason)
        row.state = LeaveState.APPROVED if approve else LeaveState.DECLINED
        row.decided_by, row.decided_at = by, now
        await uow.session.flush()
        who = row.counselor_id
        await uow.audit.append(by, "rota.leave_request_decide", f"leave_request:{row.id}", now,
                               {"verdict": "approve" if approve else "decline", "counselor": who})
        rota = await rota_repo.load_rota(uow.session)
        days = _days(rota, who, row.starts_at, row.ends_at)
        await _tell(uow, who, f"Your leave {days} was {row.state} by {_name(rota, by)}.", now,
                    f"leave:{row.id}:{row.state}")
        return row.state

    async def _tell_coordinators(self, uow: UnitOfWork, rota: Rota, text: str, now: datetime,
                                 dedupe: str) -> None:
        for c in rota.counselors.values():
            if c.is_coordinator and c.active:
                await _tell(uow, c.id, text, now, f"{dedupe}:{c.id}")


async def _tell(uow: UnitOfWork, who: str, text: str, now: datetime, dedupe: str) -> None:
    """One notice through the outbox (Telegram when linked; the console page shows states itself)."""
    person = await uow.counselors.get(who)
    if person is not None and person.active:
        await tell_staff(uow, person, text, now, dedupe=f"{dedupe}:{who}")


def _span(rota: Rota, station: str, start: datetime, end: datetime) -> str:
    tz = zone(station_tz(rota, station))
    return f"{start.astimezone(tz):%Y-%m-%d %H:%M} to {end.astimezone(tz):%Y-%m-%d %H:%M}"


def _days(rota: Rota, who: str, start: datetime, end: datetime) -> str:
    tz = home_tz(rota, who)
    last = (end.astimezone(tz) - timedelta(seconds=1)).date()
    return f"{start.astimezone(tz):%Y-%m-%d} to {last:%Y-%m-%d}"
