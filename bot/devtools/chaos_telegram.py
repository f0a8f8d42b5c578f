"""The fake Bot API with one more fault for the chaos harness: a call Telegram has already taken
(recorded at once, as delivered) whose answer is held back. A server killed while it waits has
sent the message but cannot know it; the plain fake's `delay` records only after the wait, and a
client that disconnects meanwhile cancels the handler, so the call would never count."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.devtools.fake_telegram import Call, FakeTelegram


class ChaosTelegram(FakeTelegram):
    def __init__(self) -> None:
        super().__init__()
        self.holds: dict[str, list[float]] = {}

    def hold_next_answer(self, method: str, seconds: float) -> None:
        self.holds.setdefault(method, []).append(seconds)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        queue = self.holds.get(method)
        if not queue or request.match_info["token"] != self.token:
            return await super()._handle(request)
        seconds = queue.pop(0)
        params = await self._params(request)
        result = self._answer(method, params)
        await self._record(Call(method, params))
        await asyncio.sleep(seconds)  # the answer is late; the message is already delivered
        return web.json_response({"ok": True, "result": result})
