"""/admin/kb over real HTTP (SQLite and PostgreSQL): entries by review state with their sources,
the state filter, the feedback report from stored ratings and fallbacks, roles and languages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.storage.models import Feedback
from bot.web.admin import kb_pages
from knowledge_base.loading import read_entries
from tests.fakes.clock import FakeClock
from tests.web.admin.conftest import Running, login, start_server

ZH_BROWSER = {"Accept-Language": "zh-CN,zh;q=0.9"}
CATALOG_KEY = re.compile(r"\b(?:admin\.kb|admin\.tab|kb_state)\.[a-z_]+")


@pytest.fixture
async def running(db_url: str, tmp_path: Path) -> AsyncIterator[Running]:
    run = await start_server(db_url, tmp_path, FakeClock())
    yield run
    await run.server.stop()


async def seed_feedback(run: Running) -> None:
    now = run.clock.now()
    rows = [("answer", "sleep-001", -1), ("answer", "sleep-001", -1), ("answer_miss", "sleep-001", -1),
            ("answer", "sleep-001", 1), ("answer", "panic-001", -1), ("answer", "grief-001", 1),
            ("fallback", "loneliness", 0), ("fallback", "loneliness", 0), ("fallback", "", 0),
            ("counselor", "h1", -1)]  # a counselor's rating is not about an entry
    old = ("answer", "anger-001", -1)  # before the report's window
    async with run.server.container.uow() as uow:
        uow.session.add_all([Feedback(conversation_id=None, kind=k, subject=s, value=v, at=now)
                             for k, s, v in rows])
        uow.session.add(Feedback(conversation_id=None, kind=old[0], subject=old[1], value=old[2],
                                 at=now - timedelta(days=kb_pages.FEEDBACK_DAYS + 5)))
        await uow.commit()


def table(html: str, table_id: str) -> str:
    found = re.search(rf'<table class="grid" id="{table_id}">(.*?)</table>', html, re.S)
    assert found, table_id
    return found.group(1)


async def test_coordinator_sees_every_entry_by_state_with_sources(running: Running) -> None:
    items, _ = read_entries()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                     headers={"Accept-Language": "en"}) as http:
        await login(http, running.base, "kim")
        async with http.get(f"{running.base}/admin/kb") as resp:
            assert resp.status == 200
            html = await resp.text()
        async with http.get(f"{running.base}/admin/kb?state=published") as resp:
            published = await resp.text()

    rows = re.findall(r'<tr data-entry="([^"]+)" data-state="([^"]+)">', table(html, "kb-entries"))
    assert sorted(e for e, _ in rows) == sorted(i.entry.id for i in items)
    assert {s for _, s in rows} == {i.entry.review.status for i in items}
    first = next(i.entry for i in items if i.entry.id == "grief-001")
    assert all(s in html for s in first.sources) and first.en.title in html
    assert f"{len(items)} entries, {len(items)} due for review" in html  # none clinically reviewed yet
    assert "hotline kb review --record" in html
    # Nothing is published yet: the filter shows an empty table, not every entry.
    assert "No entry in this state." in table(published, "kb-entries")
    assert 'data-entry="grief-001"' not in published


async def test_feedback_report_lists_entries_rated_down_and_where_the_bot_was_unsure(
        running: Running) -> None:
    await seed_feedback(running)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                     headers={"Accept-Language": "en"}) as http:
        await login(http, running.base, "kim")
        async with http.get(f"{running.base}/admin/kb") as resp:
            html = await resp.text()

    down = re.findall(r'<tr data-entry="([^"]+)"><td>.*?</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>',
                      table(html, "kb-rated-down"))
    assert down == [("sleep-001", "1", "2", "1"), ("panic-001", "0", "1", "0")]  # anger-001 is too old
    gaps = re.findall(r'<tr data-topic="([^"]*)"><td>.*?</td><td>(\d+)</td>', table(html, "kb-gaps"))
    assert gaps == [("loneliness", "2"), ("", "1")]


async def test_the_page_speaks_chinese_and_is_closed_to_counselors(running: Running) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers=ZH_BROWSER) as http:
        await login(http, running.base, "kim")
        async with http.get(f"{running.base}/admin/kb") as resp:
            html = await resp.text()
    assert "知识库内容与审核" in html and "项目已审（待临床审核）" in html and "审核状态" in html
    assert not CATALOG_KEY.search(html), CATALOG_KEY.search(html)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await login(http, running.base, "chen")
        async with http.get(f"{running.base}/admin/kb", allow_redirects=False) as resp:
            assert resp.status == 403
