"""Webhook mode: the leader registers the webhook; Telegram's POSTs are answered by any instance;
the secret token is checked on every update; a 5xx is retried; a repeated update is handled once."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.bootstrap import build
from bot.cluster.webhook import ALLOWED_UPDATES, BODY_BYTES, SECRET_HEADER, WEBHOOK_PATH
from bot.server import Server
from config.settings import load_settings
from tests.e2e.conftest import fake_ports, stable_key
from tests.fakes.telegram_api import FakeTelegram

SECRET = "webhook-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    tg = FakeTelegram()
    await tg.start()
    yield tg
    await tg.stop()


@pytest.fixture
async def hook_server(db_url: str, tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[Server]:
    port = free_port()
    settings = load_settings(
        database_url=db_url, telegram_token=fake.token, telegram_base_url=fake.base_url,
        telegram_webhook_url=f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        telegram_webhook_secret=SECRET, secret_key=stable_key(tmp_path),
        pseudonym_key="test-pseudonym-key", var_dir=tmp_path / "var")
    srv = Server(build(settings, **fake_ports()))  # type: ignore[arg-type]
    await srv.start("127.0.0.1", port)
    yield srv
    await srv.stop()


def update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "R"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_700_000_000, "text": text, "from": user,
        "chat": {"id": chat_id, "type": "private"}}}


async def test_the_leader_registers_the_webhook_and_updates_come_through_it(
        hook_server: Server, fake: FakeTelegram) -> None:
    assert fake.webhook == (f"http://127.0.0.1:{hook_server.port}{WEBHOOK_PATH}", SECRET)
    registered = fake.sent("setWebhook")[0]
    assert registered["allowed_updates"] == list(ALLOWED_UPDATES)
    await fake.push_text(501, "hello")
    await fake.wait_for(lambda: fake.texts(501))
    assert fake.sent("getUpdates") == []  # no polling beside the webhook
    assert [status for _, status in fake.webhook_posts] == [200]


async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_handled(
        hook_server: Server, fake: FakeTelegram) -> None:
    url = f"http://127.0.0.1:{hook_server.port}{WEBHOOK_PATH}"
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "guess-" + SECRET}):
            async with http.post(url, json=update(90, 502, "hello"), headers=headers) as resp:
                assert resp.status == 403
        async with http.post(url, data=b"{not json", headers={SECRET_HEADER: SECRET}) as resp:
            assert resp.status == 400
        too_big = json.dumps(update(92, 502, "x" * BODY_BYTES)).encode()
        async with http.post(url, data=too_big, headers={SECRET_HEADER: SECRET}) as resp:
            assert resp.status == 413
        # a repeated update (Telegram's retry after a lost answer) is answered once
        for _ in range(2):
            async with http.post(url, json=update(91, 503, "hello"),
                                 headers={SECRET_HEADER: SECRET}) as resp:
                assert resp.status == 200
    await fake.wait_for(lambda: fake.texts(503))
    assert fake.texts(502) == []
    replies = len(fake.texts(503))
    await fake.push_text(504, "hello")  # a later update has gone through: the repeat had its chance
    await fake.wait_for(lambda: fake.texts(504))
    assert len(fake.texts(503)) == replies


async def test_the_fake_sends_an_update_again_after_a_5xx_as_telegram_does(fake: FakeTelegram) -> None:
    seen: list[int] = []

    async def flaky(request: web.Request) -> web.Response:
        seen.append((await request.json())["update_id"])
        assert request.headers[SECRET_HEADER] == SECRET
        return web.Response(status=500 if len(seen) < 3 else 200)

    app = web.Application()
    app.router.add_post("/hook", flaky)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        fake.webhook_retry_s = 0.05
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{fake.base_url}{fake.token}/setWebhook",
                                 json={"url": f"http://127.0.0.1:{port}/hook",
                                       "secret_token": SECRET}) as resp:
                assert resp.status == 200
        uid = await fake.push_text(7, "hi")
        await fake.wait_for(lambda: len(fake.webhook_posts) >= 3)
        assert fake.webhook_posts == [(uid, 500), (uid, 500), (uid, 200)]
        assert seen == [uid, uid, uid]
    finally:
        await runner.cleanup()
