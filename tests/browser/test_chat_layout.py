"""The resident chat at phone (390x844) and desktop size: quick exit, the emergency lines and the
status stay on screen however long the conversation gets; the newest message is never under the
composer; numbers in bot lines are tap-to-call; the language follows the browser and the switch."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from bot.server import Server
from tests.browser.conftest import WAIT_MS, Shots, url
from tests.web.conftest import CRISIS_EN, CRISIS_ZH, REAL_ENGINES

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


async def open_chat(browser: Browser, size: str, accept_language: str = "en-US,en;q=0.9") -> Page:
    width, height = SIZES[size]
    ctx = await browser.new_context(viewport={"width": width, "height": height},
                                    extra_http_headers={"Accept-Language": accept_language})
    ctx.set_default_timeout(WAIT_MS)
    return await ctx.new_page()


async def say(page: Page, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def on_screen(page: Page, selector: str) -> bool:
    box = await page.locator(selector).bounding_box()
    view = page.viewport_size
    assert box is not None and view is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= view["height"] and box["height"] > 0


async def check_pinned_after_a_long_chat(site: Server, browser: Browser, shot: Shots, size: str) -> None:
    page = await open_chat(browser, size)
    await page.goto(url(site, "/chat"))
    for n in range(6):  # enough lines to overflow a phone several times
        await say(page, f"I can't sleep at night, what can I do? ({n})")
        await expect(page.locator("#log li.from-bot")).to_have_count(n + 1, timeout=10000)
    await say(page, CRISIS_ZH if REAL_ENGINES else CRISIS_EN)
    await expect(page.locator("#status")).to_contain_text("Reaching the on-duty counselor")

    newest = page.locator("#log li").last
    await expect(newest).to_be_visible()
    newest_box, composer_box = await newest.bounding_box(), await page.locator("#composer").bounding_box()
    scrolled = await page.evaluate("document.getElementById('scroller').scrollTop")

    assert scrolled > 0  # the conversation really overflowed
    for sel in ("#quick-exit", "#emergency", "#status", "#composer"):
        assert await on_screen(page, sel), f"{sel} is off screen at {size}"
    assert newest_box and composer_box and newest_box["y"] + newest_box["height"] <= composer_box["y"] + 1
    await page.screenshot(path=str(shot_path(shot, f"-{size}")))


def shot_path(shot: Shots, suffix: str):  # type: ignore[no-untyped-def]
    from tests.browser.conftest import SHOTS
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{shot.name}{suffix}.png"


async def test_quick_exit_status_and_newest_message_stay_on_screen_on_a_phone(
        site: Server, browser: Browser, shot: Shots) -> None:
    await check_pinned_after_a_long_chat(site, browser, shot, "phone")


async def test_quick_exit_status_and_newest_message_stay_on_screen_on_a_desktop(
        site: Server, browser: Browser, shot: Shots) -> None:
    await check_pinned_after_a_long_chat(site, browser, shot, "desktop")


async def test_numbers_in_bot_lines_are_tap_to_call(site: Server, browser: Browser, shot: Shots) -> None:
    page = await open_chat(browser, "phone")
    await page.goto(url(site, "/chat"))
    await say(page, CRISIS_ZH if REAL_ENGINES else CRISIS_EN)
    await expect(page.locator("#status")).to_contain_text("Reaching the on-duty counselor")

    links = page.locator("#log li.from-bot a[href^='tel:']")
    await expect(links.first).to_be_visible()
    hrefs = set(await links.evaluate_all("els => els.map(a => a.getAttribute('href'))"))
    await page.screenshot(path=str(shot_path(shot, "-phone")))

    assert {"tel:110", "tel:120", "tel:12356"} <= hrefs
    assert await page.locator("#log li.from-resident a").count() == 0  # the resident's text stays text


async def test_the_browser_language_opens_the_page_and_the_switch_is_remembered(
        site: Server, browser: Browser, shot: Shots) -> None:
    page = await open_chat(browser, "phone", accept_language="en-GB,en;q=0.9,zh-CN;q=0.5")
    await page.goto(url(site, "/chat"))
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("button", name="Quick exit")).to_be_visible()

    await page.click("#lang-switch")
    await page.reload()

    await expect(page.locator("html")).to_have_attribute("lang", "zh")
    await expect(page.get_by_role("button", name="快速离开")).to_be_visible()
    await page.screenshot(path=str(shot_path(shot, "-phone")))


async def test_a_waiting_resident_sees_how_long_and_withdraws_the_request(
        site: Server, browser: Browser, shot: Shots) -> None:
    page = await open_chat(browser, "phone")
    await page.goto(url(site, "/chat"))
    await say(page, CRISIS_ZH if REAL_ENGINES else CRISIS_EN)
    await expect(page.locator("#status")).to_contain_text("Reaching the on-duty counselor")

    await say(page, "how long will it take?")
    status = page.locator("#log li.from-bot").filter(has_text=re.compile("You have waited|你已经等了"))
    await expect(status).to_have_count(1)
    await status.get_by_role("button", name=re.compile("Withdraw my request|取消请求")).click()
    goodbye = page.locator("#log li.from-bot").last
    await expect(goodbye).to_contain_text(re.compile("request is withdrawn|已取消请求"))
    await page.screenshot(path=str(shot_path(shot, "-phone")))

    assert await on_screen(page, "#quick-exit")
    await expect(page.locator("#status")).not_to_contain_text("Reaching the on-duty counselor")
