"""The rota page: week and month calendars with gaps, swaps approved or declined, overrides,
leave; every change audited in the same transaction."""

from __future__ import annotations

import re
from datetime import datetime

import aiohttp
import pytest

from bot.web.admin.common import LOCAL
from tests.web.admin.conftest import Running, login
from tests.web.admin.memory_rota import MemoryRota

NAMES = {"c1": "Counselor Chen", "c2": "Counselor Li", "k1": "Coordinator Kim"}
TUESDAY_10 = datetime(2026, 3, 3, 10, 0, tzinfo=LOCAL)


@pytest.fixture
def rota(running: Running) -> MemoryRota:
    r = MemoryRota(dict(NAMES))
    running.server.container.extras["admin_rota"] = r
    return r


def cell(body: str, at: datetime) -> str:
    found = re.search(rf'<td class="slot[^"]*" data-at="{re.escape(at.isoformat())}">(.*?)</td>', body)
    assert found, f"no calendar cell for {at}"
    return found.group(0)


async def audit(run: Running) -> list[tuple[str, str, str]]:
    async with run.server.container.uow() as uow:
        return [(e.actor, e.action, e.object) for e in await uow.audit.all() if e.action.startswith("rota.")]


async def test_week_view_shows_who_is_on_duty_each_hour(running: Running, rota: MemoryRota,
                                                        http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.get(running.base + "/admin/rota?date=2026-03-03") as resp:
        body = await resp.text()
    assert resp.status == 200
    assert "Counselor Chen" in cell(body, TUESDAY_10)
    assert "Counselor Li" in cell(body, TUESDAY_10.replace(hour=22))


async def test_leave_without_cover_shows_as_a_gap(running: Running, rota: MemoryRota,
                                                  http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "kim")

    async with http.post(running.base + "/admin/rota/leave", data={
            "csrf_token": token, "counselor_id": "c1", "start": "2026-03-03T08:00",
            "end": "2026-03-03T20:00", "back": "/admin/rota?date=2026-03-03"}) as resp:
        body = await resp.text()

    assert "Leave saved." in body
    assert 'class="slot gap"' in cell(body, TUESDAY_10)
    assert ("k1", "rota.leave", "leave:1") in await audit(running)


async def test_approving_a_swap_puts_the_other_person_on_the_calendar(
        running: Running, rota: MemoryRota, http: aiohttp.ClientSession) -> None:
    sid = rota.request_swap("c1", "k1", TUESDAY_10.replace(hour=8), TUESDAY_10.replace(hour=20))
    token = await login(http, running.base, "kim")
    async with http.get(running.base + "/admin/rota?date=2026-03-03") as resp:
        before = await resp.text()
    assert f'id="swap-{sid}"' in before

    async with http.post(running.base + f"/admin/rota/swaps/{sid}/approve",
                         data={"csrf_token": token, "back": "/admin/rota?date=2026-03-03"}) as resp:
        after = await resp.text()

    assert "Counselor Chen" in cell(before, TUESDAY_10)
    assert "Coordinator Kim" in cell(after, TUESDAY_10) and "Counselor Chen" not in cell(after, TUESDAY_10)
    assert f'id="swap-{sid}"' not in after
    assert ("k1", "rota.swap_approve", f"swap:{sid}") in await audit(running)


async def test_a_declined_swap_leaves_the_calendar_as_it_was(running: Running, rota: MemoryRota,
                                                             http: aiohttp.ClientSession) -> None:
    sid = rota.request_swap("c1", "k1", TUESDAY_10.replace(hour=8), TUESDAY_10.replace(hour=20))
    token = await login(http, running.base, "kim")

    async with http.post(running.base + f"/admin/rota/swaps/{sid}/decline",
                         data={"csrf_token": token, "back": "/admin/rota?date=2026-03-03"}) as resp:
        body = await resp.text()

    assert "Swap declined." in body and "Counselor Chen" in cell(body, TUESDAY_10)


async def test_deciding_a_swap_twice_is_a_clear_conflict(running: Running, rota: MemoryRota,
                                                         http: aiohttp.ClientSession) -> None:
    sid = rota.request_swap("c1", "k1", TUESDAY_10, TUESDAY_10.replace(hour=12))
    token = await login(http, running.base, "kim")
    await http.post(running.base + f"/admin/rota/swaps/{sid}/approve", data={"csrf_token": token})

    async with http.post(running.base + f"/admin/rota/swaps/{sid}/decline",
                         data={"csrf_token": token}) as resp:
        assert resp.status == 409
        assert "no longer waiting" in await resp.text()
    assert len(await audit(running)) == 1


async def test_a_coordinator_swaps_on_someones_behalf(running: Running, rota: MemoryRota,
                                                      http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "kim")

    async with http.post(running.base + "/admin/rota/swaps", data={
            "csrf_token": token, "requester": "c2", "other": "k1", "station": "hd",
            "start": "2026-03-03T20:00", "end": "2026-03-04T08:00",
            "back": "/admin/rota?date=2026-03-03"}) as resp:
        body = await resp.text()

    assert "Coordinator Kim" in cell(body, TUESDAY_10.replace(hour=22))
    assert [a[1] for a in await audit(running)] == ["rota.swap_approve"]


async def test_an_override_is_added_and_deleted(running: Running, rota: MemoryRota,
                                                http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "kim")
    form = {"csrf_token": token, "counselor_id": "k1", "station": "hd", "start": "2026-03-03T09:00",
            "end": "2026-03-03T11:00", "back": "/admin/rota?date=2026-03-03"}

    async with http.post(running.base + "/admin/rota/overrides", data=form) as resp:
        added = await resp.text()
    async with http.post(running.base + "/admin/rota/overrides/1/delete",
                         data={"csrf_token": token, "back": "/admin/rota?date=2026-03-03"}) as resp:
        removed = await resp.text()

    assert 'layer-override" data-counselor="k1"' in cell(added, TUESDAY_10)
    assert "Coordinator Kim" not in cell(removed, TUESDAY_10)
    assert [a[1:] for a in await audit(running)] == [("rota.override", "override:1"),
                                                      ("rota.override_delete", "override:1")]


async def test_an_override_that_ends_before_it_starts_is_refused(
        running: Running, rota: MemoryRota, http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "kim")
    async with http.post(running.base + "/admin/rota/overrides", data={
            "csrf_token": token, "counselor_id": "k1", "station": "hd",
            "start": "2026-03-03T11:00", "end": "2026-03-03T09:00"}) as resp:
        assert resp.status == 400
    assert await audit(running) == []


async def test_month_view_marks_days_with_gaps(running: Running, rota: MemoryRota,
                                               http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "kim")
    await http.post(running.base + "/admin/rota/leave", data={
        "csrf_token": token, "counselor_id": "c2", "start": "2026-03-10T20:00", "end": "2026-03-11T08:00"})

    async with http.get(running.base + "/admin/rota?view=month&date=2026-03-10") as resp:
        body = await resp.text()

    assert 'class="calendar month"' in body
    assert re.search(r'<td class="day gap" data-day="2026-03-10">', body)
    assert re.search(r'<td class="day gap" data-day="2026-03-11">', body)
    assert re.search(r'<td class="day" data-day="2026-03-12">', body)


async def test_station_filter_shows_only_that_station(running: Running, rota: MemoryRota,
                                                      http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.get(running.base + "/admin/rota?date=2026-03-03&station=cy") as resp:
        body = await resp.text()
    assert "Counselor Chen" not in cell(body, TUESDAY_10)


async def test_a_counselor_cannot_approve_a_swap(running: Running, rota: MemoryRota,
                                                 http: aiohttp.ClientSession) -> None:
    sid = rota.request_swap("c1", "k1", TUESDAY_10, TUESDAY_10.replace(hour=12))
    token = await login(http, running.base, "chen")
    async with http.post(running.base + f"/admin/rota/swaps/{sid}/approve",
                         data={"csrf_token": token}, allow_redirects=False) as resp:
        assert resp.status == 403
    assert rota.swaps_[sid].state == "accepted"


async def test_reports_count_scheduled_hours_per_station(running: Running, rota: MemoryRota,
                                                         http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.get(running.base + "/admin/reports.csv?from=2026-03-02&to=2026-03-08") as resp:
        body = await resp.text()
    assert "coverage_hours,hd,168.0" in body  # two 12-hour shifts a day for a week
