"""The resident's side: welcome, self-help answers, offers, handoffs, relay to the counselor.

Risk decides before anything else: imminent puts the emergency numbers first, high opens a
handoff with a safety message, medium offers a person. Only then does the knowledge base answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.conversation.handoffs import LEVEL_RANK, After, HandoffManager
from bot.conversation.messages import Button, Inbound
from bot.conversation.ports import Answer, KnowledgePort, Risk
from bot.conversation.posting import Buttons, say, tell_staff
from bot.conversation.texts import b, t
from bot.storage.models import Conversation, Feedback
from bot.storage.uow import UnitOfWork


@dataclass
class ResidentContext:
    uow: UnitOfWork
    conv: Conversation
    inbound: Inbound
    risk: Risk  # conversation-level (tracked) risk
    message_risk: Risk
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
        if ctx.conv.state == "with_counselor":
            await self._relay_to_counselor(ctx)
            if LEVEL_RANK[ctx.message_risk.level] >= LEVEL_RANK["imminent"]:
                await say(ctx.uow, ctx.conv, t("emergency_first", lang, emergency=self.emergency[lang]),
                          ctx.now, urgent=True)
            return
        waiting = ctx.conv.state == "waiting"
        if level == "imminent" and (not waiting or ctx.message_risk.level == "imminent"):
            await self._imminent(ctx)
        elif level == "imminent":
            await say(ctx.uow, ctx.conv, t("waiting", lang), ctx.now)
        elif level == "high":
            await self._high(ctx)
        elif ctx.conv.state == "waiting":
            await say(ctx.uow, ctx.conv, t("waiting", lang), ctx.now)
        elif level == "medium":
            await self._medium(ctx)
        elif ctx.inbound.kind != "edited":
            await self._answer(ctx)

    async def _imminent(self, ctx: ResidentContext) -> None:
        # Safety rule 1: the emergency numbers are the first thing this turn sends.
        lang = ctx.conv.lang
        await say(ctx.uow, ctx.conv, t("emergency_first", lang, emergency=self.emergency[lang]),
                  ctx.now, urgent=True)
        await self.handoffs.open(ctx.uow, ctx.conv, "imminent", list(ctx.risk.reasons), ctx.now,
                                 ctx.after)
        ctx.conv.state = "waiting"

    async def _high(self, ctx: ResidentContext) -> None:
        lang = ctx.conv.lang
        if ctx.conv.state != "waiting":
            await say(ctx.uow, ctx.conv, t("safety_high", lang, emergency=self.emergency[lang]),
                      ctx.now, urgent=True)
        else:
            await say(ctx.uow, ctx.conv, t("waiting", lang), ctx.now)
        await self.handoffs.open(ctx.uow, ctx.conv, "high", list(ctx.risk.reasons), ctx.now, ctx.after)
        ctx.conv.state = "waiting"

    async def _medium(self, ctx: ResidentContext) -> None:
        lang = ctx.conv.lang
        answer = self.kb.answer(ctx.inbound.text, lang, ctx.now)
        text = t("medium_offer", lang)
        if answer.kind == "answer":
            text = f"{text}\n\n{answer.text}"
        buttons: Buttons = ((Button(b("yes_talk", lang), "talk:yes"), Button(b("no_talk", lang), "talk:no")),)
        await say(ctx.uow, ctx.conv, text, ctx.now, buttons)
        ctx.conv.state = "offered"

    async def _answer(self, ctx: ResidentContext) -> None:
        answer = self.kb.answer(ctx.inbound.text, ctx.conv.lang, ctx.now)
        await self.send_answer(ctx, answer)

    async def send_answer(self, ctx: ResidentContext, answer: Answer) -> None:
        lang = ctx.conv.lang
        talk = Button(b("talk", lang), "talk:yes")
        if answer.kind == "answer" and answer.entry_id:
            subject = answer.entry_id
            buttons: Buttons = (
                (Button(b("helpful", lang), f"fb:1:{subject}"),
                 Button(b("not_helpful", lang), f"fb:-1:{subject}")),
                (talk,),
            )
            await say(ctx.uow, ctx.conv, answer.text, ctx.now, buttons)
        elif answer.kind == "fallback":
            topics = tuple((Button(name, f"topic:{tid}"),) for tid, name in answer.alternatives[:3])
            text = answer.text or t("not_sure", lang)
            await say(ctx.uow, ctx.conv, text, ctx.now, topics + ((talk,),))
        else:  # refusal or services: plain text, a person always on offer
            await say(ctx.uow, ctx.conv, answer.text, ctx.now, ((talk,),))
        if ctx.conv.state in ("welcome", "offered"):
            ctx.conv.state = "self_help"

    async def _relay_to_counselor(self, ctx: ResidentContext) -> None:
        h = await ctx.uow.handoffs.open_for_conversation(ctx.conv.id)
        if h is None or h.counselor_id is None:
            return
        counselor = await ctx.uow.counselors.get(h.counselor_id)
        if counselor is None:
            return
        marker = ""
        if LEVEL_RANK[ctx.message_risk.level] >= LEVEL_RANK["high"]:
            marker = f"[{ctx.message_risk.level.upper()}: {'; '.join(ctx.message_risk.reasons[:2])}] "
        await tell_staff(ctx.uow, counselor, f"💬 #{h.id} resident: {marker}{ctx.inbound.text}", ctx.now)
        ctx.after.events.append(("handoff.message", h.id))

    async def on_callback(self, ctx: ResidentContext, data: str) -> None:
        lang = ctx.conv.lang
        head, _, rest = data.partition(":")
        if head == "talk":
            if rest == "yes":
                level = ctx.risk.level if LEVEL_RANK[ctx.risk.level] >= LEVEL_RANK["medium"] else "medium"
                reasons = list(ctx.risk.reasons) or ["resident asked for a person"]
                await self.handoffs.open(ctx.uow, ctx.conv, level, reasons, ctx.now, ctx.after)
                await say(ctx.uow, ctx.conv, t("waiting", lang), ctx.now)
                ctx.conv.state = "waiting"
            else:
                await say(ctx.uow, ctx.conv, t("offer_declined", lang), ctx.now)
                ctx.conv.state = "self_help"
        elif head == "fb":
            value, _, subject = rest.partition(":")
            if value in ("1", "-1"):
                ctx.uow.session.add(Feedback(conversation_id=ctx.conv.id, kind="answer",
                                             subject=subject[:64], value=int(value), at=ctx.now))
                await say(ctx.uow, ctx.conv, t("thanks_feedback", lang), ctx.now)
        elif head == "topic":
            await self.send_answer(ctx, self.kb.topic_answer(rest[:64], lang))
        elif head == "lang" and rest in ("zh", "en"):
            ctx.conv.lang = rest
            await say(ctx.uow, ctx.conv, t("lang_set", rest), ctx.now)
