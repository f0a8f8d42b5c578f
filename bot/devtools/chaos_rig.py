"""The chaos rig: the fake Bot API, one real server process and its database, and the moves a
scenario makes (a resident writes, a counselor accepts, closes, schedules a follow-up).

Every wait polls with a deadline; nothing sleeps for a fixed time to let the server "catch up".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.devtools.chaos_instance import Instance
from bot.devtools.chaos_ledger import Db
from bot.devtools.chaos_telegram import ChaosTelegram

T = TypeVar("T")
CRISIS = "我真的不想活了"
IMMINENT = "I have the pills here and I am taking them tonight"
# The emergency line every crisis reply carries (config/emergency.yaml).
EMERGENCY_MARK = "12356"


class Rig:
    def __init__(self, root: Path, db_url: str, checkout: Path, step_timeout_s: int = 4,
                 extra_env: dict[str, str] | None = None) -> None:
        self.fake = ChaosTelegram()
        self.root, self.db_url, self.checkout = root, db_url, checkout
        self.step_timeout_s, self.extra_env = step_timeout_s, extra_env
        self.inst: Instance | None = None
        self.db: Db | None = None
        self.staff: dict[str, int] = {}  # counselor id -> Telegram chat id
        self.pushed: dict[int, list[str]] = {}  # resident chat -> texts pushed

    async def __aenter__(self) -> Rig:
        await self.fake.start()
        self.inst = Instance(self.root, self.db_url, self.fake, self.step_timeout_s, self.extra_env,
                             self.checkout)
        try:
            self.inst.start()
            await self.inst.ready()
            self.db = Db(self.db_url, self.inst.keys["HOTLINE_SECRET_KEY"])
            self.staff = await self.db.give_staff_telegram_ids()
        except BaseException:  # __aexit__ does not run when __aenter__ fails: no orphan server
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        if self.inst is not None:
            self.inst.stop()
        if self.db is not None:
            await self.db.close()
        await self.fake.stop()

    @property
    def server(self) -> Instance:
        assert self.inst is not None
        return self.inst

    @property
    def database(self) -> Db:
        assert self.db is not None
        return self.db

    # ---- residents ----------------------------------------------------------------------
    async def resident_says(self, chat: int, text: str) -> None:
        self.pushed.setdefault(chat, []).append(text)
        await self.fake.push_text(chat, text)

    def received(self, chat: int) -> list[str]:
        return self.fake.texts(chat)

    # ---- counselors ---------------------------------------------------------------------
    def cards(self, handoff_id: int) -> list[dict[str, Any]]:
        """Every card offering this handoff (a sendMessage with its accept button)."""
        data = f"acc:{handoff_id}"
        out = []
        for params in self.fake.sent("sendMessage"):
            rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
            if any(button.get("callback_data") == data for row in rows for button in row):
                out.append(params)
        return out

    async def press(self, staff_chat: int, data: str) -> None:
        await self.fake.push_callback(staff_chat, data, user_id=staff_chat)

    async def handoff_of(self, chat: int, timeout: float = 30.0) -> int:
        """The id of the newest handoff of this resident's conversation, once it exists."""
        async def find() -> int | None:
            for h in reversed(await self.database.handoffs()):
                if await self._conversation_chat(h.conversation_id) == str(chat):
                    return h.id
            return None
        found: int = await until(find, timeout, f"a handoff for chat {chat}")
        return found

    async def _conversation_chat(self, conversation_id: int) -> str | None:
        from bot.storage.models import Conversation

        async with self.database.uow() as uow:
            conv = await uow.session.get(Conversation, conversation_id)
            return conv.chat_key if conv else None

    async def accept(self, handoff_id: int, timeout: float = 30.0) -> int:
        """The first counselor the card reached presses accept; returns that counselor's chat."""
        card = await until(lambda: _first(self.cards(handoff_id)), timeout, f"a card for #{handoff_id}")
        chat = int(card["chat_id"])
        await self.press(chat, f"acc:{handoff_id}")
        await until(lambda: self._state_is(handoff_id, "active"), timeout, f"#{handoff_id} active")
        return chat

    async def _state_is(self, handoff_id: int, *states: str) -> bool:
        h = await self.database.handoff(handoff_id)
        return h is not None and h.state in states


def _first(items: list[T]) -> T | None:
    return items[0] if items else None


async def until(probe: Callable[[], Any], timeout: float, what: str, every: float = 0.1) -> Any:
    """Poll `probe` (sync or async) until it returns something truthy, and return that;
    TimeoutError names `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if asyncio.iscoroutine(value) or isinstance(value, Awaitable):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        await asyncio.sleep(every)
