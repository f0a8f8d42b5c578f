"""The counselor's side: accept or decline a card, relay, close with an outcome and follow-ups,
transfer, hand back, and binding a Telegram account with an invite code. Permissions are checked
before these run, in bot/services/staff.py's table of actions."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from bot.conversation import callbacks, cards, satisfaction
from bot.conversation.effects import After, Timer, TimerKind
from bot.conversation.handoffs import HandoffManager
from bot.conversation.messages import Button
from bot.conversation.posting import relay_to_resident, say, tell_staff
from bot.conversation.states import (
    CLOSE_OUTCOMES,
    FOLLOW_UP_AFTER,
    AcceptResult,
    ConvState,
    FollowUpKind,
    HandoffState,
    NoteKind,
    Outcome,
)
from bot.conversation.texts import t
from bot.storage.case_repo import add_note
from bot.storage.models import Conversation, Counselor, Handoff
from bot.storage.uow import UnitOfWork

CHECK_IN = {"zh": "你好，之前和你聊过的咨询师想问问你最近怎么样。想聊的话，直接回复就好。",
            "en": "Hello, the counselor you talked with wanted to check how you are doing. "
                  "Reply any time if you would like to talk."}


@dataclass(frozen=True)
class WrapUp:
    """What the console asks at close: a case note (encrypted), the safety check (required for a
    high or imminent chat, checked by the console route) and the risk the counselor judged."""

    note: str = ""
    safety_check: str = ""
    risk_at_close: str = ""


def back_to_bot(conv: Conversation) -> None:
    """The resident returns to the bot. The counselor has assessed the risk in person, so the
    tracker's memory starts afresh; any new crisis words raise it again at once."""
    conv.state = ConvState.SELF_HELP
    conv.risk_memory = []
    conv.risk_level = "none"


