"""Every staff page in Chinese (issue 17 item 10): rendered over real HTTP for a browser that
asks for Chinese, with the demo-like rota of rota.yaml, no page shows a catalog key (a missing
translation) or a raw code from the database (a state, a level, a shift layer, a station id)."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from bot.storage import rota_repo
from tests.web.admin.conftest import Running, login
from tests.web.admin.test_pages import open_handoffs
from tests.web.test_staff_text import ZH, visible

ROTA_FILE = Path(__file__).parent / "rota.yaml"
# Codes staff must never read raw (issue 17 item 10), and the catalog's own keys. (A rotation's id,
# "hd-main", may show: it is the name a coordinator typed in the rotation form's ID field.)
RAW_CODES = ("leave_cover", "offered", "requested", "imminent", "fallback", "bj-city", "hd", "cy",
             "self_help", "with_counselor", "safety_plan", "no_response", "resident_left")
_CATALOG_KEY = re.compile(r"\b(?:common|console|admin|login|error|page|password|shifts|state|level|layer|"
                          r"swap|role|outcome|safety|followup|note|sender|reason|lang|audit|rota_action|feedback)"
                          r"\.[a-z_][a-z_0-9.-]*")
ZH_PAGES = (  # (who logs in, the pages they read): coordinator pages as Kim, accounts as the admin
    ("kim", ("/console", "/admin", "/admin/rota", "/admin/rota?view=month", "/admin/rota/rotations",
             "/admin/rota/rotations/hd-main", "/admin/counselors", "/admin/board", "/admin/board/assign/2",
             "/admin/rota?date=2026-03-03", "/admin/rota?date=2026-03-03&view=month&station=hd",
             "/admin/reports")),
    ("ada", ("/admin/users", "/admin/users/c1", "/admin/audit")),
    (None, ("/login", "/password")))


async def test_every_staff_page_in_chinese_has_no_catalog_key_or_raw_code(running: Running) -> None:
    """Each page over real HTTP with a Chinese browser and no language chosen before."""
    await rota_repo.import_rota_file(running.server.container.uow, ROTA_FILE, running.clock.now(), by="test")
    await open_handoffs(running)  # offered high and imminent chats, one active medium
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers=ZH) as http:
        token = await login(http, running.base, "kim")  # leave someone covers, and a conflict
        span = {"csrf_token": token, "start": "2026-03-03T08:00", "end": "2026-03-03T20:00"}
        await http.post(running.base + "/admin/rota/leave", data={**span, "counselor_id": "c1"})
        await http.post(running.base + "/admin/rota/overrides", data={
            **span, "counselor_id": "k1", "station": "cy", "start": "2026-03-03T09:00"})
    for who, pages in ZH_PAGES:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers=ZH) as http:
            if who:
                await login(http, running.base, who)
            for path in pages:
                async with http.get(running.base + path) as resp:
                    assert resp.status == 200, path
                    html = await resp.text()
                assert '<html lang="zh">' in html, path
                words = visible(html)
                assert not _CATALOG_KEY.findall(words), (path, _CATALOG_KEY.findall(words)[:5])
                raw = [c for c in RAW_CODES if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", words)]
                # The audit trail is the record itself: objects and details as stored (ids included).
                assert raw == [] or path == "/admin/audit", (path, raw)
                assert re.search(r"[\u4e00-\u9fff]", words), path


async def test_a_refused_form_says_why_in_chinese(running: Running) -> None:
    await rota_repo.import_rota_file(running.server.container.uow, ROTA_FILE, running.clock.now(), by="test")
    await open_handoffs(running)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers=ZH) as http:
        token = await login(http, running.base, "kim")
        async with http.post(running.base + "/admin/rota/leave", data={
                "csrf_token": token, "counselor_id": "c1", "start": "2026-03-03T20:00",
                "end": "2026-03-03T08:00"}) as resp:
            leave = await resp.text()
        async with http.post(running.base + "/admin/board/assign/2", data={
                "csrf_token": token, "to": "", "note": "", "version": "0"}) as resp:
            assign = await resp.text()
    assert "结束时间必须晚于开始时间。" in leave and "The end must be after the start." not in leave
    assert "请选择由谁接手这个对话。" in assign
