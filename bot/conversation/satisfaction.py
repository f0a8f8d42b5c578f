"""Satisfaction at close (issue 16 item 6): when a counselor closes a chat or hands it back, the
resident is asked once to rate it 1 to 5, or to skip; reports count the answers.

After Crisis Text Line's post-conversation survey: one tap, never required, asked only after a
counselor's chat (not after a bot answer, which has its own helpful / not helpful). A rating is
a Feedback row (kind "satisfaction", subject "handoff:H", value 1-5; a skip is value 0 so the
question is not asked twice). Buttons are checked against the conversation they were sent to,
since a client can forge callback data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.conversation import callbacks
from bot.conversation.callbacks import Callback
from bot.conversation.messages import Button
from bot.conversation.posting import say
from bot.conversation.states import HandoffState
from bot.conversation.texts import b, t
from bot.storage.models import Conversation
from bot.storage.uow import UnitOfWork

KIND = "satisfaction"
SKIP = "skip"
SCALE = ("1", "2", "3", "4", "5")
SATISFIED_FROM = 4  # 4 or 5 counts as satisfied, as the seed network's report does (70 %)


def subject(handoff_id: int) -> str:
    return f"handoff:{handoff_id}"


async def ask(uow: UnitOfWork, conv: Conversation, handoff_id: int, now: datetime) -> None:
    """The question with buttons 1-5 and skip, after the counselor's closing line."""
    row = tuple(Button(v, callbacks.rate(handoff_id, v)) for v in SCALE)
    skip = (Button(b("rate_skip", conv.lang), callbacks.rate(handoff_id, SKIP)),)
    await say(uow, conv, t("rate_ask", conv.lang), now, (row, skip))


async def record(uow: UnitOfWork, conv: Conversation, cb: Callback, now: datetime) -> bool:
    """Store one answer; False (and nothing said) for a button that does not belong here."""
    hid, value = cb.handoff_id, cb.parts[1] if len(cb.parts) == 2 else ""
    if hid is None or value not in (*SCALE, SKIP):
        return False
    h = await uow.handoffs.get(hid)
    if h is None or h.conversation_id != conv.id or h.state != HandoffState.CLOSED:
        return False
    if await uow.feedback.count(KIND, subject(hid)):
        await say(uow, conv, t("rate_done", conv.lang), now)
        return True
    uow.feedback.add(conv.id, KIND, subject(hid), 0 if value == SKIP else int(value), now)
    await say(uow, conv, t("rate_skipped" if value == SKIP else "rate_thanks", conv.lang), now)
    return True


def tally(values: Iterable[int]) -> dict[str, float | int | None]:
    """Answers as a report row: how many rated and skipped (value 0), the share rated 4 or 5 (skips
    left out; the figure the seed network reports as 70 % satisfied), and the mean rating."""
    answers = list(values)
    rated = [v for v in answers if v > 0]
    satisfied = sum(1 for v in rated if v >= SATISFIED_FROM)
    return {"rated": len(rated), "skipped": len(answers) - len(rated),
            "satisfied_share": satisfied / len(rated) if rated else None,
            "mean": sum(rated) / len(rated) if rated else None}


async def summary(uow: UnitOfWork, since: datetime, until: datetime) -> dict[str, float | int | None]:
    """Ratings given in [since, until) (`tally`)."""
    return tally(await uow.feedback.values(KIND, since, until))
