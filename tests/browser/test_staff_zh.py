"""Staff pages in Chinese in headless chromium (issue 16 item 13, issue 17 item 10): a browser set
to Chinese gets the console and the live board in Chinese, levels and states in words, stations by
name; the switch to English is remembered on the next staff page. At 1280 and 1024 px wide;
screenshots under artifacts/screenshots/ looked at."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from bot.server import Server
from bot.storage import rota_repo
from tests.browser.conftest import WAIT_MS, Shots, staff_login, url
from tests.browser.test_admin import ROTA
from tests.browser.test_console_casework import phone390
from tests.browser.test_web_faces import say
from tests.web.conftest import CRISIS_ZH, PASSWORDS

pytestmark = pytest.mark.browser
RAW = ("imminent", "offered", "requested", "leave_cover", "active", "hd")


async def chinese_desk(browser: Browser) -> Page:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    ctx.set_default_timeout(WAIT_MS)
    return await ctx.new_page()


async def no_raw_codes(page: Page) -> None:
    words = await page.locator("main").inner_text()
    assert [c for c in RAW if f" {c} " in f" {words} ".replace("\n", " ")] == []


async def test_console_and_board_in_chinese_then_english_remembered(
        site: Server, browser: Browser, shot: Shots, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rota.yaml"
    path.write_text(ROTA, encoding="utf-8")
    await rota_repo.import_rota_file(site.container.uow, path, site.container.clock.now(), by="test")
    resident = await phone390(browser)
    await resident.goto(url(site, "/chat?lang=zh"))
    await say(resident, CRISIS_ZH)
    await expect(resident.locator("#status")).to_contain_text("正在为你联系值班咨询师")

    page = await chinese_desk(browser)
    await staff_login(page, site, "zhao", PASSWORDS["zhao"])
    await expect(page.locator("html")).to_have_attribute("lang", "zh")
    await expect(page.locator("#queue-h")).to_have_text("等待接待的居民")
    await expect(page.locator("#duty-state")).to_have_text("你正在值班。")
    item = page.locator("#queue li.item").first
    await expect(item.locator(".badge")).to_have_text("紧急")
    await expect(item.locator(".accept")).to_have_text("接手")
    await expect(item.locator(".hid")).to_contain_text("中文")
    await no_raw_codes(page)
    await shot(page, "-console-queue-1280")
    await item.locator(".accept").click()
    await expect(page.locator("#pane-risk")).to_contain_text("危机等级：紧急")
    await expect(page.locator("#transcript li.from-resident .who").first).to_contain_text("居民")
    await expect(page.locator("#outcome option").first).to_have_text("已解决")
    await shot(page, "-console-chat-1280")
    await page.set_viewport_size({"width": 1024, "height": 768})
    await shot(page, "-console-chat-1024")

    await page.goto(url(site, "/admin/board"))
    await expect(page.locator("h1")).to_have_text("实时看板")
    await expect(page.locator("#board thead")).to_contain_text("危机等级")
    await expect(page.locator("#board-rows tr").first).to_contain_text("紧急")
    await expect(page.locator("#board-rows tr").first).to_contain_text("进行中")
    await expect(page.locator("#people-rows")).to_contain_text("海淀区心理援助中心")
    await no_raw_codes(page)
    await shot(page, "-board-1024")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await shot(page, "-board-1280")

    await page.goto(url(site, "/admin/reports"))
    await expect(page.locator("#accept-by-level")).to_contain_text("各等级接手用时")
    await expect(page.locator("#coverage-demand")).to_contain_text("全线")
    await no_raw_codes(page)
    await shot(page, "-reports-1280")

    await page.goto(url(site, "/admin/board"))
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("h1")).to_have_text("Live board")
    await page.goto(url(site, "/console"))  # another staff page: the switch is remembered
    await expect(page.locator("#queue-h")).to_have_text("Waiting residents")
    await shot(page, "-console-en-1280")
