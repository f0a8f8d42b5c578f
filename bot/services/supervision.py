"""A supervisor (coordinator role) watches a live chat a colleague holds, and may join it
(issue 16 item 12).

Watching reads the transcript as the holder sees it, only while the chat is live (held and not
closed); joining tells the resident once, honestly, that a second person now reads and may write,
and tells the holder. A supervisor's lines go through the holder's relay
(`bot.conversation.posting.relay_to_resident`) under a role label and the staff alias, never a
name. The holder stays the holder: closing, transfer and hand-back stay theirs.

Who may is decided in bot/security/roles.py ("handoff.supervise", and "conversation.read" for the
transcript); every watch, read and join is audited (safety rule 5).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy import select

from bot.conversation.effects import After
from bot.conversation.messages import clean_text
from bot.conversation.posting import relay_to_resident, say, tell_staff
from bot.conversation.states import ActionResult, HandoffState
from bot.conversation.texts import t
from bot.security.roles import require, staff_actor
from bot.services.runtime import Runtime
from bot.storage.access_reads import recent_until
from bot.storage.models import AuditEntry, Counselor, Handoff, Message
from bot.storage.uow import UnitOfWork

JOIN = "supervision.join"
WATCH = "supervision.watch"
# How a supervisor's lines are labelled to the resident, before the staff alias (never a name).
ROLE_LABEL = {"zh": "督导", "en": "Supervisor"}
TRANSCRIPT_LINES = 50  # as many as the holder's pane shows


def label(alias: str | None, lang: str) -> str:
    """"督导 Zhao" / "Supervisor Zhao": what the resident sees beside a supervisor's line."""
    role = ROLE_LABEL.get(lang, ROLE_LABEL["zh"])
    return f"{role} {alias}" if alias else role


@dataclass
class LiveChat:
    handoff: Handoff
    holder_alias: str
    joined: bool  # this supervisor has joined it


@dataclass
class Watched:
    """What a watching supervisor sees: the handoff and its transcript, like the holder's pane."""

    handoff: Handoff
    holder_alias: str
    messages: list[tuple[Message, str]]
    joined: bool
    supervisors: list[str] = field(default_factory=list)  # aliases of those who joined


async def joined_by(uow: UnitOfWork, handoff_id: int) -> list[str]:
    """Ids of the supervisors who joined this handoff, in the order they joined."""
    rows = await uow.session.scalars(select(AuditEntry.actor).where(
        AuditEntry.action == JOIN, AuditEntry.object == f"handoff:{handoff_id}").order_by(AuditEntry.id))
    return list(dict.fromkeys(rows))


async def supervisor_aliases(uow: UnitOfWork, handoff_id: int) -> list[str]:
    """The role label and alias of each supervisor who joined (the holder's pane shows them)."""
    out = []
    for cid in await joined_by(uow, handoff_id):
        c = await uow.counselors.get(cid)
        out.append(label(c.alias if c else None, "en"))
    return out


def _live(h: Handoff | None) -> bool:
    return h is not None and h.state == HandoffState.ACTIVE and h.counselor_id is not None


