"""While the resident waits for a counselor, every message is a turn.

It is triaged like any other (the service did that before we get here): a level above the
handoff's raises it (level, reasons, a fresh card at step 0 under the stricter policy, which has
the shorter timeouts; the board hears handoff.offered). The answer is an honest status (minutes
waited, how many on-duty counselors were asked, or that nobody answered yet) with one of several
caring lines, and a button to withdraw the request. Withdrawing closes the handoff; the counselors
whose card it was see "withdrawn" in place of the card.
"""

from __future__ import annotations

from datetime import datetime

from bot.conversation import cards
from bot.conversation.callbacks import Head
from bot.conversation.effects import After
from bot.conversation.handoffs import HandoffManager
from bot.conversation.messages import Button
from bot.conversation.posting import say, tell_staff
from bot.conversation.states import OPEN_HANDOFF_STATES, ConvState, HandoffState
from bot.conversation.texts import b, t
from bot.storage.models import Conversation, Handoff
from bot.storage.uow import UnitOfWork
from triage.levels import Assessment, rank

# Built here, not in callbacks.py (another helper's file): the TALK head's third answer.
CANCEL_REQUEST = f"{Head.TALK}:cancel"
WITHDRAWN = "withdrawn"  # handoff outcome when the resident withdrew the request
CARE_LINES = 4  # waiting_care_0 .. waiting_care_3 in texts.py


def minutes_waited(h: Handoff, now: datetime) -> int:
    return max(0, int((now - h.created_at).total_seconds()) // 60)


def status_text(h: Handoff, now: datetime, lang: str, turn: int) -> str:
    """Where the request stands, in plain words, and a caring line that changes turn by turn."""
    minutes = minutes_waited(h, now)
    if h.state == HandoffState.FALLBACK:
        status = t("waiting_nobody", lang, minutes=minutes)
    else:
        status = t("waiting_status", lang, minutes=minutes, asked=max(1, len(h.offered_to or [])))
    return f"{status}\n{t(f'waiting_care_{turn % CARE_LINES}', lang)}"


async def waiting_turn(uow: UnitOfWork, conv: Conversation, risk: Assessment, handoffs: HandoffManager,
                       now: datetime, after: After, emergency: str | None) -> None:
    """Raise the handoff if this message's tracked level is above it, then answer with the status.
    `emergency` is the lines to send with a raise (None when this turn already sent them)."""
    h = await uow.handoffs.open_for_conversation(conv.id)
    if h is None or h.state not in OPEN_HANDOFF_STATES:
        await say(uow, conv, t("waiting", conv.lang), now)
        return
    if rank(risk.level) > rank(h.level):
        reasons = list(dict.fromkeys([*risk.reasons, *(str(r) for r in h.reasons or [])]))
        await handoffs.open(uow, conv, risk.level, reasons, now, after)
        if emergency is not None:  # a raise is a disclosure: the safety message, as outside waiting
            await say(uow, conv, t("safety_high", conv.lang, emergency=emergency), now, urgent=True)
    turn = await _turns_waiting(uow, conv.id, h)
    await say(uow, conv, status_text(h, now, conv.lang, turn), now,
              ((Button(b("cancel_request", conv.lang), CANCEL_REQUEST),),))


async def _turns_waiting(uow: UnitOfWork, conv_id: int, h: Handoff) -> int:
    """The resident's lines since the request (a count: no line is decrypted, and the caring line
    goes on changing however long the wait; counting among the last 20 messages froze it)."""
    return await uow.messages.count_since(conv_id, "resident", h.created_at)


async def withdraw(uow: UnitOfWork, conv: Conversation, emergency: str, now: datetime,
                   after: After) -> None:
    """The resident withdraws the request: the handoff closes, its timers go stale (version), the
    cards say so; at high or imminent risk the 24-hour lines come with the goodbye (rule 1)."""
    h = await uow.handoffs.open_for_conversation(conv.id)
    if h is None or h.state not in OPEN_HANDOFF_STATES:
        await say(uow, conv, t("nothing_to_cancel", conv.lang), now)
        return
    h.state, h.outcome, h.closed_at, h.next_step_at = HandoffState.CLOSED, WITHDRAWN, now, None
    h.version += 1
    conv.state = ConvState.SELF_HELP
    urgent = rank(h.level) >= rank("high")
    text = t("request_cancelled", conv.lang)
    await say(uow, conv, f"{text}\n{emergency}" if urgent else text, now, urgent=urgent)
    for cid in h.offered_to or []:
        if (counselor := await uow.counselors.get(cid)) is not None:
            await tell_staff(uow, counselor, f"Handoff #{h.id} ({h.level}) was withdrawn by the resident.",
                             now, edit_ref=cards.card_ref(h.id, cid))
    await uow.audit.append("resident", "handoff.withdrawn", f"handoff:{h.id}", now,
                           {"level": h.level, "wait_s": int((now - h.created_at).total_seconds())})
    after.events.append(("handoff.closed", h.id))
