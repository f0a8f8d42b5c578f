"""A coordinator in a real (headless) browser approves a swap and the calendar changes; an admin
adds an account (a refused form first), gives a one-time code, and the new person sets a password
with it (a mismatched password first) and logs in.

The rota is the real one (scheduling over its tables), imported from a small file whose people
are the staff the browser fixtures seed, so their logins keep working.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from bot.server import Server
from bot.storage import rota_repo
from bot.web.admin.common import LOCAL
from tests.browser.conftest import Shots, desk, staff_login, url
from tests.web.conftest import PASSWORDS

pytestmark = pytest.mark.browser
ROTA = """
stations: [{id: hd, name: 海淀区心理援助中心, level: district}]
counselors:
  - {id: c1, name: Li Na, languages: [zh, en], station: hd, roles: [counselor], web_login: li}
  - {id: c2, name: Wang Qiang, languages: [zh, en], station: hd, roles: [counselor], web_login: wang}
  - {id: k1, name: Zhao Min, languages: [zh, en], station: hd, roles: [coordinator, counselor],
     web_login: zhao}
rotations:
  - {id: hd-main, station: hd, members: [c1, c2], shift: 12h, start: "2026-01-05T08:00:00+08:00"}
"""


async def swap_waiting_for_approval(site: Server, tmp_path: Path, day_start: datetime) -> str:
    """Li Na (days) asks Wang Qiang to take her day shift; he agrees; a coordinator must decide."""
    path = tmp_path / "rota.yaml"
    path.write_text(ROTA, encoding="utf-8")
    now = site.container.clock.now()
    await rota_repo.import_rota_file(site.container.uow, path, now, by="test")
    async with site.container.uow() as uow:
        sid = await rota_repo.request_swap(uow.session, "c1", "c2", "hd", day_start + timedelta(hours=8),
                                           day_start + timedelta(hours=20), now)
        await rota_repo.accept_swap(uow.session, sid, "c2")
        await uow.commit()
    return sid


async def test_a_coordinator_approves_a_swap_and_the_calendar_changes(
        site: Server, browser: Browser, shot: Shots, tmp_path: Path) -> None:
    day = datetime.now(LOCAL).date() + timedelta(days=1)
    day_start = datetime.combine(day, datetime.min.time(), LOCAL)
    await swap_waiting_for_approval(site, tmp_path, day_start)
    page = await desk(browser)
    await page.set_viewport_size({"width": 1440, "height": 900})
    await staff_login(page, site, "zhao", PASSWORDS["zhao"])
    await page.goto(url(site, f"/admin/rota?date={day.isoformat()}&station=hd"))
    slot = page.locator(f'td[data-at="{(day_start + timedelta(hours=10)).isoformat()}"]')
    await expect(slot).to_contain_text("Li Na")
    await shot(page, "-before")

    await page.locator("#swaps button", has_text="Approve").click()

    await expect(page.locator(".notice")).to_contain_text("Swap approved")
    await expect(slot).to_contain_text("Wang Qiang")
    await expect(slot).not_to_contain_text("Li Na")
    await expect(page.locator("#swaps")).to_contain_text("None waiting")
    await shot(page, "-after")


async def admin_login(page: Page, site: Server) -> None:
    await page.goto(url(site, "/login"))
    await page.fill("#login", "admin")
    await page.fill("#password", PASSWORDS["admin"])
    await page.click("#login-form button[type=submit]")
    await page.wait_for_url("**/admin")


@pytest.mark.parametrize("width", [1280, 1024])
async def test_an_admin_adds_an_account_and_the_person_sets_a_password_with_the_code(
        site: Server, browser: Browser, shot: Shots, width: int) -> None:
    page = await desk(browser)
    await page.set_viewport_size({"width": width, "height": 900})
    await admin_login(page, site)
    await page.click("nav.admin-tabs >> text=Accounts")
    await page.click("#new-account summary")
    form = page.locator("#new-account form")
    await form.locator('input[name="id"]').fill("zhou")
    await form.locator('input[name="name"]').fill("周梅 Zhou Mei")
    await form.locator('input[name="languages"][value="en"]').check()
    await form.locator('input[name="web_login"]').fill("li")  # taken by Li Na
    await form.locator("button[type=submit]").click()

    why = form.locator('input[name="web_login"] + .error')
    await expect(why).to_contain_text("belongs to Li Na")
    await expect(form.locator('input[name="name"]')).to_have_value("周梅 Zhou Mei")  # kept as typed
    await shot(page, "-refused")
    await form.locator('input[name="web_login"]').fill("zhou")
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".notice")).to_contain_text("Account created")
    await page.click("#make-code")
    code = (await page.locator("#code .code").inner_text()).strip()
    await shot(page, "-code")

    other = await desk(browser)
    await other.set_viewport_size({"width": width, "height": 900})
    await other.goto(url(site, "/password"))
    await other.fill("#login", "zhou")
    await other.fill("#code", code)
    await other.fill("#password", "plum blossom in winter")
    await other.fill("#again", "plum blossom in summer")
    await other.click("#password-form button[type=submit]")
    await expect(other.locator("#password-error")).to_contain_text("differ")
    await expect(other.locator("#login")).to_have_value("zhou")
    await expect(other.locator("#code")).to_have_value(code)  # kept: only the passwords are typed again
    await shot(other, "-password-refused")
    await other.fill("#password", "plum blossom in winter")
    await other.fill("#again", "plum blossom in winter")
    await other.click("#password-form button[type=submit]")
    await expect(other.locator("#password-done")).to_be_visible()
    await staff_login(other, site, "zhou", "plum blossom in winter")  # lands on the console
    await shot(other, "-logged-in")


@pytest.mark.parametrize("width", [1280, 1024])
async def test_a_coordinator_edits_a_rotation_in_the_browser_and_undoes_it(
        site: Server, browser: Browser, shot: Shots, tmp_path: Path, width: int) -> None:
    day = datetime.now(LOCAL).date() + timedelta(days=1)
    day_start = datetime.combine(day, datetime.min.time(), LOCAL)
    await swap_waiting_for_approval(site, tmp_path, day_start)  # imports the rota (Li Na days first)
    page = await desk(browser)
    await page.set_viewport_size({"width": width, "height": 900})
    await staff_login(page, site, "zhao", PASSWORDS["zhao"])
    calendar = url(site, f"/admin/rota?date={day.isoformat()}&station=hd")
    slot = page.locator(f'td[data-at="{(day_start + timedelta(hours=10)).isoformat()}"]')
    await page.goto(calendar)
    await expect(slot).to_contain_text("Li Na")
    await page.click("#edit-rotations")
    await page.click("#rotation-hd-main >> text=Edit")
    form = page.locator("#rotation-edit form.rotation")
    await form.locator('select[name="member_0"]').select_option("c2")
    await form.locator('select[name="member_1"]').select_option("c1")
    await form.locator('input[name="shift"]').fill("twelve hours")
    await form.locator("button[type=submit]").click()

    await expect(form.locator('input[name="shift"] + .error')).to_contain_text("is not a duration")
    await expect(form.locator('select[name="member_0"]')).to_have_value("c2")  # kept as chosen
    await shot(page, "-refused")
    await form.locator('input[name="shift"]').fill("12h")
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".notice")).to_contain_text("Rotation saved")
    await page.goto(calendar)
    await expect(slot).to_contain_text("Wang Qiang")
    await expect(page.locator("#last-change")).to_contain_text("saved a rotation (hd-main), by Zhao Min")
    await shot(page, "-edited")

    await page.click("#undo")

    await expect(page.locator(".notice")).to_contain_text("undone")
    await expect(slot).to_contain_text("Li Na")
    await shot(page, "-undone")
