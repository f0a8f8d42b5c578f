"""The conversation service: per-conversation lock, load state, triage, decide, commit, deliver.

Every channel calls `handle(Inbound)`. Triage runs before the database is touched so that an
imminent message gets the emergency numbers even when the database is down (safety rule 1);
otherwise the reply and the handoff are committed together before anything is sent (rule 2).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.conversation import callbacks
from bot.conversation.callbacks import Head
from bot.conversation.effects import After, Timer, TimerKind
from bot.conversation.handoffs import HandoffManager
from bot.conversation.messages import NON_TEXT_KINDS, Button, Inbound, InboundKind, Outbound, clean_text
from bot.conversation.ports import TriagePort
from bot.conversation.posting import say
from bot.conversation.resident import ResidentContext, ResidentFlow
from bot.conversation.screening import Screening
from bot.conversation.states import ConvState, HandoffState
from bot.conversation.texts import b, detect_lang, t
from bot.conversation.turn import DEFERRED, NUMBERS_SENT, REPLAYED, TurnOutcome, TurnResult
from bot.crypto import pseudonym
from bot.privacy.forget import forget_resident
from bot.security.limits import Limits, clip_message
from bot.security.ratelimit import RateLimiter
from bot.services.deferred import DeferredSpool
from bot.services.runtime import EmergencyLine, Runtime
from bot.services.staff_commands import StaffRouter
from bot.services.turn_failure import log_turn_failure
from bot.services.turn_gate import BUSY_NOTICE_S, BUSY_TEXT, TurnGate
from bot.storage.engine import concurrent_turns
from bot.storage.models import Conversation
from bot.storage.uow import UnitOfWork
from triage.levels import Assessment, level_at, rank

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TurnLimits:
    """Bounds of one turn: message size (bot/security/limits.py), the database budget
    (Settings.db_turn_timeout_s) and the flood limiter (None: off, as in `bench flood --no-limiter`)."""

    limits: Limits = field(default_factory=Limits)
    db_timeout_s: float = 5.0
    limiter: RateLimiter | None = None
    db_slots: int | None = None  # turns in the database at once; None: as the database allows


class ConversationService:
    def __init__(self, runtime: Runtime, pseudonym_key: bytes, triage: TriagePort, resident: ResidentFlow,
                 staff: StaffRouter, handoffs: HandoffManager, emergency: EmergencyLine,
                 turn: TurnLimits | None = None, spool: DeferredSpool | None = None) -> None:
        self.uow, self.clock, self.effects = runtime.uow, runtime.clock, runtime.effects
        self.pseudonym_key = pseudonym_key
        self.triage, self.resident, self.staff, self.handoffs = triage, resident, staff, handoffs
        self.screening = Screening(triage)
        self.emergency, self.senders = emergency.texts, emergency.senders
        self.turn = turn or TurnLimits()
        self.max_chars = self.turn.limits.message_chars
        # One lock per chat while it has a turn running or waiting; gone when none does (a
        # dictionary of every chat ever seen would grow for the life of the process).
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        # Deferred turns: on disk when there is a spool (bootstrap gives one under the var dir),
        # here only when there is none or the disk refused them.
        self.spool = spool
        self._deferred: list[Inbound] = []
        self._retrying = asyncio.Lock()
        bind = runtime.uow.sessions.kw.get("bind")
        slots = concurrent_turns(bind) if isinstance(bind, AsyncEngine) else 4
        self.gate = TurnGate(self.turn.db_slots or slots)

    # ---- entry point ------------------------------------------------------------------------
    async def handle(self, inbound: Inbound) -> TurnResult:
        """One message, command or button press, start to finish; never raises (a turn the
        database fails is deferred and retried, after the emergency numbers when imminent)."""
        result = await self._attempt(inbound, first=True)
        if result.outcome == TurnOutcome.DEFERRED:
            # Numbers sent straight: the stored turn keeps its level, opens its handoff and pages
            # the chain, but does not send them again (bot/conversation/resident.py).
            await self._keep(replace(inbound, numbers_sent=True) if result.numbers_sent else inbound)
        return result

    async def _attempt(self, inbound: Inbound, first: bool) -> TurnResult:
        text, too_long = clip_message(clean_text(inbound.text or ""), self.turn.limits)
        lang = detect_lang(text, inbound.lang_hint[:2] if inbound.lang_hint in ("zh", "en") else "zh") \
            if text else None
        risk: Assessment | None = None
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.turn.db_timeout_s) as budget:
                # The chat's lock comes before triage, which waits for a worker thread: a short
                # line must not overtake a long one sent just before it in the same chat. The
                # database budget (lock wait + turn) pauses while triage runs.
                async with self._chat_lock(f"{inbound.channel}:{inbound.chat_key}"):
                    when, started = budget.when(), loop.time()
                    budget.reschedule(None)
                    risk = await self.screening.assess(text)
                    budget.reschedule(None if when is None else when + loop.time() - started)
                    # Crisis lines go into the database first (turn_gate.py). The wait there counts
                    # in the budget: with the database down, the holders' turns time out, and an
                    # imminent line still gets the emergency numbers straight (below) in time.
                    async with self._admitted(inbound, risk, lang):
                        after, result = await self._turn(inbound, text, risk, lang, too_long)
        except Exception as exc:
            log_turn_failure(exc, inbound.update_key)
            risk = risk if risk is not None else await self.screening.assess(text)
            # Sent straight on the first failure; a retry while the database is still down does
            # not repeat them every few seconds (the turn's own reply follows once it is back).
            if first and risk.level == "imminent" and await self._emergency_direct(inbound, lang or "zh"):
                return NUMBERS_SENT
            return DEFERRED
        self.effects.apply(after)
        return result

    async def _keep(self, inbound: Inbound) -> None:
        """A deferred turn goes to the spool on disk (bot/services/deferred.py), so a crash
        before the database is back does not lose it; in memory only where there is none."""
        if self.spool is None or not await asyncio.to_thread(self.spool.put, inbound):
            self._deferred.append(inbound)

    @asynccontextmanager
    async def _admitted(self, inbound: Inbound, risk: Assessment, lang: str | None) -> AsyncIterator[None]:
        if self.gate.try_enter():  # the usual case: a slot is free and nobody waits
            try:
                yield
            finally:
                self.gate.leave()
            return
        urgent = rank(risk.level) >= rank("high")
        entry = self.gate.enter(urgent)
        admit = asyncio.ensure_future(entry.__aenter__())
        try:
            if not urgent and not admit.done():
                done, _ = await asyncio.wait({admit}, timeout=BUSY_NOTICE_S)
                if not done:
                    await self._busy_notice(inbound, lang or "zh")
            await admit
        except BaseException:
            if not admit.done():
                admit.cancel()  # leaves the queue (or passes on a slot handed over meanwhile)
            elif not admit.cancelled() and admit.exception() is None:
                await entry.__aexit__(None, None, None)  # admitted, but this turn will not run
            raise
        try:
            yield
        finally:
            await entry.__aexit__(None, None, None)

    async def _busy_notice(self, inbound: Inbound, lang: str) -> None:
        """Sent straight through the channel and not stored: it says only that the reply is
        coming (rule 3), and the stored reply follows; a send that fails changes nothing."""
        sender = self.senders.get(inbound.channel)
        if sender is None:
            return
        try:
            await sender.send(Outbound(inbound.channel, inbound.chat_key, BUSY_TEXT[lang]))
        except Exception as exc:
            log.warning("busy notice not sent (%s)", exc.__class__.__name__)

    def _chat_lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def is_urgent(self, text: str) -> bool:
        """High or imminent risk in this one message (edges use it to never delay a crisis)."""
        return await self.screening.urgent(clean_text(text)[: self.max_chars])

    async def _turn(self, inbound: Inbound, text: str, risk: Assessment, lang: str | None,
                    too_long: bool) -> tuple[After, TurnResult]:
        after = After()
        now = self.clock.now()
        result = TurnResult(TurnOutcome.DONE)
        async with self.uow() as uow:  # called under the chat's lock (handle)
            key = inbound.update_key
            if key and not await uow.updates.mark_processed(key, now):
                return after, REPLAYED  # replayed update or double click: handled once already
            counselor = None
            if inbound.channel == "telegram" and inbound.user_key.lstrip("-").isdigit():
                counselor = await uow.counselors.by_telegram_id(int(inbound.user_key))
            if counselor is not None or (inbound.command == "join" and inbound.args):
                await self.staff.handle(uow, inbound, text, counselor, now, after)
            else:
                result = await self._resident_turn(uow, inbound, text, risk, lang, too_long, now, after)
            await uow.commit()
        return after, result

    async def _resident_turn(self, uow: UnitOfWork, inbound: Inbound, text: str, risk: Assessment,
                             lang: str | None, too_long: bool, now: datetime, after: After) -> TurnResult:
        conv = await self._conversation(uow, inbound, lang, now)
        # Read with the resident's last few lines (a plan said over several short turns); before
        # this line is stored, so it is not read twice. Never lowers an urgent reading.
        risk = await self.screening.in_context(uow, conv.id, text, risk, now) if text else risk
        stored = await uow.messages.add(conv.id, "resident", text, now, risk.level) if text else None
        tracked, conv.risk_memory = self.triage.track(list(conv.risk_memory or []), risk, now) \
            if text else (Assessment(level_at(rank(conv.risk_level)), 0.0), list(conv.risk_memory or []))
        conv.risk_level = tracked.level
        conv.updated_at = now
        # Changed with the rest before the reply is written: the reply's insert flushes the row
        # once, where a change after it cost a second UPDATE in every turn (issue 20).
        conv.version += 1
        ctx = ResidentContext(uow, conv, inbound, tracked, risk, now, after)
        if inbound.kind == InboundKind.COMMAND:
            if risk.level in ("high", "imminent"):  # "/start I have the pills here": the words
                await self.resident.on_message(ctx)  # count, and the safety reply comes first
            await self._resident_command(ctx, inbound.command or "")
        elif inbound.kind == InboundKind.CALLBACK:
            await self._resident_callback(ctx, inbound.callback_data or "")
        elif inbound.kind in NON_TEXT_KINDS and not text:
            await self._say(ctx, t("non_text", conv.lang))
        elif not text:
            await self._say(ctx, t("empty", conv.lang))
        else:
            await self._resident_text(ctx, too_long)
        after.events.append(("conversation.updated", conv.id))
        return TurnResult(TurnOutcome.DONE, stored.id if stored else None,
                          ConvState(conv.state), level_at(rank(conv.risk_level)))

    async def _resident_text(self, ctx: ResidentContext, too_long: bool) -> None:
        flooded = False
        if self.turn.limiter is not None:
            decision = self.turn.limiter.check(ctx.conv.chat_key, ctx.now)
            flooded = not decision.allowed
            if flooded and decision.notice:
                await self._say(ctx, t("slow_down", ctx.conv.lang))
        # Decided on this message's own risk: a crisis line inside a flood is always answered,
        # while the rest of a flood from someone already waiting for a counselor is not answered
        # line by line (it is stored, triaged and relayed; the counselor sees all of it).
        if flooded and ctx.message_risk.level in ("none", "low", "medium") \
                and ctx.conv.state != ConvState.WITH_COUNSELOR:
            return
        await self.resident.on_message(ctx)
        if too_long:
            await self._say(ctx, t("too_long", ctx.conv.lang, limit=self.max_chars))

    async def _resident_command(self, ctx: ResidentContext, command: str) -> None:
        lang = ctx.conv.lang
        if command in ("start", "help"):
            ctx.conv.state = ConvState.SELF_HELP if ctx.conv.state == ConvState.WELCOME else ctx.conv.state
            await self._say(ctx, t("welcome", lang, emergency=self.emergency[lang]))
        elif command == "lang" and ctx.inbound.args and ctx.inbound.args[0] in ("zh", "en"):
            ctx.conv.lang = ctx.inbound.args[0]
            await self._say(ctx, t("lang_set", ctx.conv.lang))
        elif command == "forget":
            await say(ctx.uow, ctx.conv, t("forget_confirm", lang), ctx.now,
                      ((Button(b("forget_yes", lang), callbacks.forget(yes=True)),
                        Button(b("forget_no", lang), callbacks.forget(yes=False))),))
        elif command in self.staff.staff_commands:
            key = "coordinator_only" if command in self.staff.coordinator_commands else "staff_only"
            await self._say(ctx, t(key, lang))
        else:
            await self._say(ctx, t("welcome", lang, emergency=self.emergency[lang]))

    async def _resident_callback(self, ctx: ResidentContext, data: str) -> None:
        cb = callbacks.decode(data)
        if cb.head == Head.FORGET:
            await self._forget(ctx, data == callbacks.forget(yes=True))
        elif cb.is_staff:
            await self._say(ctx, t("staff_only", ctx.conv.lang))
        else:
            await self.resident.on_callback(ctx, data)

    async def _forget(self, ctx: ResidentContext, confirmed: bool) -> None:
        lang, channel, chat_key = ctx.conv.lang, ctx.conv.channel, ctx.conv.chat_key
        if not confirmed:
            await self._say(ctx, t("forget_kept", lang))
            return
        await forget_resident(ctx.uow, ctx.conv.resident_id, ctx.now)
        out = Outbound(channel, chat_key, t("forgotten", lang))
        await ctx.uow.outbox.add(channel, chat_key, out.to_payload(), ctx.now)

    async def _say(self, ctx: ResidentContext, text: str) -> None:
        await say(ctx.uow, ctx.conv, text, ctx.now)

    async def _conversation(self, uow: UnitOfWork, inbound: Inbound, lang: str | None,
                            now: datetime) -> Conversation:
        conv = await uow.conversations.open_for(inbound.channel, inbound.chat_key)
        if conv is not None:
            return conv
        resident = await uow.residents.get_or_create(
            pseudonym(self.pseudonym_key, inbound.channel, inbound.user_key), inbound.channel, now)
        return await uow.conversations.add(Conversation(
            resident_id=resident.id, channel=inbound.channel, chat_key=inbound.chat_key,
            state=ConvState.WELCOME, lang=lang or "zh", created_at=now, updated_at=now, risk_memory=[],
            risk_level="none"))

    # ---- after commit ------------------------------------------------------------------------
    async def _emergency_direct(self, inbound: Inbound, lang: str) -> bool:
        """Database down: send the emergency numbers straight through the channel; whether the
        channel took them."""
        sender = self.senders.get(inbound.channel)
        if sender is None:
            return False
        text = t("emergency_first", lang, emergency=self.emergency[lang])
        for _attempt in range(3):
            try:
                await sender.send(Outbound(inbound.channel, inbound.chat_key, text, urgent=True))
                return True
            except Exception as exc:
                log.error("direct emergency send failed (%s)", exc.__class__.__name__)
                await asyncio.sleep(1)
        return False

    def deferred_count(self) -> int:
        """Turns waiting for the database: in the spool, and in memory where it had none."""
        return len(self._deferred) + (self.spool.count() if self.spool is not None else 0)

    async def retry_deferred(self) -> int:
        """Re-run turns deferred while the database was down, oldest first; stops at the first
        that fails again (the database is still away) so the rest keep their order."""
        if self._retrying.locked():
            return 0  # the previous pass is still at it
        async with self._retrying:
            done = 0
            pending, self._deferred = self._deferred, []
            for i, inbound in enumerate(pending):
                if (await self._attempt(inbound, first=False)).outcome == TurnOutcome.DEFERRED:
                    self._deferred = pending[i:] + self._deferred
                    return done
                done += 1
            if self.spool is not None:
                for path, inbound in await asyncio.to_thread(self.spool.pending):
                    if (await self._attempt(inbound, first=False)).outcome == TurnOutcome.DEFERRED:
                        return done
                    self.spool.done(path)
                    done += 1
            return done

    # ---- timers ------------------------------------------------------------------------------
    async def on_timer(self, kind: str, ident: int, version: int, step: int) -> None:
        after = After()
        now = self.clock.now()
        async with self.uow() as uow:
            if kind == TimerKind.ESCALATE:
                fired = await self.handoffs.advance(uow, ident, version, step, now, after)
            elif kind == TimerKind.CARE:
                fired = await self.handoffs.care(uow, ident, version, step, now, after)
            elif kind == TimerKind.FOLLOW_UP:
                fired = await self.staff.follow_up_due(uow, ident, now, after)
            else:
                fired = False
            if fired:
                await uow.commit()
        if fired:
            self.effects.apply(after)

    async def pending_timers(self) -> list[Timer]:
        """Every timer the database says should exist (rebuilt at start)."""
        timers: list[Timer] = []
        now = self.clock.now()
        async with self.uow() as uow:
            for h in await uow.handoffs.by_state(HandoffState.OFFERED):
                if h.next_step_at is not None:
                    timers.append(Timer(TimerKind.ESCALATE, h.id, h.version, h.step, h.next_step_at))
                timers.append(Timer(TimerKind.CARE, h.id, h.version, 1,
                                    now + timedelta(seconds=self.handoffs.care_every_s)))
            for fu in await uow.followups.open():
                timers.append(Timer(TimerKind.FOLLOW_UP, fu.id, 0, 0, fu.due_at))
        return timers
