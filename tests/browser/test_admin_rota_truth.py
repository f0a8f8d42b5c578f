"""Rota truth in a real browser (desktop and 1024 px wide): a real gap and a real conflict are
flagged in the calendar and listed beside it, the demand is stated in words, and an override that
would put someone at two stations at once comes back filled in with the reason beside the field.
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
stations:
  - {id: hd, name: 海淀区心理援助中心, level: district}
  - {id: cy, name: 朝阳区心理援助中心, level: district}
counselors:
  - {id: c1, name: Li Na, languages: [zh, en], station: hd, roles: [counselor], web_login: li}
  - {id: c2, name: Wang Qiang, languages: [zh], station: hd, roles: [counselor], web_login: wang}
  - {id: k1, name: Zhao Min, languages: [zh, en], station: hd, roles: [coordinator, counselor],
     web_login: zhao}
rotations:
  - {id: hd-main, station: hd, members: [c1, c2], shift: 12h, start: "2026-01-05T08:00:00+08:00"}
"""


async def rota_with_a_conflict_and_a_gap(site: Server, tmp_path: Path, day_start: datetime) -> None:
    """Li Na (days at hd) also covers cy 09-11: a conflict. Wang Qiang (nights) speaks no English,
    so every night has no English speaker on duty: a real gap."""
    path = tmp_path / "rota.yaml"
    path.write_text(ROTA, encoding="utf-8")
    now = site.container.clock.now()
    await rota_repo.import_rota_file(site.container.uow, path, now, by="test")
    async with site.container.uow() as uow:
        await rota_repo.add_override(uow.session, "c1", "cy", day_start + timedelta(hours=9),
                                     day_start + timedelta(hours=11), "test", now)
        await uow.commit()


@pytest.mark.parametrize("width", [1440, 1024])
async def test_gap_and_conflict_are_flagged_and_a_conflicting_override_is_explained(
        site: Server, browser: Browser, shot: Shots, tmp_path: Path, width: int) -> None:
    day = datetime.now(LOCAL).date() + timedelta(days=1)
    day_start = datetime.combine(day, datetime.min.time(), LOCAL)
    await rota_with_a_conflict_and_a_gap(site, tmp_path, day_start)
    page = await desk(browser)
    await page.set_viewport_size({"width": width, "height": 900})
    await staff_login(page, site, "zhao", PASSWORDS["zhao"])
    await page.goto(url(site, f"/admin/rota?date={day.isoformat()}"))

    clash = page.locator(f'td[data-at="{(day_start + timedelta(hours=10)).isoformat()}"]')
    night = page.locator(f'td[data-at="{(day_start + timedelta(hours=22)).isoformat()}"]')
    await expect(clash.locator(".clash-tag")).to_have_text("two stations")
    await expect(clash.locator(".who.clashing")).to_have_count(2)  # Li Na at hd and at cy
    await expect(night.locator(".gap-tag")).to_contain_text("English")
    await expect(page.locator("#conflicts")).to_contain_text(
        "Li Na on duty at 朝阳区心理援助中心 and 海淀区心理援助中心 at once")
    await expect(page.locator("#gaps")).to_contain_text("no English speaker on duty")
    await expect(page.locator("#gaps")).to_contain_text("1 English speaker on duty anywhere on the line")
    await clash.scroll_into_view_if_needed()
    await shot(page, f"-{width}-calendar")

    form = page.locator("#overrides")
    await form.locator("summary").click()
    await form.locator('select[name="counselor_id"]').select_option("c2")
    await form.locator('select[name="station"]').select_option("cy")
    night_start = (day_start + timedelta(hours=21)).strftime("%Y-%m-%dT%H:%M")
    await form.locator('input[name="start"]').fill(night_start)
    await form.locator('input[name="end"]').fill((day_start + timedelta(hours=22)).strftime("%Y-%m-%dT%H:%M"))
    await form.locator("button", has_text="Add override").click()

    refused = page.locator("#overrides")
    await expect(refused.locator('[role="alert"]')).to_contain_text(
        "Wang Qiang would be on duty at 朝阳区心理援助中心 and 海淀区心理援助中心 at once")
    await expect(refused.locator('select[name="counselor_id"]')).to_have_value("c2")
    await expect(refused.locator('input[name="start"]')).to_have_value(night_start)
    await refused.scroll_into_view_if_needed()
    await shot(page, f"-{width}-refused")
