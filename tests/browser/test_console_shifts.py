"""My shifts in a real browser at 1280 and 1024 px and on a 390 px phone (issue 16 item 13,
issue 17 item 5): the counselor's own shifts, a leave form sent with the last day before the
first comes back filled in with the reason beside the field, a swap request is listed with its
state, the calendar link is shown once; leave asked for waits in the coordinator's queue on
/admin/rota until approved."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from bot.server import Server
from bot.storage import rota_repo
from bot.web.admin.common import LOCAL
from tests.browser.conftest import Shots, desk, staff_login, url
from tests.web.conftest import PASSWORDS

pytestmark = pytest.mark.browser
ROTA = """
stations:
  - {id: hd, name: 海淀区心理援助中心, level: district}
counselors:
  - {id: c1, name: Li Na, languages: [zh, en], station: hd, roles: [counselor], web_login: li}
  - {id: c2, name: Wang Qiang, languages: [zh], station: hd, roles: [counselor], web_login: wang}
  - {id: k1, name: Zhao Min, languages: [zh, en], station: hd, roles: [coordinator, counselor],
     web_login: zhao}
rotations:
  - {id: hd-main, station: hd, members: [c1, c2], shift: 12h, start: "2026-01-05T08:00:00+08:00"}
"""


@pytest.mark.parametrize("width", [1280, 1024, 390])  # 390: a counselor's phone
async def test_my_shifts_page_its_leave_error_and_a_swap_request(
        site: Server, browser: Browser, shot: Shots, tmp_path: Path, width: int) -> None:
    path = tmp_path / "rota.yaml"
    path.write_text(ROTA, encoding="utf-8")
    await rota_repo.import_rota_file(site.container.uow, path, site.container.clock.now(), by="test")
    today = datetime.now(LOCAL).date()
    page = await desk(browser)
    await page.set_viewport_size({"width": width, "height": 900})
    await staff_login(page, site, "li", PASSWORDS["li"])

    await page.click("a#my-shifts")  # the console's link (staff_login lands on /console)
    await page.wait_for_url("**/console/shifts")
    await expect(page.locator("#my-shifts tr.shift").first).to_contain_text("海淀区心理援助中心")
    assert await page.locator("#my-shifts tr.shift").count() >= 27
    await shot(page, f"-{width}-shifts")

    await page.fill("#leave-form input[name=start]", (today + timedelta(days=5)).isoformat())
    await page.fill("#leave-form input[name=end]", (today + timedelta(days=3)).isoformat())
    await page.fill("#leave-form textarea[name=reason]", "家里有事 / family matter")
    await page.click("#leave-form button[type=submit]")
    error = page.locator("#leave-form .error")
    await expect(error).to_have_text("The last day must not be before the first.")
    await expect(page.locator("#leave-form textarea[name=reason]")).to_have_value("家里有事 / family matter")
    await expect(page.locator("#leave-form input[name=end]")).to_have_attribute("aria-invalid", "true")
    await error.scroll_into_view_if_needed()
    await shot(page, f"-{width}-leave-error")

    await page.select_option("#swap-form select[name=shift]", index=2)
    await page.select_option("#swap-form select[name=other]", "c2")
    await page.click("#swap-form button[type=submit]")
    await expect(page.locator("p.notice")).to_contain_text("Swap request sent")
    await expect(page.locator("#my-requests tr.request")).to_contain_text("waiting for Wang Qiang")
    await shot(page, f"-{width}-swap-sent")

    await page.click("#feed-new")
    feed = await page.locator("#feed-url").get_attribute("value")
    assert feed is not None and feed.startswith(url(site, "/ical/")) and feed.endswith(".ics")
    await page.locator("#calendar").scroll_into_view_if_needed()
    await shot(page, f"-{width}-calendar")


async def test_leave_asked_in_the_console_is_approved_from_the_rota_page(
        site: Server, browser: Browser, shot: Shots, tmp_path: Path) -> None:
    path = tmp_path / "rota.yaml"
    path.write_text(ROTA, encoding="utf-8")
    await rota_repo.import_rota_file(site.container.uow, path, site.container.clock.now(), by="test")
    first = datetime.now(LOCAL).date() + timedelta(days=10)
    li = await desk(browser)
    await staff_login(li, site, "li", PASSWORDS["li"])
    await li.goto(url(site, "/console/shifts"))
    await li.fill("#leave-form input[name=start]", first.isoformat())
    await li.fill("#leave-form input[name=end]", (first + timedelta(days=1)).isoformat())
    await li.click("#leave-form button[type=submit]")
    await expect(li.locator("#my-requests tr.request")).to_contain_text("waiting for a coordinator")

    zhao = await desk(browser)
    await staff_login(zhao, site, "zhao", PASSWORDS["zhao"])
    await zhao.goto(url(site, f"/admin/rota?date={first.isoformat()}"))
    queue = zhao.locator("#leave-requests")
    await expect(queue).to_contain_text("Li Na")
    await queue.scroll_into_view_if_needed()
    await shot(zhao, "-queue")
    await queue.locator("button", has_text="Approve").click()
    await expect(zhao.locator("#leave-requests")).to_contain_text("None waiting.")

    await li.reload()
    await expect(li.locator("#my-requests tr.request")).to_contain_text("approved")
    assert await li.locator("#my-shifts tr.shift", has_text=first.isoformat()).count() == 0
    await shot(li, "-approved")
