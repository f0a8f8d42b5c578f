"""A resident and a counselor in real (headless) browsers, end to end."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

from playwright.async_api import Browser, WebSocketRoute, expect

from bot.server import Server
from tests.browser.conftest import Shots, desk, phone, staff_login, url
from tests.web.conftest import CRISIS_EN, CRISIS_ZH, PASSWORDS, REAL_ENGINES


async def say(page, text: str) -> None:  # type: ignore[no-untyped-def]
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def test_a_resident_gets_a_knowledge_base_answer(site: Server, browser: Browser, shot: Shots) -> None:
    page = await phone(browser)
    await page.goto(url(site, "/chat?lang=en"))

    await say(page, "I can't sleep at night, what can I do?")
    answer = page.locator("#log li.from-bot").first
    await expect(answer).to_be_visible()

    await expect(page.locator("#log li.from-resident")).to_have_count(1)
    if not REAL_ENGINES:
        await expect(answer).to_contain_text("Try a regular bedtime.")
    await expect(page.locator("#emergency")).to_contain_text("12356")
    await shot(page)
    await page.click("#lang-switch")
    await expect(page.get_by_role("textbox", name="输入消息")).to_be_visible()  # the accessible name
    await expect(page.locator("#log li.from-resident .who")).to_have_text("你")


async def test_a_crisis_message_shows_the_banner_and_that_a_counselor_is_coming(
        site: Server, browser: Browser, shot: Shots) -> None:
    page = await phone(browser)
    await page.goto(url(site, "/chat?lang=zh"))
    text = CRISIS_ZH if REAL_ENGINES else CRISIS_EN

    await say(page, text)

    await expect(page.locator("#status")).to_contain_text("正在为你联系值班咨询师")
    await expect(page.locator("#emergency")).to_have_class("emergency urgent")
    await expect(page.locator("#emergency")).to_contain_text("010-82951332")
    await shot(page)


async def test_a_counselor_accepts_and_both_exchange_messages(
        site: Server, browser: Browser, shot: Shots) -> None:
    resident, counselor = await phone(browser), await desk(browser)
    await resident.goto(url(site, "/chat?lang=en"))
    await say(resident, CRISIS_EN)
    await expect(resident.locator("#status")).to_contain_text("Reaching the on-duty counselor")
    await staff_login(counselor, site, "li", PASSWORDS["li"])

    await counselor.locator("#queue li .accept").first.click()
    await expect(counselor.locator("#pane")).to_be_visible()
    await counselor.fill("#reply-text", "I am here with you. Are you safe right now?")
    await counselor.press("#reply-text", "Enter")
    await expect(resident.locator("#log li.from-counselor")).to_contain_text("Are you safe right now?")
    await say(resident, "I put the pills in the kitchen")

    await expect(counselor.locator("#transcript li.from-resident").last).to_contain_text(
        "I put the pills in the kitchen")
    await expect(resident.locator("#status")).to_contain_text("talking with a counselor")
    # Times in the stations' zone (Beijing, as on the board), not UTC: either side of a minute turn.
    beijing = {f"{datetime.now(UTC) + timedelta(hours=8, minutes=d):%H:%M}" for d in (-1, 0)}
    stamp = await counselor.locator("#transcript li .who").last.text_content()
    assert stamp is not None and stamp.split(" · ")[-1] in beijing
    await shot(resident, "-resident")
    await shot(counselor, "-counselor")


async def replied(page) -> None:  # type: ignore[no-untyped-def]
    """Every own message acknowledged and the newest entry is the bot's (however many it sent)."""
    await expect(page.locator("#log li.from-resident.pending")).to_have_count(0)
    await expect(page.locator("#log li").last).to_have_class(re.compile(r"from-bot"))


async def test_a_dropped_websocket_reconnects_with_nothing_lost_or_doubled(
        site: Server, browser: Browser, shot: Shots) -> None:
    tab = await phone(browser)
    sockets: list[tuple[WebSocketRoute, WebSocketRoute]] = []
    offline = asyncio.Event()

    async def network(ws: WebSocketRoute) -> None:
        if offline.is_set():
            await ws.close(code=4000, reason="offline")
            return
        sockets.append((ws, ws.connect_to_server()))

    await tab.route_web_socket("**/chat/ws", network)
    await tab.goto(url(site, "/chat?lang=en"))
    await say(tab, "I can't sleep")
    await replied(tab)

    offline.set()  # the network drops: the page's socket closes, reconnects are refused
    page_side, server_side = sockets[-1]
    await server_side.close()
    await page_side.close(code=4000)
    await expect(tab.locator("#status")).to_contain_text("reconnecting")
    await say(tab, "sent while offline")
    other = await tab.context.new_page()  # another tab of the same resident talks meanwhile
    await other.goto(url(site, "/chat?lang=en"))
    await say(other, "from the other tab")
    await replied(other)
    offline.clear()

    await expect(tab.locator("#log li.from-resident")).to_have_count(3, timeout=8000)
    await replied(tab)
    fresh = await tab.context.new_page()
    await fresh.goto(url(site, "/chat?lang=en"))
    await expect(fresh.locator("#log li.from-resident")).to_have_count(3)
    await replied(fresh)
    stored = await fresh.locator("#log li .text").all_inner_texts()
    await expect(tab.locator("#log li .text")).to_have_text(stored)  # same messages, same order, once
    assert stored.count("sent while offline") == 1 and stored.count("from the other tab") == 1
    await shot(tab)


async def test_quick_exit_leaves_and_replaces_the_history_entry(
        site: Server, browser: Browser, shot: Shots) -> None:
    page = await phone(browser)
    await page.goto(url(site, "/leave"))  # something before the chat in the history
    await page.goto(url(site, "/chat"))
    await say(page, "I can't sleep")
    await replied(page)

    await page.keyboard.press("Escape")
    await page.wait_for_url("**/leave")
    await page.go_back()

    assert not page.url.endswith("/chat")
    await page.goto(url(site, "/chat"))
    await expect(page.locator("#log li")).to_have_count(0)  # the browser is unlinked from the chat
    await page.click("#quick-exit")
    await page.wait_for_url("**/leave")
    await shot(page)
