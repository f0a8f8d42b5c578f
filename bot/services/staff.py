"""Every staff action, in one table, with the permission it needs beside it.

Telegram (bot/services/staff_commands.py) and the web console both come here: one action is
one function, so a rule (who may, what is audited, what is sent) is written once. Which roles
hold a permission is decided in bot/security/roles.py; this table only names the permission.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.conversation.coordinator import CoordinatorDesk
from bot.conversation.effects import After
from bot.conversation.messages import clean_text
from bot.conversation.ports import RotaRefused
from bot.conversation.staff import StaffFlow, WrapUp
from bot.conversation.states import AcceptResult, ActionResult, FollowUpKind
from bot.security.roles import require, staff_actor
from bot.services import board_assign
from bot.services.runtime import Runtime
from bot.storage.models import Counselor
from bot.storage.uow import UnitOfWork


class StaffAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    RELAY = "relay"
    CLOSE = "close"
    FOLLOW_UP = "follow_up"
    TRANSFER = "transfer"
    RELEASE = "release"  # back to the queue, offered to the others on duty
    HAND_BACK = "handback"
    DUTY = "duty"
    OVERRIDE = "override"
    SWAP_DECISION = "swap_decision"
    INVITE = "invite"
    ASSIGN = "assign"  # a coordinator on the live board: bot/services/board_assign.py


@dataclass(frozen=True)
class ActionRequest:
    """One action's arguments; each action reads the fields it needs (the rest stay empty)."""

    action: StaffAction
    handoff_id: int | None = None
    text: str = ""  # relay: the message
    outcome: str = ""  # close: an Outcome
    followup: str = ""  # close / follow_up: a FollowUpKind, or "" for none
    to: str = ""  # transfer: counselor id; override / invite: the counselor concerned
    note: str = ""  # transfer / release: a note for the next counselor; handback: the reason
    wrap_up: WrapUp | None = None  # close from the console: case note, safety check, risk at close
    available: bool | None = None  # duty
    swap_id: str = ""  # swap_decision
    approve: bool = False  # swap_decision
    hours: int = 0  # override: from now
    station: str | None = None  # override: where (default: the counselor's own station)
    version: int | None = None  # assign: the handoff's version the form was drawn from


@dataclass
class Done:
    """An action's result, and the text to show where the action returns one (coordinator
    actions answer in words: an override's confirmation, an invite code, a refusal)."""

    result: ActionResult
    text: str = ""


@dataclass(frozen=True)
class ActionContext:
    uow: UnitOfWork
    actor: Counselor
    now: datetime
    after: After


Handler = Callable[["StaffActions", ActionContext, ActionRequest], Awaitable[Done]]
OK = Done(ActionResult.OK)
REFUSED = Done(ActionResult.REFUSED)
OVERRIDE_MAX_H = 72  # an override from chat covers at most three days; longer ones go on the rota page


def _ok(flag: bool) -> Done:
    return OK if flag else REFUSED


