"""Leave a counselor asked for in the console waits on /admin/rota for a coordinator (issue 17
item 5): listed beside the calendar with Approve and Decline, and the verdict's notice shown back."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from bot.storage import rota_repo
from tests.web.admin.conftest import Running, login
from tests.web.test_staff_text import ZH

ROTA_FILE = Path(__file__).parent / "rota.yaml"


async def test_a_leave_request_waits_on_the_rota_page_until_a_coordinator_approves_it(
        running: Running, http: aiohttp.ClientSession) -> None:
    await rota_repo.import_rota_file(running.server.container.uow, ROTA_FILE, running.clock.now(), by="test")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as chen:
        token = await login(chen, running.base, "chen")
        async with chen.post(running.base + "/console/shifts/leave", allow_redirects=False, data={
                "csrf_token": token, "start": "2026-03-10", "end": "2026-03-11", "reason": "family"}) as resp:
            assert resp.status == 303
    kim_token = await login(http, running.base, "kim")

    async with http.get(running.base + "/admin/rota?date=2026-03-10") as resp:
        waiting = (await resp.text()).split('id="leave-requests"')[1].split("</section>")[0]
    approve = re.search(r'action="(/admin/rota/leave-requests/[^/"]+/approve)"', waiting)
    assert approve and "Leave requests (1)" in waiting
    assert "Counselor Chen" in waiting and "(family)" in waiting
    async with http.post(running.base + approve.group(1), allow_redirects=False,
                         data={"csrf_token": kim_token, "back": "/admin/rota?date=2026-03-10"}) as resp:
        where = resp.headers["Location"]
    async with http.get(running.base + where) as resp:
        after = await resp.text()
    async with http.get(running.base + where, headers=ZH) as resp:
        after_zh = await resp.text()

    assert "done=leave-request-approve" in where
    assert "Leave approved: it is in the rota." in after
    assert "None waiting." in after.split('id="leave-requests"')[1].split("</section>")[0]
    assert "请假已批准，已写入排班表。" in after_zh
