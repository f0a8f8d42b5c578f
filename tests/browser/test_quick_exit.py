"""Quick exit to another site unlinks the browser from its chat (issue 19 finding 7).

GET /leave no longer unlinks (a prefetch or another site's image could fetch it); the button's
POST to /chat/unlink does, for the local page and for a configured quick_exit_url alike. The
local case is tests/browser/test_web_faces.py (test_quick_exit_leaves_and_replaces_...)."""

from __future__ import annotations

from playwright.async_api import Browser, Request, Route, expect

from bot.server import Server
from tests.browser.conftest import Shots, phone, url
from tests.browser.test_web_faces import replied, say

ELSEWHERE = "https://weather.example/today"  # stands in for a real site: the browser never leaves


async def test_quick_exit_to_another_site_unlinks_by_post_and_leaves_at_once(
        site: Server, browser: Browser, shot: Shots) -> None:
    site.container.settings.quick_exit_url = ELSEWHERE
    page = await phone(browser)

    async def weather(route: Route) -> None:
        await route.fulfill(status=200, content_type="text/html", body="<h1>Weather</h1><p>Cloudy.</p>")

    await page.context.route("https://weather.example/**", weather)
    sent: list[tuple[str, str]] = []

    def seen(req: Request) -> None:
        if req.url.startswith(url(site, "/")):
            sent.append((req.method, req.url.removeprefix(url(site, ""))))

    await page.goto(url(site, "/chat?lang=en"))
    await say(page, "I can't sleep")
    await replied(page)
    page.on("request", seen)

    await page.keyboard.press("Escape")
    await page.wait_for_url(ELSEWHERE)
    await expect(page.locator("h1")).to_have_text("Weather")
    await shot(page)
    page.remove_listener("request", seen)
    await page.goto(url(site, "/chat?lang=en"))

    assert ("POST", "/chat/unlink") in sent and ("GET", "/leave") not in sent
    await expect(page.locator("#log li")).to_have_count(0)  # a fresh chat: the old one is out of reach