class StaffActions:
    """Runs an action for a counselor: permission, then the action, inside one unit of work."""

    def __init__(self, runtime: Runtime, flow: StaffFlow, desk: CoordinatorDesk, max_chars: int) -> None:
        self.flow, self.desk = flow, desk
        self.uow, self.clock, self.effects = runtime.uow, runtime.clock, runtime.effects
        self.max_chars = max_chars

    async def run(self, uow: UnitOfWork, actor: Counselor, request: ActionRequest, now: datetime,
                  after: After) -> Done:
        """Inside the caller's transaction; raises bot.security.roles.Forbidden."""
        permission, handler = ACTIONS[request.action]
        require(staff_actor(actor.id, actor.roles), permission)
        return await handler(self, ActionContext(uow, actor, now, after), request)

    async def perform(self, counselor_id: str, request: ActionRequest) -> Done:
        """In its own transaction, effects after commit (the web console's entry point)."""
        after, now = After(), self.clock.now()
        async with self.uow() as uow:
            actor = await uow.counselors.get(counselor_id)
            if actor is None or not actor.active:
                return REFUSED
            done = await self.run(uow, actor, request, now, after)
            await uow.commit()
        self.effects.apply(after)
        return done

    # ---- the actions --------------------------------------------------------------------------
    async def _accept(self, c: ActionContext, r: ActionRequest) -> Done:
        if r.handoff_id is None:
            return REFUSED
        won = await self.flow.accept(c.uow, r.handoff_id, c.actor, c.now, c.after)
        return OK if won == AcceptResult.WON else Done(ActionResult(won.value))

    async def _decline(self, c: ActionContext, r: ActionRequest) -> Done:
        if r.handoff_id is None:
            return REFUSED
        await self.flow.decline(c.uow, r.handoff_id, c.actor, c.now, c.after)
        return OK

    async def _relay(self, c: ActionContext, r: ActionRequest) -> Done:
        text = clean_text(r.text)[: self.max_chars]  # the console's text; Telegram's is clean already
        return _ok(await self.flow.relay(c.uow, c.actor, text, c.now, c.after, r.handoff_id))

    async def _close(self, c: ActionContext, r: ActionRequest) -> Done:
        if r.handoff_id is None:
            return REFUSED
        closed = await self.flow.close(c.uow, r.handoff_id, r.outcome, c.actor, c.now, c.after, r.wrap_up)
        if closed and r.followup in tuple(FollowUpKind):
            await self.flow.follow_up(c.uow, r.handoff_id, r.followup, c.actor, c.now, c.after)
        return _ok(closed)

    async def _follow_up(self, c: ActionContext, r: ActionRequest) -> Done:
        if r.handoff_id is None:
            return REFUSED
        return _ok(await self.flow.follow_up(c.uow, r.handoff_id, r.followup, c.actor, c.now, c.after))

    async def _transfer(self, c: ActionContext, r: ActionRequest) -> Done:
        target = await c.uow.counselors.get(r.to)
        if r.handoff_id is None or target is None:
            return REFUSED
        return _ok(await self.flow.transfer(c.uow, r.handoff_id, target, c.actor, c.now, c.after, r.note))

    async def _release(self, c: ActionContext, r: ActionRequest) -> Done:
        if r.handoff_id is None:
            return REFUSED
        return _ok(await self.flow.release(c.uow, r.handoff_id, c.actor, c.now, c.after, r.note))

    async def _hand_back(self, c: ActionContext, r: ActionRequest) -> Done:
        return _ok(await self.flow.handback(c.uow, c.actor, c.now, c.after, r.handoff_id, r.note))

    async def _duty(self, c: ActionContext, r: ActionRequest) -> Done:
        if r.available is None:
            return REFUSED
        c.actor.available = r.available
        await c.uow.audit.append(c.actor.id, "duty.toggle", f"counselor:{c.actor.id}", c.now,
                                 {"available": r.available})
        return OK

    async def _override(self, c: ActionContext, r: ActionRequest) -> Done:
        if not r.to or not 1 <= r.hours <= OVERRIDE_MAX_H:
            return Done(ActionResult.REFUSED,
                        f"Usage: /override COUNSELOR_ID HOURS [STATION] (1–{OVERRIDE_MAX_H} hours from now)")
        end = c.now + timedelta(hours=r.hours)
        try:
            made = await self.desk.roster.add_override(c.uow, r.to, r.station, c.now, end, c.actor.id, c.now)
        except RotaRefused as exc:
            return Done(ActionResult.REFUSED, exc.reason)
        return Done(ActionResult.OK, f"Override {made.id}: {made.counselor_name} covers {made.station} "
                                     f"until {end.isoformat(timespec='minutes')}.")

    async def _swap_decision(self, c: ActionContext, r: ActionRequest) -> Done:
        try:
            state = await self.desk.roster.decide_swap(c.uow, r.swap_id, r.approve, c.actor.id, c.now)
        except RotaRefused as exc:
            return Done(ActionResult.REFUSED, exc.reason)
        return Done(ActionResult.OK, f"Swap {r.swap_id}: {state}.")

    async def _assign(self, c: ActionContext, r: ActionRequest) -> Done:
        """Done.text is the refusal's code (board_assign.REASONS says what to show where)."""
        if r.handoff_id is None or r.version is None:
            return Done(ActionResult.REFUSED, board_assign.Refusal.GONE)
        refused = await board_assign.assign(self.flow, c.uow, r.handoff_id, r.version, r.to, r.note,
                                            c.actor, c.now, c.after)
        return OK if refused is None else Done(ActionResult.REFUSED, refused)

    async def _invite(self, c: ActionContext, r: ActionRequest) -> Done:
        return Done(ActionResult.OK, await self.desk.invite(c.uow, c.actor, r.to, c.now))


# action -> (permission in bot/security/roles.py, handler). The one place that says which
# permission each staff action needs, whichever channel it came from.
ACTIONS: dict[StaffAction, tuple[str, Handler]] = {
    StaffAction.ACCEPT: ("handoff.accept", StaffActions._accept),
    StaffAction.DECLINE: ("handoff.decline", StaffActions._decline),
    StaffAction.RELAY: ("handoff.relay", StaffActions._relay),
    StaffAction.CLOSE: ("handoff.close", StaffActions._close),
    StaffAction.FOLLOW_UP: ("handoff.close", StaffActions._follow_up),
    StaffAction.TRANSFER: ("handoff.transfer", StaffActions._transfer),
    StaffAction.RELEASE: ("handoff.transfer", StaffActions._release),
    StaffAction.HAND_BACK: ("handoff.handback", StaffActions._hand_back),
    StaffAction.DUTY: ("duty.toggle", StaffActions._duty),
    StaffAction.OVERRIDE: ("rota.override", StaffActions._override),
    StaffAction.SWAP_DECISION: ("rota.swap_approve", StaffActions._swap_decision),
    StaffAction.INVITE: ("invite.create", StaffActions._invite),
    StaffAction.ASSIGN: ("handoff.assign", StaffActions._assign),
}
