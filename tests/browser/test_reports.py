"""A coordinator reads the reports page (handoffs by station, accept times per level, follow-ups,
coverage against demand), is told in place when a month is wrong, and downloads a station's monthly
report, which opens on its own (no server) with its charts. At 1280 and 1024 px."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from bot.server import Server
from bot.storage import rota_repo
from bot.storage.models import Conversation, FollowUp, Handoff
from bot.web.admin.common import LOCAL
from tests.browser.conftest import SHOTS, Shots, desk, staff_login, url
from tests.web.conftest import PASSWORDS

pytestmark = pytest.mark.browser
ROTA = """
stations: [{id: hd, name: 海淀区心理援助中心, level: district}, {id: cy, name: 朝阳区中心, level: district}]
counselors:
  - {id: c1, name: Li Na, languages: [zh, en], station: hd, roles: [counselor], web_login: li}
  - {id: c2, name: Wang Qiang, languages: [zh], station: cy, roles: [counselor], web_login: wang}
  - {id: k1, name: Zhao Min, languages: [zh, en], station: hd, roles: [coordinator, counselor],
     web_login: zhao}
rotations:
  - {id: hd-main, station: hd, members: [c1, k1], shift: 12h, start: "2026-01-05T08:00:00+08:00"}
  - {id: cy-day, station: cy, members: [c2], shift: 1d, start: "2026-01-05T00:00:00+08:00",
     hours: ["09:00-21:00"]}
"""


async def seed(site: Server, tmp_path: Path, first: datetime) -> None:
    """The rota, and handoffs of three levels at two stations early in this local month."""
    (tmp_path / "rota.yaml").write_text(ROTA, encoding="utf-8")
    now = site.container.clock.now()
    await rota_repo.import_rota_file(site.container.uow, tmp_path / "rota.yaml", now, by="test")
    async with site.container.uow() as uow:
        resident = await uow.residents.get_or_create("p-browser", "web", now)
        conv = await uow.conversations.add(Conversation(resident_id=resident.id, channel="web",
                                                        chat_key="k", created_at=first, updated_at=first))
        rows = [("imminent", "c1", 35), ("imminent", "c1", 70), ("high", "c1", 100), ("high", "c2", 240),
                ("medium", "c2", 800), ("high", None, None)]
        handoffs = [Handoff(conversation_id=conv.id, level=lvl, counselor_id=who,
                            state="closed" if who else "fallback", step=0 if who else 4,
                            created_at=first + timedelta(hours=10 + i),
                            accepted_at=None if wait is None
                            else first + timedelta(hours=10 + i, seconds=wait))
                    for i, (lvl, who, wait) in enumerate(rows)]
        uow.session.add_all(handoffs)
        await uow.session.flush()
        uow.session.add(FollowUp(handoff_id=handoffs[0].id, counselor_id="c1", kind="24h",
                                 due_at=first + timedelta(days=1), done_at=first + timedelta(days=1)))
        await uow.commit()


@pytest.mark.parametrize("width", [1280, 1024])
async def test_a_coordinator_reads_the_reports_and_downloads_a_monthly_report(
        site: Server, browser: Browser, shot: Shots, tmp_path: Path, width: int) -> None:
    today = datetime.now(LOCAL).date()
    first = datetime.combine(today.replace(day=1), datetime.min.time(), LOCAL)
    await seed(site, tmp_path, first)
    page = await desk(browser)
    await page.set_viewport_size({"width": width, "height": 900})
    await staff_login(page, site, "zhao", PASSWORDS["zhao"])
    await page.goto(url(site, f"/admin/reports?from={first.date().isoformat()}&to={today.isoformat()}"))

    by_station = page.locator("#by-station")
    await expect(by_station).to_contain_text("海淀区心理援助中心")
    await expect(by_station.locator("tr", has_text="imminent")).to_contain_text("2")
    await expect(page.locator("#accept-by-level tr", has_text="medium")).to_contain_text("13 min 20 s")
    await by_station.scroll_into_view_if_needed()
    await shot(page, "-tables")
    await page.locator("#coverage-demand").scroll_into_view_if_needed()
    await shot(page, "-demand")

    # The error path: a month that does not exist comes back beside the form, nothing downloaded.
    await page.goto(url(site, "/admin/reports.csv?month=2026-13&station=hd&file=html"))
    await expect(page.locator("#monthly-error")).to_contain_text("write YYYY-MM")
    await expect(page.locator('#monthly input[name="month"]')).to_have_attribute("aria-invalid", "true")
    await shot(page, "-bad-month")

    await page.locator('#monthly input[name="month"]').fill(today.strftime("%Y-%m"))
    await page.locator('#monthly select[name="station"]').select_option("hd")
    async with page.expect_download() as got:
        await page.locator("#monthly button", has_text="Monthly report (HTML)").click()
    download = await got.value
    assert download.suggested_filename == f"hotline-hd-{today:%Y-%m}.html"
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)

    report = await desk(browser)
    await report.set_viewport_size({"width": width, "height": 900})
    await report.goto(saved.as_uri())  # a file on its own: no server, nothing fetched
    await expect(report.locator("h1")).to_contain_text("海淀区心理援助中心")
    await expect(report.locator("svg.chart")).to_have_count(3)
    await expect(report.locator("#levels tr", has_text="imminent")).to_contain_text("1 min 10 s")
    await expect(report.locator("#followups tr", has_text="sent, no reply")).to_contain_text("1")
    SHOTS.mkdir(parents=True, exist_ok=True)
    await report.screenshot(path=str(SHOTS / f"{shot.name}-monthly.png"), full_page=True)
