"""A budget of new resident chats per address, and the flood figures the board shows (issue 19
finding 4).

Every GET /chat without a resident cookie starts a new anonymous identity, and crisis lines skip
the pacer on purpose, so the probe's 15 fresh cookies opened 15 imminent handoffs in seconds, each
paging every counselor on duty. Past the budget, a new chat from that address gets a 429 page that
carries the emergency numbers (safety rule 1) and asks to try again in a few minutes; chats already
open are never touched, and their crisis lines are still answered at once.

The number is a trade: several people behind one address (a school, a carrier's shared address)
open a few chats an hour; a script opens hundreds. Refusals are counted for the board and
/metrics so a person sees the flood, and the log names it once per window, never the address.
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
REFUSED = Counter("hotline_new_chats_refused", "New resident chats refused by the per-address budget")


class FloodWatch:
    """The budget, and what was refused within the last window (for the board)."""

    def __init__(self, limit: int = NEW_CHATS_PER_ADDRESS, window_s: float = NEW_CHAT_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.budget = WindowBudget(limit, window_s, clock=clock)
        self.window_s, self.clock = window_s, clock
        self._refused: OrderedDict[str, list[float]] = OrderedDict()  # address tag -> refusal times

    def admit(self, address: str) -> bool:
        tag = hashlib.sha256(f"hotline-flood:{address}".encode()).hexdigest()[:16]
        if self.budget.take(tag):
            return True
        times = self._refused.setdefault(tag, [])
        if not times:
            log.warning("new-chat budget reached: one address opened %d new chats within %.0f s; "
                        "further new chats from it get the emergency numbers and a retry notice",
                        self.budget.limit, self.window_s)
        times.append(self.clock())
        self._refused.move_to_end(tag)
        REFUSED.inc()
        return False

    def snapshot(self) -> dict[str, int]:
        """New chats refused in the last window, and from how many addresses (the board's figures)."""
        cutoff = self.clock() - self.window_s
        for tag in list(self._refused):
            kept = [t for t in self._refused[tag] if t > cutoff]
            if kept:
                self._refused[tag] = kept
            else:
                del self._refused[tag]
        return {"new_chats_refused": sum(len(t) for t in self._refused.values()),
                "flooding_addresses": len(self._refused), "window_s": int(self.window_s)}


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
