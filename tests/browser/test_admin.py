"""A coordinator in a real (headless) browser: approves a swap and the calendar changes.

The rota is the real one (scheduling over its tables), imported from a small file whose people
are the staff the browser fixtures seed, so their logins keep working.
"""

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
