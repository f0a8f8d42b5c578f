"""The reports page and the monthly file over real HTTP: figures, downloads, errors, roles."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.storage import rota_repo
from bot.storage.models import Conversation, FollowUp, Handoff
from tests.web.admin.conftest import Running, login

ROTA = Path(__file__).parent / "rota.yaml"
MONTHLY = "/admin/reports.csv?month=2026-03&station=hd"
ZH_BROWSER = {"Accept-Language": "zh-CN,zh;q=0.9"}
# The monthly file's English words: none of them may be left in the Chinese file.
MONTHLY_EN = ("Monthly report", "Handoffs per day", "Handoffs by risk level", "Follow-ups",
              "Residents' ratings", "Coverage against demand", "Outcome", "local time", "end excluded",
              "counts only", "escalations", "Imminent", "In 24 hours", "whole line", "March 2026")
MONTHLY_ZH = ("每日转人工数", "各危机等级的转人工数", "回访", "居民评分", "排班与需求对照", "紧急",
              "24 小时后", "全线", "2026年3月")
CATALOG_KEY = re.compile(r"\b(?:admin|level|followup|state|form|error)\.[a-z_]+\.?[a-z_0-9]*")


def assert_monthly_in(html: str, lang: str) -> None:
    """The monthly file is in `lang`: its words, not the other language's, and no catalog key shown."""
    assert f'<html lang="{lang}">' in html and not CATALOG_KEY.search(html), CATALOG_KEY.search(html)
    words, absent = (MONTHLY_ZH, MONTHLY_EN) if lang == "zh" else (MONTHLY_EN, MONTHLY_ZH)
    assert [w for w in words if w not in html] == [] and [w for w in absent if w in html] == []


@pytest.fixture
async def seeded(running: Running) -> Running:
    """The dashboard rota (hd: c1 days, c2 nights) and three handoffs on 2026-03-02 (Beijing)."""
    now = running.clock.now()
    await rota_repo.import_rota_file(running.server.container.uow, ROTA, now, by="test")
    async with running.server.container.uow() as uow:
        resident = await uow.residents.get_or_create("p-report", "web", now)
        conv = await uow.conversations.add(Conversation(resident_id=resident.id, channel="web",
                                                        chat_key="k", created_at=now, updated_at=now))
        taken = [Handoff(conversation_id=conv.id, state="closed", level=lvl, counselor_id="c1",
                         created_at=now - timedelta(minutes=30),
                         accepted_at=now - timedelta(minutes=30) + timedelta(seconds=s))
                 for lvl, s in (("imminent", 40), ("high", 90))]
        uow.session.add_all([*taken, Handoff(conversation_id=conv.id, state="offered", level="high",
                                             created_at=now - timedelta(minutes=1))])
        await uow.session.flush()
        # Already sent: an unsent one races the timer leader, which on PostgreSQL reads new timers
        # every 2 s and fires them by the real clock (the fake clock's 2026-03 is in the past), so
        # it was counted as overdue, not yet due or sent depending on the machine's speed.
        # Overdue and not-yet-due counting are tested without a server (test_reports_casework).
        uow.session.add(FollowUp(handoff_id=taken[0].id, counselor_id="c1", kind="24h",
                                 due_at=now - timedelta(minutes=5), done_at=now - timedelta(minutes=4)))
        await uow.commit()
    return running


async def test_the_page_shows_station_levels_accept_times_follow_ups_and_demand(
        seeded: Running, http: aiohttp.ClientSession) -> None:
    await login(http, seeded.base, "kim")

    async with http.get(seeded.base + "/admin/reports?from=2026-03-01&to=2026-03-07") as resp:
        body = await resp.text()

    assert resp.status == 200
    by_station = body.split('id="by-station"')[1].split("</section>")[0]
    assert "海淀区中心" in by_station and "not taken" in by_station
    assert '<th scope="row">High</th><td>1</td><td>1</td><td>2</td>' in by_station  # hd, not taken, total
    accept = body.split('id="accept-by-level"')[1].split("</section>")[0]
    assert '<th scope="row">Imminent</th><td>1</td><td>40 s</td><td>40 s</td>' in accept
    assert '<th scope="row">High</th><td>1</td><td>1 min 30 s</td><td>1 min 30 s</td>' in accept
    followups = body.split('id="followups"')[1].split("</section>")[0]
    assert "<th scope=\"row\">due in range</th><td>1</td>" in followups
    assert "<th scope=\"row\">sent</th><td>1</td>" in followups
    assert "<th scope=\"row\">overdue (not sent)</th><td>0</td>" in followups
    demand = body.split('id="coverage-demand"')[1].split("</section>")[0]
    assert "whole line" in demand and "朝阳区中心" in demand
    assert 'id="monthly"' in body and '<option value="hd"' in body