class StaffFlow:
    def __init__(self, handoffs: HandoffManager) -> None:
        self.handoffs = handoffs

    async def current_chat(self, uow: UnitOfWork, counselor: Counselor) -> Handoff | None:
        return await uow.handoffs.active_for(counselor.id)

    async def accept(self, uow: UnitOfWork, handoff_id: int, counselor: Counselor, now: datetime,
                     after: After) -> AcceptResult:
        """First Accept wins atomically."""
        won = await uow.handoffs.try_accept(handoff_id, counselor.id, now)
        h = await uow.handoffs.get(handoff_id)
        if h is None:
            return AcceptResult.GONE
        if not won:
            await tell_staff(uow, counselor, cards.taken_text(h.id, by_you=h.counselor_id == counselor.id),
                             now, edit_ref=cards.card_ref(h.id, counselor.id))
            return AcceptResult.TAKEN
        conv = await uow.conversations.get(h.conversation_id)
        if conv is not None:
            conv.state = ConvState.WITH_COUNSELOR
            await say(uow, conv, t("joined", conv.lang, alias=counselor.alias or "A"), now)
        recent = await uow.messages.recent(h.conversation_id, 10)
        transcript = "\n".join(f"{m.sender}: {text}" for m, text in recent)
        await tell_staff(uow, counselor, cards.taken_text(h.id, by_you=True), now,
                         edit_ref=cards.card_ref(h.id, counselor.id))
        await tell_staff(uow, counselor, f"Recent messages of #{h.id}:\n{transcript}", now)
        for other in h.offered_to or []:
            if other != counselor.id and (o := await uow.counselors.get(other)) is not None:
                await tell_staff(uow, o, cards.taken_text(h.id, by_you=False), now,
                                 edit_ref=cards.card_ref(h.id, other))
        await uow.audit.append(counselor.id, "handoff.accept", f"handoff:{h.id}", now,
                               {"level": h.level, "wait_s": int((now - h.created_at).total_seconds())})
        await uow.audit.append(counselor.id, "conversation.read", f"conversation:{h.conversation_id}", now)
        after.events.append(("handoff.accepted", h.id))
        return AcceptResult.WON

    async def decline(self, uow: UnitOfWork, handoff_id: int, counselor: Counselor, now: datetime,
                      after: After) -> None:
        if await self.handoffs.decline(uow, handoff_id, counselor.id, now, after):
            await tell_staff(uow, counselor, f"You declined handoff #{handoff_id}.", now,
                             edit_ref=cards.card_ref(handoff_id, counselor.id))
            await uow.audit.append(counselor.id, "handoff.decline", f"handoff:{handoff_id}", now)

    async def relay(self, uow: UnitOfWork, counselor: Counselor, text: str, now: datetime,
                    after: After, handoff_id: int | None = None) -> bool:
        h = await (uow.handoffs.get(handoff_id) if handoff_id else self.current_chat(uow, counselor))
        if h is None or h.state != HandoffState.ACTIVE or h.counselor_id != counselor.id:
            await tell_staff(uow, counselor, "You have no active chat. Accept a card first.", now)
            return False
        conv = await uow.conversations.get(h.conversation_id)
        if conv is None:
            return False
        await relay_to_resident(uow, conv, counselor.alias or "Counselor", text, now)
        after.events.append(("handoff.message", h.id))
        return True

    async def ask_outcome(self, uow: UnitOfWork, counselor: Counselor, now: datetime) -> None:
        h = await self.current_chat(uow, counselor)
        if h is None:
            await tell_staff(uow, counselor, "You have no active chat to close.", now)
            return
        rows = tuple((Button(label, callbacks.outcome(h.id, key)),) for key, label in CLOSE_OUTCOMES.items())
        await tell_staff(uow, counselor, f"Close handoff #{h.id}: what was the outcome?", now, rows)

    async def close(self, uow: UnitOfWork, handoff_id: int, outcome: str, counselor: Counselor,
                    now: datetime, after: After, wrap_up: WrapUp | None = None) -> bool:
        h = await uow.handoffs.get(handoff_id, lock=True)
        if h is None or h.counselor_id != counselor.id or h.state != HandoffState.ACTIVE \
                or outcome not in CLOSE_OUTCOMES:
            return False
        h.state, h.outcome, h.closed_at = HandoffState.CLOSED, Outcome(outcome), now
        h.version += 1
        if wrap_up is not None:  # the console's wrap-up: encrypted note, safety check, risk at close
            await add_note(uow, h.id, counselor.id, NoteKind.CLOSE, wrap_up.note, now,
                           wrap_up.safety_check or None, wrap_up.risk_at_close or None)
        conv = await uow.conversations.get(h.conversation_id)
        if conv is not None:
            back_to_bot(conv)
            await say(uow, conv, t("handed_back", conv.lang), now)
            await satisfaction.ask(uow, conv, h.id, now)
        await uow.audit.append(counselor.id, "handoff.close", f"handoff:{h.id}", now, {"outcome": outcome})
        kinds = [*FOLLOW_UP_AFTER, callbacks.NO_FOLLOW_UP]
        buttons = (tuple(Button(k, callbacks.follow_up(h.id, k)) for k in kinds),)
        await tell_staff(uow, counselor, f"#{h.id} closed ({CLOSE_OUTCOMES[Outcome(outcome)]}). "
                         "Schedule a follow-up?",
                         now, buttons)
        after.events.append(("handoff.closed", h.id))
        return True

    async def follow_up(self, uow: UnitOfWork, handoff_id: int, kind: str, counselor: Counselor,
                        now: datetime, after: After) -> bool:
        h = await uow.handoffs.get(handoff_id)
        if h is None or h.counselor_id != counselor.id or kind not in FOLLOW_UP_AFTER:
            return False
        fu = await uow.followups.add(h.id, counselor.id, kind, now + FOLLOW_UP_AFTER[FollowUpKind(kind)])
        after.timers.append(Timer(TimerKind.FOLLOW_UP, fu.id, 0, 0, fu.due_at))
        await tell_staff(uow, counselor, f"Follow-up for #{h.id} scheduled in {kind}.", now)
        return True

    async def transfer(self, uow: UnitOfWork, handoff_id: int, to: Counselor, counselor: Counselor,
                       now: datetime, after: After, note: str = "", by: Counselor | None = None) -> bool:
        """`counselor` holds the chat; `by` decided the move when it is not them (a coordinator on
        the live board, bot/services/board_assign.py): the note and the audit entry are theirs."""
        by = by or counselor
        h = await uow.handoffs.get(handoff_id, lock=True)
        if h is None or h.counselor_id != counselor.id or h.state != HandoffState.ACTIVE \
                or to.id == counselor.id or not to.active:
            return False
        h.counselor_id = to.id
        h.version += 1
        conv = await uow.conversations.get(h.conversation_id)
        if conv is not None:
            await say(uow, conv, t("transferred", conv.lang), now)
        recent = await uow.messages.recent(h.conversation_id, 10)
        if note:
            await add_note(uow, h.id, by.id, NoteKind.TRANSFER, note, now)
        card = cards.render_card(h, recent, now, f"transferred from {counselor.alias}"
                                 + (f" by {by.name}" if by is not counselor else ""))
        who = by.alias or "" if by is counselor else by.name
        await tell_staff(uow, to, card + (f"\n\nNote from {html.escape(who)}: "
                                          f"{html.escape(note)}" if note else "")
                         + "\n\nThis chat is now yours; your messages go to the resident.", now, html=True)
        await tell_staff(uow, counselor, f"#{h.id} transferred.", now)
        await uow.audit.append(by.id, "handoff.transfer", f"handoff:{h.id}", now,
                               {"to": to.id, "note": bool(note), "from": counselor.id})
        after.events.append(("handoff.transferred", h.id))
        return True

    async def release(self, uow: UnitOfWork, handoff_id: int, counselor: Counselor, now: datetime,
                      after: After, note: str = "") -> bool:
        """Give an active chat back to the queue: it is offered again from the first escalation
        step to everyone but this counselor (safety rule 3: the chain runs on until someone takes
        it or the 24-hour lines are given). The resident hears that another counselor will come."""
        h = await uow.handoffs.get(handoff_id, lock=True)
        if h is None or h.counselor_id != counselor.id or h.state != HandoffState.ACTIVE:
            return False
        h.counselor_id, h.accepted_at = None, None
        h.declined_by = sorted(set(h.declined_by or []) | {counselor.id})
        h.offered_to = []
        conv = await uow.conversations.get(h.conversation_id)
        if conv is not None:
            conv.state = ConvState.WAITING
            await say(uow, conv, t("transferred", conv.lang), now)
        if note:
            await add_note(uow, h.id, counselor.id, NoteKind.TRANSFER, note, now)
        await self.handoffs.reoffer(uow, h, now, after)
        await tell_staff(uow, counselor, f"#{h.id} is back in the queue.", now)
        await uow.audit.append(counselor.id, "handoff.release", f"handoff:{h.id}", now, {"note": bool(note)})
        after.events.append(("handoff.released", h.id))
        return True

    async def handback(self, uow: UnitOfWork, counselor: Counselor, now: datetime, after: After,
                       handoff_id: int | None = None, reason: str = "") -> bool:
        h = await (uow.handoffs.get(handoff_id, lock=True) if handoff_id
                   else self.current_chat(uow, counselor))
        if h is None or h.counselor_id != counselor.id or h.state != HandoffState.ACTIVE:
            return False
        h.state, h.outcome, h.closed_at = HandoffState.CLOSED, Outcome.HANDED_BACK, now
        h.version += 1
        if reason:
            await add_note(uow, h.id, counselor.id, NoteKind.HANDBACK, reason, now)
        conv = await uow.conversations.get(h.conversation_id)
        if conv is not None:
            back_to_bot(conv)
            await say(uow, conv, t("handed_back", conv.lang), now)
            await satisfaction.ask(uow, conv, h.id, now)
        await uow.audit.append(counselor.id, "handoff.handback", f"handoff:{h.id}", now)
        after.events.append(("handoff.closed", h.id))
        return True

    async def join(self, uow: UnitOfWork, code: str, telegram_id: int, now: datetime) -> Counselor | None:
        """Bind a Telegram account to the counselor an unused, unexpired invite code names."""
        invite = await uow.invites.by_code(code)
        if invite is None or invite.used_at is not None or invite.expires_at < now:
            return None
        counselor = await uow.counselors.get(invite.counselor_id)
        if counselor is None:
            return None
        await uow.counselors.bind_telegram(counselor, telegram_id)
        invite.used_at = now
        await uow.audit.append(counselor.id, "counselor.join", f"counselor:{counselor.id}", now)
        return counselor

    async def follow_up_due(self, uow: UnitOfWork, followup_id: int, now: datetime) -> bool:
        """A scheduled check-in is due: ask the resident how they are, remind the counselor."""
        fu = await uow.followups.get(followup_id)
        if fu is None or fu.done_at is not None:
            return False
        fu.done_at = now
        h = await uow.handoffs.get(fu.handoff_id)
        conv = await uow.conversations.get(h.conversation_id) if h else None
        if conv is not None and conv.closed_at is None:
            text = CHECK_IN["en" if conv.lang == "en" else "zh"]
            await say(uow, conv, text, now, ((Button("🧑", callbacks.talk(yes=True)),),))
        counselor = await uow.counselors.get(fu.counselor_id) if fu.counselor_id else None
        if counselor is not None and h is not None:
            await tell_staff(uow, counselor, f"Follow-up ({fu.kind}) for #{h.id} sent to the resident.", now)
        return True
