"""A budget of new resident chats per address, and the flood figures the board shows (issue 19
finding 4).

Every GET /chat without a resident cookie starts a new anonymous identity, and crisis lines skip
the pacer on purpose, so the probe's 15 fresh cookies opened 15 imminent handoffs in seconds, each
paging every counselor on duty. Past the budget, a new chat from that address gets a 429 page that
carries the emergency numbers (safety rule 1) and asks to try again in a few minutes; chats already
open are never touched, and their crisis lines are still answered at once.

The number is a trade: several people behind one address (a school, a carrier's shared address)
open a few chats an hour; a script opens hundreds. Refusals are counted for the board and
/metrics so a person sees the flood; the log names it once an hour per address, never the address.

In memory and per instance on purpose: /chat must load, with the emergency numbers, while the
database is down, so its budget cannot wait on the database (a table, as the login throttle keeps,
would put a write on every first page load); N instances allow N times the budget, still bounded.
What reaches counselors is bounded in the database, for every instance alike: a conversation's
requests for a person (bot/conversation/handoffs.py, PAGED_REQUESTS_PER_WINDOW); the board shows both.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import Counter

from bot.security.budget import WindowBudget
from bot.web.address import client_address, from_this_machine
from bot.web.chat import RESIDENT_KEY
from bot.web.keys import CONTAINER
from bot.web.security import error_page
from bot.web.sessions import get_session
from config.emergency import load_emergency

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

NEW_CHATS_PER_ADDRESS = 10  # new resident identities one address may start ...
NEW_CHAT_WINDOW_S = 600.0  # ... in any 10 minutes
SHOWN_S = 3600.0  # the board shows the refusals of the last hour
MAX_SHOWN_ADDRESSES = 10_000  # refusal times kept for at most this many addresses (memory bound)
REFUSED = Counter("hotline_new_chats_refused", "New resident chats refused by the per-address budget")


class FloodWatch:
    """The budget, and what was refused within the last hour (for the board). Per instance."""

    def __init__(self, limit: int = NEW_CHATS_PER_ADDRESS, window_s: float = NEW_CHAT_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic, shown_s: float = SHOWN_S) -> None:
        self.budget = WindowBudget(limit, window_s, clock=clock)
        self.window_s, self.clock, self.shown_s = window_s, clock, shown_s
        self._refused: OrderedDict[str, list[float]] = OrderedDict()  # address tag -> refusal times

    def admit(self, address: str) -> bool:
        tag = hashlib.sha256(f"hotline-flood:{address}".encode()).hexdigest()[:16]
        if self.budget.take(tag):
            return True
        now = self.clock()
        times = self._refused[tag] = [t for t in self._refused.get(tag, []) if t > now - self.shown_s]
        if not times:
            log.warning("new-chat budget reached: one address opened %d new chats within %.0f s; "
                        "further new chats from it get the emergency numbers and a retry notice",
                        self.budget.limit, self.window_s)
        times.append(now)
        self._refused.move_to_end(tag)
        if len(self._refused) > MAX_SHOWN_ADDRESSES:
            self._refused.popitem(last=False)
        REFUSED.inc()
        return False

    def snapshot(self) -> dict[str, int]:
        """New chats refused in the last hour, and from how many addresses (the board's figures)."""
        cutoff = self.clock() - self.shown_s
        for tag in list(self._refused):
            kept = [t for t in self._refused[tag] if t > cutoff]
            if kept:
                self._refused[tag] = kept
            else:
                del self._refused[tag]
        return {"new_chats_refused": sum(len(t) for t in self._refused.values()),
                "flooding_addresses": len(self._refused), "window_s": int(self.shown_s)}


FLOOD = web.AppKey("flood_watch", FloodWatch)


def refused_page(request: web.Request) -> web.Response:
    emergency = load_emergency(request.app[CONTAINER].settings.config_dir)
    zh, en = (emergency.render(lang).replace("\n", " · ") for lang in ("zh", "en"))
    message = (f"刚才从你的网络打开了太多新的对话，请几分钟后再试。如果你现在有危险：{zh} — "
               f"Too many new chats were opened from your network just now. Please try again in a few "
               f"minutes. If you are in danger now: {en}")
    return error_page(429, message, as_json=False)


@web.middleware
async def new_chat_budget(request: web.Request, handler: Handler) -> web.StreamResponse:
    """GET /chat without a resident cookie spends one of the address's new chats."""
    if request.method == "GET" and request.path == "/chat" and not from_this_machine(request):
        session = await get_session(request)
        if not isinstance(session.get(RESIDENT_KEY), str) and not request.app[FLOOD].admit(
                client_address(request)):
            return refused_page(request)
    return await handler(request)