async def test_the_monthly_html_file_downloads_and_is_audited(seeded: Running,
                                                              http: aiohttp.ClientSession) -> None:
    await login(http, seeded.base, "kim")

    async with http.get(seeded.base + MONTHLY + "&file=html") as resp:
        body = await resp.text()

    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/html")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="hotline-hd-2026-03.html"'
    assert body.count("<svg") == 3 and "<script" not in body and "海淀区中心" in body
    async with seeded.server.container.uow() as uow:
        exports = [e for e in await uow.audit.all() if e.action == "export"]
    assert [(e.actor, e.detail) for e in exports] == [
        ("k1", {"month": "2026-03", "station": "hd", "file": "html"})]


async def test_the_monthly_html_file_speaks_the_pages_language(seeded: Running,
                                                              http: aiohttp.ClientSession) -> None:
    await login(http, seeded.base, "kim")

    async with http.get(seeded.base + MONTHLY + "&file=html", headers=ZH_BROWSER) as resp:
        zh = await resp.text()
    async with http.get(seeded.base + MONTHLY + "&file=html") as resp:  # the session's English browser
        en = await resp.text()
    async with http.get(seeded.base + MONTHLY + "&file=csv", headers=ZH_BROWSER) as resp:
        rows = list(csv.reader(io.StringIO(await resp.text())))

    assert_monthly_in(zh, "zh")
    assert_monthly_in(en, "en")
    assert zh.count("<svg") == 3
    assert '<th>紧急</th><td class="n">1</td><td class="n">1</td><td class="n">40 秒</td>' in zh
    assert ["handoffs_by_level", "imminent", "1"] in rows and ["followups_by_kind", "24h/due", "1"] in rows


async def test_the_monthly_csv_carries_the_station_figures(seeded: Running,
                                                           http: aiohttp.ClientSession) -> None:
    await login(http, seeded.base, "ada")

    async with http.get(seeded.base + MONTHLY + "&file=csv") as resp:
        rows = list(csv.reader(io.StringIO(await resp.text())))

    assert resp.headers["Content-Disposition"] == 'attachment; filename="hotline-hd-2026-03.csv"'
    assert ["handoffs", "total", "2"] in rows  # the untaken one belongs to no station
    assert ["time_to_accept_s_high", "p95", "90.0"] in rows
    assert ["followups", "due", "1"] in rows and ["followups", "sent", "1"] in rows


async def test_the_range_csv_gains_the_new_sections(seeded: Running, http: aiohttp.ClientSession) -> None:
    await login(http, seeded.base, "kim")

    async with http.get(seeded.base + "/admin/reports.csv?from=2026-03-01&to=2026-03-07") as resp:
        rows = list(csv.reader(io.StringIO(await resp.text())))

    assert ["handoffs_by_level_station", "high/not taken", "1"] in rows
    assert ["time_to_accept_s_imminent", "p50", "40.0"] in rows
    assert ["coverage_needed_h", "line", "168.0"] in rows  # every hour of 7 days (zh and en at once)


@pytest.mark.parametrize(("query", "field", "says"), [
    ("month=2026-13&station=hd", "Month", "write YYYY-MM, e.g. 2026-03"),
    ("month=march&station=hd", "Month", "write YYYY-MM, e.g. 2026-03"),
    ("month=2026-03&station=zz", "Station", "stations are cy, hd"),
])
async def test_a_bad_month_or_station_comes_back_beside_the_form(
        seeded: Running, http: aiohttp.ClientSession, query: str, field: str, says: str) -> None:
    await login(http, seeded.base, "kim")

    async with http.get(f"{seeded.base}/admin/reports.csv?{query}&file=html") as resp:
        body = await resp.text()

    assert resp.status == 400 and resp.headers["Content-Type"].startswith("text/html")
    error = body.split('id="monthly-error"')[1].split("</span>")[0]
    assert f"{field}: " in error and says in error
    assert 'aria-invalid="true" aria-describedby="monthly-error"' in body.split('id="monthly"')[1]
    async with seeded.server.container.uow() as uow:
        assert not [e for e in await uow.audit.all() if e.action == "export"]


@pytest.mark.parametrize("path", ["/admin/reports", MONTHLY + "&file=html", MONTHLY + "&file=csv"])
async def test_a_counselor_gets_403_and_nobody_logged_in_goes_to_login(
        seeded: Running, http: aiohttp.ClientSession, path: str) -> None:
    async with http.get(seeded.base + path, allow_redirects=False) as resp:
        assert resp.status == 302 and resp.headers["Location"].startswith("/login")
    await login(http, seeded.base, "chen")

    async with http.get(seeded.base + path, allow_redirects=False) as resp:
        body = await resp.text()

    assert resp.status == 403 and "<svg" not in body and "海淀" not in body
