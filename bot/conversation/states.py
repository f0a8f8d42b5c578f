"""The domain's named values: conversation and handoff states, close outcomes, follow-up kinds and
what a staff action returns. StrEnums, so the database keeps plain strings and old rows compare
equal to the members."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class ConvState(StrEnum):
    """Where a resident's conversation stands (docs/ARCHITECTURE.md, "Handoff states")."""

    WELCOME = "welcome"  # nothing said yet
    SELF_HELP = "self_help"  # the bot answers from the knowledge base
    OFFERED = "offered"  # a person was offered (medium risk); the resident has not chosen
    WAITING = "waiting"  # a handoff is open, nobody has accepted yet
    WITH_COUNSELOR = "with_counselor"  # messages are relayed both ways


class HandoffState(StrEnum):
    REQUESTED = "requested"  # stored, not offered yet
    OFFERED = "offered"  # cards are out at some escalation step
    FALLBACK = "fallback"  # the chain ended unanswered; still acceptable
    ACCEPTED = "accepted"  # (legacy rows) between accept and active
    ACTIVE = "active"  # a counselor holds the chat
    CLOSED = "closed"


# Still waiting for a counselor: the queue, the board and raising a level look at these.
OPEN_HANDOFF_STATES: tuple[HandoffState, ...] = (
    HandoffState.REQUESTED, HandoffState.OFFERED, HandoffState.FALLBACK)


class Outcome(StrEnum):
    """Why a handoff closed. A counselor picks one of CLOSE_OUTCOMES; hand-back is its own action."""

    RESOLVED = "resolved"
    REFERRED = "referred"
    EMERGENCY = "emergency"
    NO_RESPONSE = "no_response"
    HANDED_BACK = "handed_back"


# What a counselor may pick when closing, with the label the card shows.
CLOSE_OUTCOMES: dict[Outcome, str] = {
    Outcome.RESOLVED: "Resolved", Outcome.REFERRED: "Referred",
    Outcome.EMERGENCY: "Emergency services contacted", Outcome.NO_RESPONSE: "No response"}


class FollowUpKind(StrEnum):
    DAY = "24h"
    WEEK = "1w"
    MONTH = "1m"


FOLLOW_UP_AFTER: dict[FollowUpKind, timedelta] = {
    FollowUpKind.DAY: timedelta(hours=24), FollowUpKind.WEEK: timedelta(weeks=1),
    FollowUpKind.MONTH: timedelta(days=30)}


class NoteKind(StrEnum):
    """When a counselor wrote a case note (bot/storage/case_tables.py)."""

    CLOSE = "close"
    TRANSFER = "transfer"
    HANDBACK = "handback"


class SafetyCheck(StrEnum):
    """What made closing a high or imminent chat safe; the console asks before such a close
    (issue 16 item 9, after Crisis Text Line's wrap-up: no high-risk chat ends unexamined)."""

    SAFETY_PLAN = "safety_plan"  # a safety plan was agreed with the resident
    EMERGENCY = "emergency"  # emergency services were contacted
    RESIDENT_LEFT = "resident_left"  # the resident stopped answering or left
    OTHER = "other"  # explained in the case note


SAFETY_CHECKS: dict[SafetyCheck, str] = {
    SafetyCheck.SAFETY_PLAN: "Safety plan agreed", SafetyCheck.EMERGENCY: "Emergency services contacted",
    SafetyCheck.RESIDENT_LEFT: "Resident left", SafetyCheck.OTHER: "Other (see note)"}


class ActionResult(StrEnum):
    """What one staff action came to (the console maps it to an HTTP status)."""

    OK = "ok"
    TAKEN = "taken"  # somebody else accepted first
    GONE = "gone"  # no such handoff (any more)
    REFUSED = "refused"  # not possible in the current state, or an unknown action


class AcceptResult(StrEnum):
    WON = "won"
    TAKEN = "taken"
    GONE = "gone"
