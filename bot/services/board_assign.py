"""A coordinator assigns a chat from the live board (issue 17 item 7).

Two cases, one entry point (`assign`, run by `StaffActions` as the ASSIGN action, where the
role is checked):
- a chat still waiting (requested, offered, fallback): the named counselor gets the card with the
  coordinator's note, on Telegram through the outbox and in the console queue (offered to them).
  It is an offer, not a forced hold: the first Accept still wins, and until someone accepts the
  chain runs on at the step's own time (safety rule 3) - the escalation timer is re-armed at the
  same moment under the new version.
- a chat already accepted: handed to the named counselor by the console's own transfer
  (`StaffFlow.transfer`), recorded as the coordinator's decision. The chat is theirs at once and
  no timer watches it, so it goes only to someone something reaches now: signed in to the
  console or with Telegram linked (safety rule 3: the resident must not be left with nobody).

The form carries the handoff's version. The version is bumped by one guarded UPDATE before
anything is written or sent, so a double click or a form drawn before the chat was accepted,
escalated or assigned changes nothing the second time (safety rule 2).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update

from bot.conversation import cards
from bot.conversation.effects import After, Timer, TimerKind
from bot.conversation.posting import tell_staff
from bot.conversation.staff import StaffFlow
from bot.conversation.states import OPEN_HANDOFF_STATES, HandoffState, NoteKind
from bot.storage.case_repo import add_note
from bot.storage.models import Counselor, Handoff
from bot.storage.session_tables import StaffSessionRow
from bot.storage.uow import UnitOfWork

NOTE_MAX = 500  # a short note for the receiving counselor, not a case summary
# A console login counts as "signed in" this long: cookies expire 12 hours after their last
# write (bot/web/sessions.py), and a row is the login, not proof someone is at the screen.
SESSION_LIFE = timedelta(hours=12)


class Refusal(StrEnum):
    GONE = "gone"
    STALE = "stale"
    NOT_ON_DUTY = "not_on_duty"
    HOLDS_IT = "holds_it"
    UNREACHABLE = "unreachable"
    NOTE_TOO_LONG = "note_too_long"


@dataclass(frozen=True)
class Why:
    field: str  # the form field the reason is shown beside
    message: str


REASONS: dict[Refusal, Why] = {
    Refusal.GONE: Why("handoff", "This chat is closed or no longer exists: nothing to assign."),
    Refusal.STALE: Why("handoff", "This chat changed since the board was drawn (accepted, escalated "
                                  "or just assigned). Nothing was changed; look at it again below."),
    Refusal.NOT_ON_DUTY: Why("to", "That person is not on duty now, or is marked away. Choose "
                                   "someone the rota has on duty."),
    Refusal.HOLDS_IT: Why("to", "That counselor already holds this chat."),
    Refusal.UNREACHABLE: Why("to", "Nothing reaches that counselor now (not signed in to the console, "
                                   "no Telegram). A held chat moves only to someone who can answer at "
                                   "once: ask them to sign in, or choose someone else."),
    Refusal.NOTE_TOO_LONG: Why("note", f"Keep the note under {NOTE_MAX} characters."),
}


async def signed_in(uow: UnitOfWork, now: datetime) -> dict[str, datetime]:
    """Counselor id -> their newest console login still within SESSION_LIFE."""
    return {cid: at for cid, at in await uow.session.execute(
        select(StaffSessionRow.counselor_id, func.max(StaffSessionRow.created_at))
        .where(StaffSessionRow.created_at >= now - SESSION_LIFE).group_by(StaffSessionRow.counselor_id))}


async def _claim(uow: UnitOfWork, handoff_id: int, version: int) -> Handoff | None:
    """Bump the version only if it is still the one the form saw (one guarded UPDATE, like
    accepting): of two identical submissions exactly one gets the handoff back."""
    states = (*OPEN_HANDOFF_STATES, HandoffState.ACTIVE)
    result = await uow.session.execute(
        update(Handoff).where(Handoff.id == handoff_id, Handoff.version == version, Handoff.state.in_(states))
        .values(version=Handoff.version + 1).execution_options(synchronize_session=False))
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    h = await uow.handoffs.get(handoff_id, lock=True)
    if h is not None:
        await uow.session.refresh(h)
    return h


async def assign(flow: StaffFlow, uow: UnitOfWork, handoff_id: int, version: int, to_id: str,
                 note: str, actor: Counselor, now: datetime, after: After) -> Refusal | None:
    """Assign (waiting) or reassign (accepted) the chat to `to_id`; None when done."""
    if len(note) > NOTE_MAX:
        return Refusal.NOTE_TOO_LONG
    current = await uow.handoffs.get(handoff_id)
    if current is None or current.state not in (*OPEN_HANDOFF_STATES, HandoffState.ACTIVE):
        return Refusal.GONE
    if current.version != version:
        return Refusal.STALE
    target = await uow.counselors.get(to_id)
    on_duty = await flow.handoffs.rota.on_duty(now, None, uow)
    if target is None or not target.active or not target.available or to_id not in on_duty:
        return Refusal.NOT_ON_DUTY
    if current.state == HandoffState.ACTIVE:
        if current.counselor_id == to_id:
            return Refusal.HOLDS_IT
        if target.telegram_id is None and to_id not in await signed_in(uow, now):
            return Refusal.UNREACHABLE
    h = await _claim(uow, handoff_id, version)
    if h is None:
        return Refusal.STALE
    if h.state == HandoffState.ACTIVE:
        holder = await uow.counselors.get(h.counselor_id or "")
        if holder is None or not await flow.transfer(uow, h.id, target, holder, now, after, note, by=actor):
            return Refusal.STALE
        return None
    await _offer_to(uow, h, target, note, actor, now, after)
    return None


async def _offer_to(uow: UnitOfWork, h: Handoff, target: Counselor, note: str, actor: Counselor,
                    now: datetime, after: After) -> None:
    h.offered_to = sorted(set(h.offered_to or []) | {target.id})
    h.declined_by = [c for c in (h.declined_by or []) if c != target.id]  # asked again, by name
    if h.state == HandoffState.OFFERED and h.next_step_at is not None:
        # The old timer carries the old version and will drop itself; this one keeps the step's
        # deadline, so an assignment nobody accepts escalates exactly when it would have.
        after.timers.append(Timer(TimerKind.ESCALATE, h.id, h.version, h.step, h.next_step_at))
    if note:
        await add_note(uow, h.id, actor.id, NoteKind.TRANSFER, note, now)
    recent = await uow.messages.recent(h.conversation_id, 8)
    text = cards.render_card(h, recent, now, f"assigned to you by {actor.name}")
    if note:
        text += f"\n\nNote from {html.escape(actor.name)}: {html.escape(note)}"
    await tell_staff(uow, target, text, now, cards.card_buttons(h.id), ref=cards.card_ref(h.id, target.id),
                     html=True, dedupe=f"assign:{h.id}:{target.id}:{h.version}")
    await uow.audit.append(actor.id, "handoff.assign", f"handoff:{h.id}", now,
                           {"to": target.id, "state": h.state, "note": bool(note)})
    after.events.append(("handoff.offered", h.id))
