"""Triage for the service, off the event loop, with the last few answers remembered.

The full engine costs ~1.5 ms for a chat line but ~75 ms for a long English post (MiniLM over
overlapping windows). On the event loop that would stall every other resident's socket and the
outbox; in a thread it does not (torch and the tokenizer release the GIL). One worker only: the
Hugging Face fast tokenizer must not be used from two threads at once, and a single queue keeps
one message's cost from multiplying under a flood.

The web chat asks "is this urgent?" before pacing a message and the turn then assesses the same
text; remembering recent answers means each message is assessed once. An assessment depends on
the text alone, so a shared memory is safe across residents.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from bot.conversation.ports import TriagePort
from triage.levels import Assessment, rank

REMEMBERED = 64
# Above this length the edge's "is this urgent?" check reads the lexicon and rules only (about a
# millisecond, on the loop): a resident flooding long posts must not fill the one worker's queue
# ahead of everyone else's short lines (measured: steady residents' p95 reply latency 20 ms ->
# 770 ms under 200 unpaced 2,400-character posts when every edge check took the worker). The
# turn itself, after pacing, always gets the full engine.
EDGE_FULL_CHARS = 500
NO_RISK = Assessment("none", 0.0)  # an empty message


class Screening:
    def __init__(self, triage: TriagePort) -> None:
        self.triage = triage
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage")
        # text -> (engine generation, assessment): an answer from before the classifier was swapped
        # in (lexicon and rules only, "classifier loading") is not reused once it is there.
        self._recent: OrderedDict[str, tuple[int, Assessment]] = OrderedDict()

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
        try:
            risk = await asyncio.get_running_loop().run_in_executor(self._worker, self.triage.assess, text)
        except RuntimeError:  # worker already shut down (stopping): a message is never left unscreened
            risk = self.triage.assess(text)
        self._recent[text] = (generation, risk)
        self._recent.move_to_end(text)
        if len(self._recent) > REMEMBERED:
            self._recent.popitem(last=False)
        return risk

    async def urgent(self, text: str) -> bool:
        """High or imminent: the full engine for ordinary lines, the lexicon for long posts."""
        quick = getattr(self.triage, "quick", None)
        if len(text) > EDGE_FULL_CHARS and quick is not None:
            risk = quick(text)
        else:
            risk = await self.assess(text)
        return rank(risk.level) >= rank("high")

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
        self._recent.clear()  # message text is not kept in memory past its use
