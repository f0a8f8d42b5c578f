"""A coordinator in a real (headless) browser: approves a swap and the calendar changes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.async_api import Browser, expect

from bot.server import Server
from bot.web.admin.common import LOCAL
from tests.browser.conftest import Shots, desk, staff_login, url
from tests.web.admin.memory_rota import MemoryRota
from tests.web.conftest import PASSWORDS

pytestmark = pytest.mark.browser


async def test_a_coordinator_approves_a_swap_and_the_calendar_changes(
        site: Server, browser: Browser, shot: Shots) -> None:
    rota = MemoryRota({"c1": "Li Na", "c2": "Wang Qiang", "k1": "Zhao Min"})
    site.container.extras["admin_rota"] = rota
    day = datetime.now(LOCAL).date() + timedelta(days=1)
    at_10 = datetime.combine(day, datetime.min.time(), LOCAL) + timedelta(hours=10)
    rota.request_swap("c1", "c2", at_10 - timedelta(hours=2), at_10 + timedelta(hours=10))
    page = await desk(browser)
    await page.set_viewport_size({"width": 1440, "height": 900})
    await staff_login(page, site, "zhao", PASSWORDS["zhao"])
    await page.goto(url(site, f"/admin/rota?date={day.isoformat()}"))
    slot = page.locator(f'td[data-at="{at_10.isoformat()}"]')
    await expect(slot).to_contain_text("Li Na")
    await shot(page, "-before")

    await page.locator("#swaps button", has_text="Approve").click()

    await expect(page.locator(".notice")).to_contain_text("Swap approved")
    await expect(slot).to_contain_text("Wang Qiang")
    await expect(slot).not_to_contain_text("Li Na")
    await expect(page.locator("#swaps")).to_contain_text("None waiting")
    await shot(page, "-after")
