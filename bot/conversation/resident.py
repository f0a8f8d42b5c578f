"""The resident's side: welcome, self-help answers, offers, handoffs, relay to the counselor.

Risk decides before anything else: imminent puts the emergency numbers first, high opens a
handoff with a safety message, medium offers a person. Only then does the knowledge base answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.conversation import callbacks, satisfaction
from bot.conversation.callbacks import Head
from bot.conversation.effects import After
from bot.conversation.handoffs import HandoffManager
from bot.conversation.messages import Button, Inbound, InboundKind
from bot.conversation.ports import KnowledgePort
from bot.conversation.posting import Buttons, record, say, tell_staff
from bot.conversation.states import ConvState
from bot.conversation.texts import b, t
from bot.conversation.waiting import waiting_turn, withdraw
from bot.storage.models import Conversation
from bot.storage.uow import UnitOfWork
from triage.levels import Assessment, rank

if TYPE_CHECKING:
    from knowledge_base import SearchResult  # annotations only: the package loads bm25s and scipy


@dataclass
class ResidentContext:
    uow: UnitOfWork
    conv: Conversation
    inbound: Inbound
    risk: Assessment  # conversation-level (tracked) risk
    message_risk: Assessment
    now: datetime
    after: After


class ResidentFlow:
    def __init__(self, kb: KnowledgePort, handoffs: HandoffManager, emergency: dict[str, str],
                 forget: object | None = None) -> None:
        self.kb = kb
        self.handoffs = handoffs
        self.emergency = emergency
        self.forget = forget

    async def on_message(self, ctx: ResidentContext) -> None:
        """A text (or caption, or edit) from the resident, already stored and triaged."""
        lang, level = ctx.conv.lang, ctx.risk.level
        if ctx.conv.state == ConvState.WITH_COUNSELOR:
            await self._relay_to_counselor(ctx)
            if rank(ctx.message_risk.level) >= rank("imminent"):
                await self._numbers_first(ctx)
            return
        if ctx.conv.state == ConvState.WAITING:
            # Every message while waiting is a turn: the numbers first when this one is imminent,
            # then the handoff rises to the tracked level if that is higher, then an honest status.
            imminent = ctx.message_risk.level == "imminent"
            if imminent:
                await self._numbers_first(ctx)
            await waiting_turn(ctx.uow, ctx.conv, ctx.risk, self.handoffs, ctx.now, ctx.after,
                               None if imminent else self.emergency[lang])
        elif level == "imminent":
            await self._imminent(ctx)
        elif level == "high":
            await self._high(ctx)
        elif level == "medium":
            await self._medium(ctx)
        elif ctx.inbound.kind != InboundKind.EDITED:
            await self._answer(ctx)

    async def _numbers_first(self, ctx: ResidentContext) -> None:
        """Safety rule 1: the emergency numbers are the first thing this turn sends, unless they
        already went out straight for this very line while the database was down (then the
        transcript keeps them; the resident is not sent them a second time)."""
        lang = ctx.conv.lang
        text = t("emergency_first", lang, emergency=self.emergency[lang])
        if ctx.inbound.numbers_sent:
            await record(ctx.uow, ctx.conv, text, ctx.now)
        else:
            await say(ctx.uow, ctx.conv, text, ctx.now, urgent=True)

    async def _imminent(self, ctx: ResidentContext) -> None:
        await self._numbers_first(ctx)
        await self.handoffs.open(ctx.uow, ctx.conv, "imminent", list(ctx.risk.reasons), ctx.now,
                                 ctx.after)
        ctx.conv.state = ConvState.WAITING

    async def _high(self, ctx: ResidentContext) -> None:
        lang = ctx.conv.lang
        await say(ctx.uow, ctx.conv, t("safety_high", lang, emergency=self.emergency[lang]),
                  ctx.now, urgent=True)
        await self.handoffs.open(ctx.uow, ctx.conv, "high", list(ctx.risk.reasons), ctx.now, ctx.after)
        ctx.conv.state = ConvState.WAITING

    async def _medium(self, ctx: ResidentContext) -> None:
        lang = ctx.conv.lang
        answer = self.kb.answer(ctx.inbound.text, lang, ctx.now)
        text = t("medium_offer", lang)
        if answer.kind == "answer":
            text = f"{text}\n\n{answer.text}"
        buttons: Buttons = ((Button(b("yes_talk", lang), callbacks.talk(yes=True)),
                             Button(b("no_talk", lang), callbacks.talk(yes=False))),)
        # The state changes before the reply is written, so the turn updates the row once (issue 20).
        ctx.conv.state = ConvState.OFFERED
        await say(ctx.uow, ctx.conv, text, ctx.now, buttons)

    async def _answer(self, ctx: ResidentContext) -> None:
        answer = self.kb.answer(ctx.inbound.text, ctx.conv.lang, ctx.now)
        await self.send_answer(ctx, answer)

    async def send_answer(self, ctx: ResidentContext, answer: SearchResult) -> None:
        lang = ctx.conv.lang
        talk = Button(b("talk", lang), callbacks.talk(yes=True))
        if ctx.conv.state in (ConvState.WELCOME, ConvState.OFFERED):  # before the reply: one UPDATE
            ctx.conv.state = ConvState.SELF_HELP
        if answer.kind == "answer" and answer.entry_id:
            subject = answer.entry_id
            # A second worry in a long question (issue 21 item 2): the answer's text offers it, and
            # this button opens it.
            also: Buttons = (((Button(answer.also[2][:60], callbacks.topic(answer.also[0])),),)
                             if answer.also else ())
            buttons: Buttons = (
                (Button(b("helpful", lang), callbacks.feedback(True, subject)),
                 Button(b("not_helpful", lang), callbacks.feedback(False, subject))),
                (Button(b("not_asked", lang), callbacks.missed(subject)),),
                *also,
                (talk,),
            )
            await say(ctx.uow, ctx.conv, answer.text, ctx.now, buttons)
        elif answer.kind == "fallback":
            # Counted for the editors' report (/admin/kb): the closest topic only, never the words.
            ctx.uow.feedback.add(ctx.conv.id, "fallback", (answer.best_topic or "")[:64], 0, ctx.now)
            topics = tuple((Button(name, callbacks.topic(tid)),) for tid, name in answer.alternatives[:3])
            text = answer.text or t("not_sure", lang)
            await say(ctx.uow, ctx.conv, text, ctx.now, topics + ((talk,),))
        else:  # refusal or services: plain text, a person always on offer
            await say(ctx.uow, ctx.conv, answer.text, ctx.now, ((talk,),))

    async def _relay_to_counselor(self, ctx: ResidentContext) -> None:
        h = await ctx.uow.handoffs.open_for_conversation(ctx.conv.id)
        if h is None or h.counselor_id is None:
            return
        counselor = await ctx.uow.counselors.get(h.counselor_id)
        if counselor is None:
            return
        marker = ""
        if rank(ctx.message_risk.level) >= rank("high"):
            marker = f"[{ctx.message_risk.level.upper()}: {'; '.join(ctx.message_risk.reasons[:2])}] "
        await tell_staff(ctx.uow, counselor, f"💬 #{h.id} resident: {marker}{ctx.inbound.text}", ctx.now)
        ctx.after.events.append(("handoff.message", h.id))

    async def on_callback(self, ctx: ResidentContext, data: str) -> None:
        lang = ctx.conv.lang
        cb = callbacks.decode(data)
        head, rest = cb.head, cb.rest
        if head == Head.TALK:
            if rest == "yes":
                level = ctx.risk.level if rank(ctx.risk.level) >= rank("medium") else "medium"
                reasons = list(ctx.risk.reasons) or ["resident asked for a person"]
                await self.handoffs.open(ctx.uow, ctx.conv, level, reasons, ctx.now, ctx.after)
                await say(ctx.uow, ctx.conv, t("waiting", lang), ctx.now)
                ctx.conv.state = ConvState.WAITING
            elif rest == "cancel":
                await withdraw(ctx.uow, ctx.conv, self.emergency[lang], ctx.now, ctx.after)
            else:
                await say(ctx.uow, ctx.conv, t("offer_declined", lang), ctx.now)
                ctx.conv.state = ConvState.SELF_HELP
        elif head == Head.FEEDBACK:
            value, _, subject = rest.partition(":")
            if value in ("1", "-1"):
                ctx.uow.feedback.add(ctx.conv.id, "answer", subject[:64], int(value), ctx.now)
                await say(ctx.uow, ctx.conv, t("thanks_feedback", lang), ctx.now)
            elif value == callbacks.MISS:
                ctx.uow.feedback.add(ctx.conv.id, "answer_miss", subject[:64], -1, ctx.now)
                await say(ctx.uow, ctx.conv, t("thanks_miss", lang), ctx.now, ((Button(b("talk", lang),
                                                                                        callbacks.talk(yes=True)),),))
        elif head == Head.RATE:
            await satisfaction.record(ctx.uow, ctx.conv, cb, ctx.now)
        elif head == Head.TOPIC:
            await self.send_answer(ctx, self.kb.topic_answer(rest[:64], lang))
        elif head == Head.LANG and rest in ("zh", "en"):
            ctx.conv.lang = rest
            await say(ctx.uow, ctx.conv, t("lang_set", rest), ctx.now)
