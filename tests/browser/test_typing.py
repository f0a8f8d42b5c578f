"""Typing hints in headless chromium: the counselor's console (desktop 1280x800) shows that the
resident types and the resident's /chat (phone 390x844, zh) that the counselor types; one frame
per 3 s of typing, no words in it; the hint goes after 6 s or when the line arrives. Screenshots
looked at; the resident's quick exit stays on screen."""

from __future__ import annotations

import json

from playwright.async_api import Browser, Page, WebSocket, expect

from bot.server import Server
from tests.browser.conftest import Shots, desk, staff_login, url
from tests.browser.test_console_casework import phone390, take_first
from tests.browser.test_web_faces import say
from tests.web.conftest import CRISIS_ZH, PASSWORDS


def record_typing(page: Page) -> list[str]:
    """The typing frames this page sends from now on, as sent."""
    sent: list[str] = []

    def on_socket(ws: WebSocket) -> None:
        ws.on("framesent", lambda payload: sent.append(payload) if isinstance(payload, str)
              and json.loads(payload).get("type") == "typing" else None)

    page.on("websocket", on_socket)
    return sent


async def test_each_side_sees_the_other_typing_and_the_hint_goes_away(
        site: Server, browser: Browser, shot: Shots) -> None:
    li, resident = await desk(browser), await phone390(browser)
    li_sent, resident_sent = record_typing(li), record_typing(resident)
    await resident.goto(url(site, "/chat?lang=zh"))
    await say(resident, CRISIS_ZH)
    await expect(resident.locator("#status")).to_contain_text("正在为你联系值班咨询师")
    await staff_login(li, site, "li", PASSWORDS["li"])
    await take_first(li)
    hint = li.locator("#pane-typing")
    before = len(resident_sent)

    await resident.locator("#text").press_sequentially("我还在这里", delay=80)  # 5 keys, well under 3 s
    await expect(hint).to_be_visible()
    await expect(hint).to_have_text("Resident is typing…")
    await shot(li, "-console-resident-typing")
    await expect(hint).to_be_hidden(timeout=9000)  # no new signal for 6 s
    await resident.locator("#text").press_sequentially("，谢谢", delay=80)
    await expect(hint).to_be_visible()
    await resident.press("#text", "Enter")
    await expect(li.locator("#transcript")).to_contain_text("我还在这里，谢谢")
    await expect(hint).to_be_hidden(timeout=3000)  # the line arrived, well before the 6 s

    await li.locator("#reply-text").press_sequentially("I hear you", delay=60)
    counselor_hint = resident.locator("#typing")
    await expect(counselor_hint).to_be_visible()
    await expect(counselor_hint).to_have_text("咨询师正在输入…")
    await expect(resident.locator("#quick-exit")).to_be_visible()
    await shot(resident, "-chat-counselor-typing")
    await li.press("#reply-text", "Enter")
    await expect(resident.locator("#log li.from-counselor").last).to_contain_text("I hear you")
    await expect(counselor_hint).to_be_hidden(timeout=3000)
    await expect(resident.locator("#quick-exit")).to_be_visible()
    await shot(resident, "-chat-after-reply")

    assert [json.loads(f) for f in resident_sent[before:]] == [{"type": "typing"}, {"type": "typing"}]
    assert len(li_sent) == 1 and json.loads(li_sent[0]).keys() == {"type", "handoff"}
