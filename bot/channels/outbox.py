"""Deliver outbox rows after commit, with retries; a crash between commit and send loses nothing.

A row is marked sent only after the channel accepted it, so a process stopped before sending
delivers on restart. Telegram 429 `retry_after` and 5xx set the next attempt time.
With several instances on one PostgreSQL, each pass claims its rows with a lease
(bot/cluster/claims.py): one sender per row, chats kept in order, a dead instance's rows retaken
when its lease ends. What "once" means against Telegram: docs/ARCHITECTURE.md, "Several instances".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.channels.base import RetryLater, Sender, Undeliverable
from bot.clock import Clock
from bot.cluster import claims, instance_id
from bot.conversation.messages import Outbound
from bot.storage.models import OutboxItem, SentRef
from bot.storage.uow import UnitOfWorkFactory
from bot.tasks import cancel_and_wait

log = logging.getLogger(__name__)
# Chats sent to at once: enough that a card never queues behind other chats, few enough that the
# "mark sent" writes stay well inside the database pool.
PARALLEL_CHATS = 4
Row = tuple[int, datetime, dict[str, Any]]  # (outbox id, due at, payload)
ROWS_PER_CHAT_PER_PASS = 5
# Channels whose sent rows are marked together, not one commit each: the web push goes to a socket
# in this process in microseconds, and a frame pushed again after a crash between push and mark is
# shown once (the page keeps one message per sequence number, chat.js). Telegram rows are marked
# one by one: a resent Telegram message would be seen twice. With several instances the marks end
# the pass; a lone instance (SQLite) writes them off the delivery path (OutboxDispatcher._marks).
WEB = "web"
MARKED_PER_PASS = frozenset({WEB})
# A row that keeps failing is parked for a human only after this long (and max_attempts tries).
PARK_AFTER = timedelta(hours=1)  # the rest of a long queue goes out in the next pass, right after
IDLE_S = 5.0  # the longest sleep between passes (rows committed here wake the loop at once)
MARK_ON_STOP_S = 5.0


@dataclass(frozen=True)
class NextDue:
    at: datetime | None  # None: no unsent row at all


@dataclass
class Pass:
    """What one delivery pass learnt: web rows pushed (marked at its end), rows finished (sent or
    parked), rows put off (their new due time; None once parked), and, when the lone instance's
    claim read every unsent row, each one's due time: then the pass needs no query to know when
    to look again."""

    pushed: list[int] = field(default_factory=list)
    done: set[int] = field(default_factory=set)
    retry_at: dict[int, datetime | None] = field(default_factory=dict)
    due: dict[int, datetime] | None = None
    claimed: set[int] = field(default_factory=set)  # several instances: the rows this pass leased

    def still_claimed(self) -> bool:
        """A leased row neither sent, parked nor put off (each of those clears its lease): the rest
        of a chat behind a row that must wait. Only then does the pass give leases back."""
        return bool(self.claimed - self.done - self.retry_at.keys())

    def saw(self, rows: list[OutboxItem], complete: bool) -> None:
        self.due = {row.id: row.next_attempt_at for row in rows} if complete else None

    def next_due(self) -> NextDue | None:
        """When the next unsent row falls due, from what the claim read (None: it did not read all)."""
        if self.due is None:
            return None
        times = [self.retry_at.get(row_id, due) for row_id, due in self.due.items()
                 if row_id not in self.done]
        found = [at for at in times if at is not None]
        return NextDue(min(found) if found else None)


def backoff(attempts: int) -> float:
    """Seconds before the next try after an unexplained failure: 1, 2, 4 ... capped at 60."""
    return float(min(60, 2 ** max(0, attempts - 1)))


class OutboxDispatcher:
    def __init__(
        self, uow: UnitOfWorkFactory, senders: dict[str, Sender], clock: Clock, max_attempts: int = 20,
        instance: str | None = None, lease_s: float = 30.0, lone: bool = False,
    ) -> None:
        self.uow = uow
        # The lease must outlast one pass's sends (a Telegram call times out well inside it).
        self.instance = instance or instance_id()
        self.lease_s = lease_s
        self.lone = lone  # the only instance (SQLite): rows are not claimed (claims.claim)
        self.senders = senders
        self.clock = clock
        self.max_attempts = max_attempts
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self.on_wake: Callable[[], None] | None = None  # the notify bus, with several instances
        # Lone instance: web rows pushed and not yet marked sent in the database. A pass skips
        # them (so none goes out twice) while _marks writes them in its own transaction.
        self._unmarked: set[int] = set()
        self._marker: asyncio.Task[None] | None = None
        self._release_owed = False  # a pass's last transaction failed: leases may be left over
        # Unexplained failures in a row per row id (this process): the backoff's count. A 429's
        # wait is Telegram's own, so it neither counts nor grows the next backoff.
        self._failures: dict[int, int] = {}

    def wake(self) -> None:
        """New rows were committed here: deliver now, and tell the other instances (if any)."""
        self._wake.set()
        if self.on_wake is not None:
            self.on_wake()

    def wake_here(self) -> None:
        """Another instance committed rows: this one may claim some now instead of at its next poll."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="outbox")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None
        if self._marker is not None:  # what was pushed is marked if the database lets us soon;
            with contextlib.suppress(Exception):  # else it is pushed again after the restart
                async with asyncio.timeout(MARK_ON_STOP_S):
                    await self.settle()
            await cancel_and_wait(self._marker)
            self._marker = None

    async def settle(self) -> None:
        """Wait until every web row pushed so far is marked sent (tests, benches, stopping)."""
        while self._marker is not None and not self._marker.done():
            await asyncio.shield(self._marker)

    async def _loop(self) -> None:
        while True:
            # Cleared before the pass, never after it: a row committed while the pass runs (after
            # its query) wakes the loop again at once instead of waiting out the idle timeout.
            self._wake.clear()
            try:
                wait = await self.deliver_due()
            except Exception:  # keep delivering after a database hiccup; logged without content
                log.exception("outbox pass failed")
                wait = 1.0
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):  # not wait_for: see bot/tasks.py
                    await self._wake.wait()

    async def deliver_due(self) -> float:
        """One pass over unsent rows; returns how long to sleep before the next pass.

        Rows go out in id order per chat: a chat whose earlier row is waiting (429, backoff)
        sends nothing later in this pass, so the emergency numbers stay the first message.
        A pass costs two transactions however many rows it sends (claim; then mark, release when
        a leased row was not reached, and find the next due time), plus one per Telegram row
        (marked as soon as Telegram took it).
        A lone instance's claim is a read, and when it saw every unsent row it knows the next due
        time without asking again; its web rows are marked off the pass (_marks), so its pass
        writes nothing unless Telegram rows went out.
        """
        async with self._lock:
            now = self.clock.now()
            run = Pass()
            rows = await self._claim(now, run)
            # Chats are delivered in parallel (a crisis card must not wait behind other chats'
            # messages); within one chat, rows go strictly in order.
            by_chat: dict[tuple[str, str], list[tuple[int, datetime, dict[str, Any]]]] = {}
            for item_id, channel, chat_key, due_at, payload in rows:
                by_chat.setdefault((channel, chat_key), []).append((item_id, due_at, payload))
            # A semaphore rather than fixed batches, and a few rows per chat per pass: one busy chat
            # (a flood, a burst of cards) never holds the other chats' replies behind it.
            slots = asyncio.Semaphore(PARALLEL_CHATS)

            async def one_chat(chat: tuple[str, str], items: list[Row]) -> None:
                async with slots:
                    await self._deliver_chat(chat, items[:ROWS_PER_CHAT_PER_PASS], now, run)

            # Chats holding an urgent row (the emergency numbers, a crisis card) take the first
            # slots: under load a pass serves many chats, and a Telegram send takes a network
            # round trip each. Within a chat the order stays the rows' (safety rule 1 holds there
            # because the numbers are written first).
            chats = sorted(by_chat.items(), key=lambda chat: not any(
                payload.get("urgent") for _, _, payload in chat[1][:ROWS_PER_CHAT_PER_PASS]))
            try:
                await asyncio.gather(*(one_chat(chat, items) for chat, items in chats))
            finally:
                wait = await self._finish(run, bool(rows))
            return wait

    async def _finish(self, run: Pass, claimed: bool) -> float:
        """Mark the pass's web rows sent, give back what was not sent, and say when to look again."""
        release = not self.lone and (self._release_owed or (claimed and run.still_claimed()))
        known = run.next_due() if self.lone else None
        if self.lone and run.pushed:
            self._unmarked.update(run.pushed)
            if self._marker is None or self._marker.done():
                self._marker = asyncio.create_task(self._marks(), name="outbox-marks")
        pushed = [] if self.lone else run.pushed
        if pushed or release or known is None:
            self._release_owed = self._release_owed or bool(run.claimed)  # until this commits
            async with self.uow() as uow:
                if pushed:
                    await claims.mark_sent(uow.session, pushed, self.clock.now())
                if release:
                    await claims.release_unsent(uow.session, self.instance)
                if known is None:
                    nxt = await claims.next_due(uow.session, list(self.senders), self.instance,
                                                self.clock.now())
                await uow.commit()
            self._release_owed = False
        if known is not None:
            nxt = known.at
        if nxt is None:
            return IDLE_S
        return max(0.0, min(IDLE_S, (nxt - self.clock.now()).total_seconds()))

    async def _marks(self) -> None:
        """Lone instance: mark pushed web rows sent in transactions of their own, many at a time.

        On SQLite this write waits for the database's one writer, a turn; while the pass waited
        for it too, the next replies waited behind it (issue 20: that UPDATE's p95 was 184 ms and
        its worst 1.1 s in bench web 200/60, SQLite's busy handler sleeping between its tries).
        Off the pass, the replies go out while the marks wait, and marks that pile up meanwhile
        are written together. Rows stay in _unmarked, skipped by every pass, until committed.
        """
        while self._unmarked:
            ids = sorted(self._unmarked)
            try:
                async with self.uow() as uow:
                    await claims.mark_sent(uow.session, ids, self.clock.now())
                    await uow.commit()
            except Exception as exc:  # the database is away: the rows stay skipped, tried again
                log.warning("outbox: marking %s rows sent failed (%s)", len(ids), exc.__class__.__name__)
                await asyncio.sleep(1.0)
                continue
            self._unmarked.difference_update(ids)

    async def _claim(self, now: datetime, run: Pass) -> list[tuple[int, str, str, datetime, dict[str, Any]]]:
        async with self.uow() as uow:
            if self.lone:  # the only instance: nothing to claim against (claims.claim), one read
                pushed = set(self._unmarked)  # taken before the read: a mark committed after it
                seen = await claims.candidates(uow.session, list(self.senders))  # is seen by it
                complete = len(seen) < claims.CANDIDATES
                seen = [row for row in seen if row.id not in pushed]
                run.saw(seen, complete=complete)
                taken = claims.due_heads(seen, now, ROWS_PER_CHAT_PER_PASS)
            else:
                taken = await claims.claim(uow.session, list(self.senders), self.instance, now,
                                           self.lease_s, ROWS_PER_CHAT_PER_PASS)
                run.claimed = {c.id for c in taken}
            if not taken:
                return []  # nothing changed: leaving rolls back, no commit to pay for
            rows = []
            parked = False
            # Where each web chat stands, read here for all of them at once: the web channel sends
            # it after every line, and reading it per line cost a session each (issue 20).
            web_chats = sorted({c.chat_key for c in taken if c.channel == WEB})
            web = await uow.conversations.standings(WEB, web_chats)
            for c in taken:
                try:
                    payload = uow.outbox.payload(c.item)
                    if c.channel == WEB:
                        payload = dict(payload, extra=dict(payload.get("extra") or {},
                                                           standing=web.get(c.chat_key)))
                    rows.append((c.id, c.channel, c.chat_key, c.item.next_attempt_at, payload))
                except ValueError:  # written under a key we no longer hold: park, keep going
                    c.item.failed, c.item.attempts = True, c.item.attempts + 1
                    parked = True
                    run.done.add(c.id)
                    log.warning("outbox item %s undeliverable: payload cannot be decrypted", c.id)
            if parked or not self.lone:  # a lone instance wrote nothing else: no commit to pay for
                await uow.commit()
        return rows

    async def _deliver_chat(self, chat: tuple[str, str], items: list[tuple[int, datetime, dict[str, Any]]],
                            now: datetime, run: Pass) -> None:
        channel, chat_key = chat
        for item_id, due_at, payload in items:
            if due_at > now:
                return
            # The row's id rides along for a relay to the instance holding a web socket.
            payload = dict(payload, extra=dict(payload.get("extra") or {}, outbox_id=item_id))
            if not await self._deliver_one(item_id, Outbound.from_payload(channel, chat_key, payload),
                                           run):
                return

    async def _deliver_one(self, item_id: int, msg: Outbound, run: Pass) -> bool:
        """True when sent (or parked for good); False when it must wait and hold its chat."""
        sender = self.senders.get(msg.channel)
        if sender is None:
            return False  # that channel is not running in this process; another one delivers it
        if msg.edit_ref:
            msg = await self._resolve_edit(msg)
        try:
            message_id = await sender.send(msg)
        except RetryLater as exc:
            self._failures.pop(item_id, None)
            run.retry_at[item_id] = await self._reschedule(item_id, exc.seconds, str(exc))
            return False
        except Undeliverable as exc:
            self._failures.pop(item_id, None)
            await self._park(item_id, str(exc))
            run.done.add(item_id)
            return True
        except Exception as exc:  # unknown failures retry with backoff rather than vanish
            log.warning("outbox item %s failed: %s", item_id, exc.__class__.__name__)
            self._failures[item_id] = self._failures.get(item_id, 0) + 1
            run.retry_at[item_id] = await self._reschedule(item_id, None, exc.__class__.__name__)
            if run.retry_at[item_id] is None:  # parked for good
                self._failures.pop(item_id, None)
            return False
        self._failures.pop(item_id, None)
        if msg.channel in MARKED_PER_PASS and not msg.ref:
            run.pushed.append(item_id)
        else:
            await self._mark_sent(item_id, msg, message_id)
        run.done.add(item_id)
        return True

    async def _resolve_edit(self, msg: Outbound) -> Outbound:
        async with self.uow() as uow:
            ref = await uow.session.get(SentRef, msg.edit_ref)
        extra = dict(msg.extra, edit_message_id=ref.message_id if ref else None)
        return Outbound(msg.channel, msg.chat_key, msg.text, msg.buttons, msg.edit_ref, msg.ref,
                        msg.urgent, extra)

    async def _mark_sent(self, item_id: int, msg: Outbound, message_id: str | None) -> None:
        async with self.uow() as uow:
            item = await uow.session.get(OutboxItem, item_id)
            if item is not None:
                if not self.lone and item.claimed_by != self.instance:
                    # Our lease ran out mid-send and another instance took the row: it may
                    # have gone out twice. Logged so the lease can be lengthened.
                    log.warning("outbox item %s: lease lost before marking sent", item_id)
                item.sent_at = self.clock.now()
                item.attempts += 1
                item.claimed_by, item.claimed_until = None, None
            if msg.ref and message_id is not None:
                await uow.session.merge(SentRef(ref=msg.ref, channel=msg.channel,
                                                chat_key=msg.chat_key, message_id=str(message_id)))
            await uow.commit()

    async def _reschedule(self, item_id: int, seconds: float | None, why: str) -> datetime | None:
        """Try the row again later; returns when (None: the row is gone or parked for good)."""
        async with self.uow() as uow:
            item = await uow.session.get(OutboxItem, item_id)
            if item is None:
                return None
            item.attempts += 1
            # Parked only when both the attempts and the time budget are spent: Telegram's flood
            # control can answer 429 dozens of times in a row for a message it will take later,
            # and a parked reply is a lost one (chaos finding 3: 72 of 597 parked in a storm).
            old_enough = self.clock.now() - item.created_at >= PARK_AFTER
            if item.attempts >= self.max_attempts and old_enough:
                item.failed = True
                log.error("outbox item %s parked after %s attempts (%s)", item_id, item.attempts, why)
            # Backoff counts the unexplained failures in a row, not every attempt: a reply refused
            # six times by flood control (each retry_after honoured) and then hit by one 500 waited
            # 2**6 -> 60 s, holding its chat (H3, bench chaos's storm: rows out 80 s after it ended).
            delay = seconds if seconds is not None else backoff(self._failures.get(item_id, 1))
            item.next_attempt_at = self.clock.now() + timedelta(seconds=delay)
            item.claimed_by, item.claimed_until = None, None
            await uow.commit()
            return None if item.failed else item.next_attempt_at

    async def _park(self, item_id: int, why: str) -> None:
        async with self.uow() as uow:
            item = await uow.session.get(OutboxItem, item_id)
            if item is not None:
                item.failed = True
                item.attempts += 1
            await uow.commit()
        log.warning("outbox item %s undeliverable: %s", item_id, why)
