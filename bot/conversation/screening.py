"""Triage for the service, off the event loop, micro-batched, crisis lines first.

The full engine costs ~1.5 ms for a chat line but ~75 ms for a long English post (MiniLM over
overlapping windows). On the event loop that would stall every other resident's socket and the
outbox; in a thread it does not (torch and the tokenizer release the GIL). One worker only: the
Hugging Face fast tokenizer must not be used from two threads at once, and a single queue keeps
one message's cost from multiplying under a flood.

Under load, texts that arrive while the worker is busy wait in one queue and go to the worker
together as one batch (the classifier runs batched: one forward pass for many lines). When
something is already waiting, a new text is first read by the lexicon and rules (`quick`, about
a millisecond): if they call it high or imminent it goes to the front of the queue (safety rule
1: a crisis line never waits behind a crowd of ordinary ones).

The web chat asks "is this urgent?" before pacing a message and the turn then assesses the same
text; remembering recent answers means each message is assessed once. An assessment depends on
the text alone, so a shared memory is safe across residents.

Inside the turn, `in_context` reads the message again with the resident's own turns just before
it (issue 14): a plan is often spread over several short lines ("绳子买好了" ... "今晚"), and
each alone says little. That reading is the lexicon, grammar and rules over the joined turns
(about a millisecond), so it runs on the loop; the classifier's part of the message alone stays.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.conversation.ports import TriagePort
from triage.engine import CONTEXT_TURNS
from triage.levels import Assessment, Level, higher, rank

if TYPE_CHECKING:
    from bot.storage.uow import UnitOfWork

REMEMBERED = 64
# Above this length the edge's "is this urgent?" check reads the lexicon and rules only (about a
# millisecond, on the loop): a resident flooding long posts must not fill the one worker's queue
# ahead of everyone else's short lines (measured: steady residents' p95 reply latency 20 ms ->
# 770 ms under 200 unpaced 2,400-character posts when every edge check took the worker). The
# turn itself, after pacing, always gets the full engine.
EDGE_FULL_CHARS = 500
# At most this many texts per classifier call: a bigger batch makes its first line wait for the
# last one's windows.
MAX_BATCH = 16
NO_RISK = Assessment("none", 0.0)  # an empty message
# Resident turns older than this are not read with a new message: a topic from an hour ago must not
# colour a new one, while a plan typed over a few minutes is one plan (the tracker's medium hold,
# config/triage.yaml, is 30 minutes too). Bot and counselor lines are never read: a safety message
# names the very words the lexicon looks for.
CONTEXT_MINUTES = 30

# Context readings remembered (levels only, under a keyed digest): this many per conversation, for
# this many conversations. A turn reads at most three texts, and the next turn can reuse two.
READINGS_KEPT = 8
READING_CHATS = 512

Batch = Callable[[list[str]], list[Assessment]]


class Readings:
    """One conversation's lexicon-and-rules levels of texts read in context (TriageEngine's
    ReadingMemory): the turns alone at turn n were often read at turn n-1 (as its message, or
    as its message joined with one turn before). Only levels are kept, keyed by a digest with a
    key that lives in this process alone, so no text can be read or guessed back from it
    (safety rule 5: message text is not kept in memory past its use)."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._levels: OrderedDict[bytes, Level] = OrderedDict()

    def _digest(self, text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), key=self._key, digest_size=16).digest()

    def get(self, text: str) -> Level | None:
        return self._levels.get(self._digest(text))

    def put(self, text: str, level: Level) -> None:
        digest = self._digest(text)
        self._levels[digest] = level
        self._levels.move_to_end(digest)
        if len(self._levels) > READINGS_KEPT:
            self._levels.popitem(last=False)

    def __len__(self) -> int:
        return len(self._levels)


