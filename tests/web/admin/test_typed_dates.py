"""Dashboard fields read typed times through scheduling.when, over real HTTP: dates work, bad values are a 400
that names the field and the accepted forms, and nothing is stored."""

from __future__ import annotations

from datetime import datetime
from html import unescape
from pathlib import Path

import aiohttp
import pytest

from bot.storage import rota_repo
from bot.web.admin.common import LOCAL
from scheduling.when import ACCEPTED
from tests.web.admin.conftest import Running, login

ROTA = Path(__file__).parent / "rota.yaml"


@pytest.fixture
async def rota(running: Running) -> Running:
    await rota_repo.import_rota_file(running.server.container.uow, ROTA, running.clock.now(), by="test")
    return running


@pytest.mark.parametrize(("end", "ends_at"), [
    ("2026-03-04 08:00", datetime(2026, 3, 4, 8, tzinfo=LOCAL)),
    ("2026-03-04", datetime(2026, 3, 5, tzinfo=LOCAL)),  # a date alone as the end: the whole day
])
async def test_leave_posted_as_plain_dates_starts_at_local_midnight(
        rota: Running, http: aiohttp.ClientSession, end: str, ends_at: datetime) -> None:
    token = await login(http, rota.base, "kim")
    async with http.post(rota.base + "/admin/rota/leave", data={
            "csrf_token": token, "counselor_id": "c1", "start": "2026-03-03", "end": end,
            "back": "/admin/rota?date=2026-03-03"}) as resp:
        assert resp.status == 200, await resp.text()
    async with rota.server.container.uow() as uow:
        (leave,) = (await rota_repo.load_rota(uow.session)).leave
    assert leave.start == datetime(2026, 3, 3, tzinfo=LOCAL)
    assert leave.end == ends_at


@pytest.mark.parametrize("start", ["0001-01-01T00:00", "9999-12-31T23:59", "03/03/2026 08:00"])
async def test_a_bad_time_in_a_form_is_a_400_naming_the_forms(rota: Running, http: aiohttp.ClientSession,
                                                              start: str) -> None:
    token = await login(http, rota.base, "kim")
    async with http.post(rota.base + "/admin/rota/overrides", data={
            "csrf_token": token, "counselor_id": "k1", "station": "hd",
            "start": start, "end": "2026-03-03T09:00"}) as resp:
        assert resp.status == 400
        assert ACCEPTED in unescape(await resp.text())  # error pages are HTML
    async with rota.server.container.uow() as uow:
        assert (await rota_repo.load_rota(uow.session)).overrides == ()


async def test_report_range_takes_today_and_refuses_a_bad_date_by_field(running: Running,
                                                                       http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.get(running.base + "/admin/reports?from=2026-02-01&to=today") as resp:
        assert resp.status == 200
    async with http.get(running.base + "/admin/reports?from=2026-02-01&to=1-2-3") as resp:
        assert resp.status == 400
        body = unescape(await resp.text())
    assert "To: '1-2-3'" in body and ACCEPTED in body


async def test_rota_page_with_a_bad_date_is_a_400(rota: Running, http: aiohttp.ClientSession) -> None:
    await login(http, rota.base, "kim")
    async with http.get(rota.base + "/admin/rota?date=2026-13-01") as resp:
        assert resp.status == 400
        assert ACCEPTED in unescape(await resp.text())  # error pages are HTML
