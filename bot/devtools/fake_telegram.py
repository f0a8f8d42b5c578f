"""A fake Telegram Bot API server on localhost that real python-telegram-bot code talks to.

Tests push updates in (messages, callback queries) and read what the bot sent. Faults can be
injected per method: 429 with retry_after, 500, or a slow answer. Once the bot calls setWebhook,
updates are POSTed to that URL with its secret token, one at a time in order, as Telegram does;
an update answered with a 5xx or not answered at all is sent again after `webhook_retry_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from bot.tasks import cancel_and_wait

JSON_FIELDS = {"reply_markup", "entities", "allowed_updates", "link_preview_options", "reply_parameters"}
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id"}


@dataclass
class Fault:
    status: int
    retry_after: int | None = None
    delay: float = 0.0
    count: int = 1


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-TOKEN", bot_id: int = 123456) -> None:
        self.token = token
        self.bot_id = bot_id
        self.calls: list[Call] = []
        self.faults: dict[str, list[Fault]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        # Webhook mode: (url, secret token) after setWebhook; each POST's (update_id, status).
        self.webhook: tuple[str, str | None] | None = None
        self.webhook_posts: list[tuple[int, int]] = []
        self.webhook_retry_s = 0.2
        self._outgoing: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._deliverer: asyncio.Task[None] | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def stop(self) -> None:
        if self._deliverer is not None:
            await cancel_and_wait(self._deliverer)
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- webhook delivery ---------------------------------------------------------------------
    async def _deliver_webhook(self) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            while True:
                update = await self._outgoing.get()
                while self.webhook is not None:
                    url, secret = self.webhook
                    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
                    try:
                        async with http.post(url, json=update, headers=headers) as resp:
                            status = resp.status
                    except (aiohttp.ClientError, TimeoutError):
                        status = 0  # not answered: Telegram tries again
                    async with self._changed:  # wakes wait_for
                        self.webhook_posts.append((update["update_id"], status))
                        self._changed.notify_all()
                    if 0 < status < 500:
                        break  # accepted (or refused for good, as Telegram drops a 4xx)
                    await asyncio.sleep(self.webhook_retry_s)

    # ---- what tests push in -----------------------------------------------------------------
    def _user(self, user_id: int, first_name: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "username": f"u{user_id}"}

    async def _push(self, update: dict[str, Any]) -> int:
        uid = next(self._update_ids)
        update["update_id"] = uid
        if self.webhook is not None:
            self._outgoing.put_nowait(update)
            return uid
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        return uid

    def _message(self, chat_id: int, user_id: int, first_name: str, **content: Any) -> dict[str, Any]:
        msg = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "from": self._user(user_id, first_name),
        }
        msg.update(content)
        return msg

    async def push_text(self, chat_id: int, text: str, user_id: int | None = None,
                        first_name: str = "Resident") -> int:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        msg = self._message(chat_id, user_id or chat_id, first_name, text=text)
        if entities:
            msg["entities"] = entities
        return await self._push({"message": msg})

    async def push_callback(self, chat_id: int, data: str, message_id: int | None = None,
                            user_id: int | None = None, query_id: str | None = None) -> int:
        msg = {"message_id": message_id or 1, "date": int(time.time()),
               "chat": {"id": chat_id, "type": "private"}, "text": "card",
               "from": {"id": self.bot_id, "is_bot": True, "first_name": "hotline"}}
        return await self._push({"callback_query": {
            "id": query_id or f"cq{next(self._update_ids)}", "from": self._user(user_id or chat_id, "Staff"),
            "chat_instance": str(chat_id), "data": data, "message": msg}})

    def fail_next(self, method: str, status: int, retry_after: int | None = None, count: int = 1,
                  delay: float = 0.0) -> None:
        self.faults.setdefault(method, []).append(Fault(status, retry_after, delay, count))

    # ---- what tests read out ----------------------------------------------------------------
    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method
                and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [p["text"] for p in self.sent("sendMessage", chat_id)]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until predicate() is truthy (re-checked on every call the bot makes)."""
        async def _wait() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result
        async with asyncio.timeout(timeout):  # not wait_for: see bot/tasks.py
            return await _wait()

    # ---- the HTTP side ----------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if not isinstance(value, str):
                continue
            if key in JSON_FIELDS:
                params[key] = json.loads(value)
            elif key in INT_FIELDS and value.lstrip("-").isdigit():
                params[key] = int(value)
            else:
                params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"},
                                     status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        fault = self._take_fault(method)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status != 200:
                await self._record(Call(f"FAILED:{method}", params))
                return self._error(fault)
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        result = self._answer(method, params)
        await self._record(Call(method, params))
        return web.json_response({"ok": True, "result": result})

    def _take_fault(self, method: str) -> Fault | None:
        queue = self.faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.count -= 1
        if fault.count <= 0:
            queue.pop(0)
        return fault

    @staticmethod
    def _error(fault: Fault) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": fault.status}
        if fault.status == 429:
            body["description"] = f"Too Many Requests: retry after {fault.retry_after}"
            body["parameters"] = {"retry_after": fault.retry_after or 1}
        else:
            body["description"] = "Internal Server Error"
        return web.json_response(body, status=fault.status)

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        # Long poll, capped so a stopping bot is never held for the full poll timeout.
        timeout = min(float(params.get("timeout", 0) or 0), 1.0)
        async with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await self._changed.wait()
            return [u for u in self._updates if u["update_id"] >= offset]

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        me = {"id": self.bot_id, "is_bot": True, "first_name": "hotline", "username": "hotline_test_bot",
              "can_join_groups": False, "can_read_all_group_messages": False,
              "supports_inline_queries": False}
        if method == "getMe":
            return me
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            message_id = params.get("message_id") or next(self._message_ids)
            return {"message_id": message_id, "date": int(time.time()),
                    "chat": {"id": params.get("chat_id", 0), "type": "private"},
                    "from": me, "text": params.get("text", "")}
        if method == "setWebhook":
            self.webhook = (str(params["url"]), params.get("secret_token"))
            if self._deliverer is None:
                self._deliverer = asyncio.create_task(self._deliver_webhook(), name="fake-webhook")
            return True
        if method == "deleteWebhook":
            self.webhook = None
            return True
        if method == "getChat":
            return {"id": params.get("chat_id"), "type": "private"}
        return True  # answerCallbackQuery, setWebhook, deleteWebhook, setMyCommands, close ...