class Supervision:
    """Watch, join and write for a supervisor; each in its own unit of work, effects after commit."""

    def __init__(self, runtime: Runtime, max_chars: int) -> None:
        self.uow, self.clock, self.effects = runtime.uow, runtime.clock, runtime.effects
        self.max_chars = max_chars
        # SQLite runs one process: a double click's second join waits here and then finds the
        # first. On PostgreSQL the handoff's row lock orders joins across instances.
        self._joining = asyncio.Lock()

    async def _supervisor(self, uow: UnitOfWork, supervisor_id: str, *actions: str) -> Counselor:
        """The supervisor's row; raises Forbidden unless their role allows every action."""
        me = await uow.counselors.get(supervisor_id)
        roles = me.roles if me is not None and me.active else []
        for action in actions:
            require(staff_actor(supervisor_id, roles), action)
        assert me is not None  # require refused an actor with no roles
        return me

    async def live(self, supervisor_id: str) -> list[LiveChat]:
        """Chats a colleague holds now, longest held first: level and alias, never text."""
        async with self.uow() as uow:
            await self._supervisor(uow, supervisor_id, "handoff.supervise")
            held = list(await uow.session.scalars(select(Handoff).where(
                Handoff.state == HandoffState.ACTIVE, Handoff.counselor_id.is_not(None),
                Handoff.counselor_id != supervisor_id).order_by(Handoff.accepted_at)))
            out = []
            for h in held:
                holder = await uow.counselors.get(h.counselor_id or "")
                out.append(LiveChat(h, (holder.alias if holder else None) or "Counselor",
                                    supervisor_id in await joined_by(uow, h.id)))
        return out

    async def watch(self, supervisor_id: str, handoff_id: int, audit: bool) -> Watched | ActionResult:
        """The live transcript, or GONE (no such chat, or it is no longer live: nothing is read).

        `audit` is False when this supervisor's read of this chat was audited moments ago (the
        pane re-reads on every change)."""
        now = self.clock.now()
        async with self.uow() as uow:
            await self._supervisor(uow, supervisor_id, "handoff.supervise", "conversation.read")
            h = await uow.handoffs.get(handoff_id)
            if h is None or not _live(h):
                if h is not None:
                    await uow.audit.append(supervisor_id, "conversation.read.denied",
                                           f"conversation:{h.conversation_id}", now,
                                           {"via": "supervision", "handoff": h.id, "state": h.state})
                    await uow.commit()
                return ActionResult.GONE
            rows = await recent_until(uow, h.conversation_id, None, TRANSCRIPT_LINES)
            holder = await uow.counselors.get(h.counselor_id or "")
            joined = await joined_by(uow, h.id)
            aliases = await supervisor_aliases(uow, h.id)
            if audit:
                await uow.audit.append(supervisor_id, WATCH, f"handoff:{h.id}", now,
                                       {"holder": h.counselor_id})
                await uow.audit.append(supervisor_id, "conversation.read",
                                       f"conversation:{h.conversation_id}", now,
                                       {"via": "supervision", "handoff": h.id})
                await uow.commit()
        return Watched(h, (holder.alias if holder else None) or "Counselor", rows,
                       supervisor_id in joined, aliases)

    async def join(self, supervisor_id: str, handoff_id: int) -> ActionResult:
        """Join a live chat: one notice to the resident and one to the holder, however often
        this is pressed. GONE when the chat is closed or missing; REFUSED for the holder."""
        after, now = After(), self.clock.now()
        async with self._joining, self.uow() as uow:
            me = await self._supervisor(uow, supervisor_id, "handoff.supervise", "conversation.read")
            h = await uow.handoffs.get(handoff_id, lock=True)
            if h is None or not _live(h):
                return ActionResult.GONE
            if h.counselor_id == supervisor_id:
                return ActionResult.REFUSED
            if supervisor_id in await joined_by(uow, h.id):
                return ActionResult.OK  # a double click or a stale page: already joined, nothing sent
            conv = await uow.conversations.get(h.conversation_id)
            if conv is None:
                return ActionResult.GONE
            # Honest and warm (WHO psychological first aid): who joined, and that both now read.
            await say(uow, conv, t("supervisor_joined", conv.lang), now)
            holder = await uow.counselors.get(h.counselor_id or "")
            if holder is not None:
                await tell_staff(uow, holder, f"{label(me.alias, 'en')} joined chat #{h.id}; "
                                 "the resident was told that a second person is with them.", now)
            await uow.audit.append(supervisor_id, JOIN, f"handoff:{h.id}", now, {"holder": h.counselor_id})
            await uow.commit()
        after.events.append(("handoff.message", h.id))
        self.effects.apply(after)
        return ActionResult.OK

    async def write(self, supervisor_id: str, handoff_id: int, text: str) -> ActionResult:
        """A line from a supervisor who joined, through the holder's relay under their label."""
        after, now = After(), self.clock.now()
        async with self.uow() as uow:
            me = await self._supervisor(uow, supervisor_id, "handoff.supervise", "handoff.relay")
            h = await uow.handoffs.get(handoff_id)
            if h is None or not _live(h):
                return ActionResult.GONE
            if supervisor_id not in await joined_by(uow, h.id):
                return ActionResult.REFUSED  # watching is silent: join first, so the resident is told
            conv = await uow.conversations.get(h.conversation_id)
            if conv is None:
                return ActionResult.GONE
            line = clean_text(text)[: self.max_chars]
            await relay_to_resident(uow, conv, label(me.alias, conv.lang), line, now, sender="supervisor")
            await uow.commit()
        after.events.append(("handoff.message", h.id))
        self.effects.apply(after)
        return ActionResult.OK