class Screening:
    def __init__(self, triage: TriagePort) -> None:
        self.triage = triage
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage")
        # text -> (engine generation, assessment): an answer from before the classifier was swapped
        # in (lexicon and rules only, "classifier loading") is not reused once it is there.
        self._recent: OrderedDict[str, tuple[int, Assessment]] = OrderedDict()
        self._waiting: deque[tuple[str, asyncio.Future[Assessment]]] = deque()
        # conversation id -> (engine generation, its context readings); see Readings.
        self._readings: OrderedDict[int, tuple[int, Readings]] = OrderedDict()
        self._digest_key = secrets.token_bytes(32)
        self._running = False
        self.batches = 0  # classifier calls made (bench turn prints texts per call)

    def _generation(self) -> int:
        """Which engine answers now; the real adapter counts its swaps, a fake never swaps."""
        return int(getattr(self.triage, "generation", 0))

    async def assess(self, text: str) -> Assessment:
        if not text:
            return NO_RISK
        generation = self._generation()
        known = self._recent.get(text)
        if known is not None and known[0] == generation:
            return known[1]
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Assessment] = loop.create_future()
        if self._waiting and self._quick_urgent(text):
            self._waiting.appendleft((text, future))
        else:
            self._waiting.append((text, future))
        self._next_batch(loop)
        risk = await future
        self._recent[text] = (generation, risk)
        self._recent.move_to_end(text)
        if len(self._recent) > REMEMBERED:
            self._recent.popitem(last=False)
        return risk

    def _quick_urgent(self, text: str) -> bool:
        quick = getattr(self.triage, "quick", None)
        return quick is not None and rank(quick(text).level) >= rank("high")

    def _next_batch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Hand everything waiting (up to MAX_BATCH, front first) to the worker, unless it is busy."""
        if self._running or not self._waiting:
            return
        taken = [self._waiting.popleft() for _ in range(min(MAX_BATCH, len(self._waiting)))]
        self._running = True
        texts = [text for text, _ in taken]
        try:
            job = loop.run_in_executor(self._worker, self._assess_all, texts)
        except RuntimeError:  # worker already shut down (stopping): a message is never left unscreened
            job = loop.create_future()
            job.set_result(self._assess_all(texts))

        def done(finished: asyncio.Future[list[Assessment]]) -> None:
            self._running = False
            if finished.cancelled():  # the worker was shut down with this batch queued (stopping)
                finished = loop.create_future()
                finished.set_result(self._assess_all(texts))
            error = finished.exception()
            for i, (_, future) in enumerate(taken):
                if future.done():
                    continue
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(finished.result()[i])
            self._next_batch(loop)

        job.add_done_callback(done)

    def _batch_call(self) -> Batch | None:
        """The engine's batched call, where the port (or the engine behind the adapter) has one."""
        batch = getattr(self.triage, "assess_batch", None)
        if batch is None:
            batch = getattr(getattr(self.triage, "engine", None), "assess_batch", None)
        return batch if callable(batch) else None

    def _assess_all(self, texts: list[str]) -> list[Assessment]:
        """In the worker thread: one batched call; if it fails, each text alone through the port,
        whose own fallback (lexicon and rules) never lets a message through unscreened."""
        self.batches += 1
        batch = self._batch_call() if len(texts) > 1 else None
        if batch is not None:
            try:
                found = batch(texts)
                if len(found) == len(texts):
                    return list(found)
            except Exception:  # noqa: BLE001 - each text is assessed again below
                pass
        return [self.triage.assess(text) for text in texts]

    async def urgent(self, text: str) -> bool:
        """High or imminent: the full engine for ordinary lines, the lexicon for long posts."""
        quick = getattr(self.triage, "quick", None)
        if len(text) > EDGE_FULL_CHARS and quick is not None:
            risk = quick(text)
        else:
            risk = await self.assess(text)
        return rank(risk.level) >= rank("high")

    async def in_context(self, uow: UnitOfWork, conv_id: int, text: str, own: Assessment,
                         now: datetime) -> Assessment:
        """`own` (the message alone) read with the resident's turns just before it, from the
        conversation's stored messages; call it before this message is stored.

        Context may raise a message (a plan spread over turns) or explain a word away (the cat's
        medicine), but never lowers an urgent reading of the message itself: a crisis line is not
        explained away by the lines before it (safety rule 1). Any failure keeps `own`.
        """
        reader = getattr(self.triage, "in_context", None)
        if reader is None or not text:
            return own
        before = await self._turns_before(uow, conv_id, text, now)
        if not before:
            self._readings.pop(conv_id, None)  # a new stretch of talk: nothing earlier is read again
            return own
        read: Assessment = reader(text, before, own, self._memory(conv_id))
        return read if rank(own.level) < rank("high") else _at_least(read, own)

    def _memory(self, conv_id: int) -> Readings:
        """The conversation's readings; dropped when the engine was swapped since they were made."""
        generation = self._generation()
        known = self._readings.get(conv_id)
        if known is None or known[0] != generation:
            known = self._readings[conv_id] = (generation, Readings(self._digest_key))
        self._readings.move_to_end(conv_id)
        if len(self._readings) > READING_CHATS:
            self._readings.popitem(last=False)
        return known[1]

    @staticmethod
    async def _turns_before(uow: UnitOfWork, conv_id: int, text: str, now: datetime) -> list[str]:
        """The resident's own lines of the last CONTEXT_MINUTES, at most CONTEXT_TURNS of them:
        one query for just those lines (bot and counselor lines are neither read nor decrypted).
        One more than needed is fetched, as the caller may have stored this message already."""
        since = now - timedelta(minutes=CONTEXT_MINUTES)
        lines = await uow.messages.resident_lines(conv_id, since, CONTEXT_TURNS + 1)
        turns = [(at, said) for at, said in lines if said.strip()]
        if turns and turns[-1][0] >= now and turns[-1][1] == text:
            turns.pop()  # this message, already stored by the caller
        return [said for _, said in turns[-CONTEXT_TURNS:]]

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
        self._recent.clear()  # message text is not kept in memory past its use
        self._readings.clear()


def _at_least(read: Assessment, own: Assessment) -> Assessment:
    """The context reading, but never below the message's own urgent level."""
    if rank(read.level) >= rank(own.level):
        return read
    return replace(read, level=higher(read.level, own.level), reasons=own.reasons, score=own.score)
