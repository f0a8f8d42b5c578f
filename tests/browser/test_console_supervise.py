"""Supervision in headless chromium (issue 16 item 12): a coordinator sees the chat a counselor
holds, watches it, joins and writes; the resident's page shows the join notice and the
supervisor's line, the holder's pane shows who joined. Coordinator at desktop 1280x800 and phone
390x844; the resident on a phone. Screenshots looked at."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from bot.server import Server
from tests.browser.conftest import Shots, desk, url
from tests.browser.test_console_casework import crisis, phone390, take_first
from tests.web.conftest import PASSWORDS

LINE = "I am Zhao, the supervisor tonight. We are both here with you."


async def login(page: Page, site: Server, who: str) -> None:
    await page.goto(url(site, "/login"))
    await page.fill("#login", who)
    await page.fill("#password", PASSWORDS[who])
    await page.click("#login-form button[type=submit]")
    await page.wait_for_load_state()
    await page.goto(url(site, "/console"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_a_supervisor_watches_joins_and_writes_and_the_resident_is_told(
        site: Server, browser: Browser, shot: Shots, size: str) -> None:
    resident = await crisis(browser, site)
    li = await desk(browser)
    await login(li, site, "li")
    await take_first(li)
    await li.fill("#reply-text", "I am here with you.")
    await li.click("#reply button[type=submit]")
    zhao = await (desk(browser) if size == "desktop" else phone390(browser))
    await login(zhao, site, "zhao")

    await zhao.get_by_role("button", name="Watch chat").first.click()
    await expect(zhao.locator("#supervision-text")).to_contain_text("Read-only")
    await expect(zhao.locator("#transcript")).to_contain_text("I am here with you.")
    await expect(zhao.locator("#reply")).to_be_hidden()
    await expect(zhao.locator("#close")).to_be_hidden()
    await zhao.locator("#supervision").scroll_into_view_if_needed()
    await shot(zhao, f"-{size}-watching")
    await zhao.click("#join")
    await expect(zhao.locator("#supervision-text")).to_contain_text("You joined")
    await expect(zhao.locator("#transcript")).to_contain_text("A supervisor, a senior colleague")
    await zhao.fill("#reply-text", LINE)
    await zhao.click("#reply button[type=submit]")
    await expect(zhao.locator("#transcript li.from-supervisor")).to_contain_text(LINE)
    await shot(zhao, f"-{size}-joined")

    notice = resident.locator("#log li.from-bot", has_text="A supervisor, a senior colleague")
    await expect(notice).to_have_count(1)
    line = resident.locator("#log li.from-supervisor")
    await expect(line.locator(".who")).to_have_text("Supervisor Zhao")
    await expect(line.locator(".text")).to_have_text(LINE)
    await expect(resident.locator("#quick-exit")).to_be_visible()
    await shot(resident, f"-{size}-resident")
    await expect(li.locator("#supervision-text")).to_contain_text("Supervisor Zhao joined this chat")
    await expect(li.locator("#transcript li.from-supervisor")).to_contain_text(LINE)
    await expect(li.locator("#close")).to_be_visible()  # the holder still holds and closes
    await shot(li, f"-{size}-holder")
