"""The dashboard over the real rota (scheduling + its tables) on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest

from bot.storage import rota_repo
from bot.web.admin.common import LOCAL
from tests.web.admin.conftest import Running, login

ROTA = Path(__file__).parent / "rota.yaml"
TUESDAY_10 = datetime(2026, 3, 3, 10, 0, tzinfo=LOCAL)


@pytest.fixture
async def rota(running: Running) -> Running:
    await rota_repo.import_rota_file(running.server.container.uow, ROTA, running.clock.now(), by="test")
    return running


def cell(body: str, at: datetime) -> str:
    found = re.search(rf'<td class="slot[^"]*" data-at="{re.escape(at.isoformat())}">(.*?)</td>', body)
    assert found, f"no calendar cell for {at}"
    return found.group(0)


async def request_accepted_swap(run: Running) -> str:
    async with run.server.container.uow() as uow:
        sid = await rota_repo.request_swap(uow.session, "c1", "k1", "hd", TUESDAY_10.replace(hour=8),
                                           TUESDAY_10.replace(hour=20), run.clock.now())
        await rota_repo.accept_swap(uow.session, sid, "k1")
        await uow.commit()
    return sid


async def test_approving_a_stored_swap_changes_the_calendar_and_is_audited(
        rota: Running, http: aiohttp.ClientSession) -> None:
    sid = await request_accepted_swap(rota)
    token = await login(http, rota.base, "kim")
    async with http.get(rota.base + "/admin/rota?date=2026-03-03") as resp:
        before = await resp.text()

    async with http.post(rota.base + f"/admin/rota/swaps/{sid}/approve",
                         data={"csrf_token": token, "back": "/admin/rota?date=2026-03-03"}) as resp:
        after = await resp.text()

    assert "Counselor Chen" in cell(before, TUESDAY_10)
    assert 'layer-swap" data-counselor="k1"' in cell(after, TUESDAY_10)
    assert "Counselor Chen" not in cell(after, TUESDAY_10)
    async with rota.server.container.uow() as uow:
        entries = [(e.actor, e.action, e.object) for e in await uow.audit.all()]
        stored = await rota_repo.load_rota(uow.session)
    assert ("k1", "rota.swap_approve", f"swap:{sid}") in entries
    assert stored.swaps[0].state == "approved" and stored.swaps[0].decided_by == "k1"


async def test_leave_is_covered_by_the_next_member_and_a_gap_when_nobody_can(
        rota: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")
    leave = {"csrf_token": token, "start": "2026-03-03T08:00", "end": "2026-03-03T20:00",
             "back": "/admin/rota?date=2026-03-03"}

    async with http.post(rota.base + "/admin/rota/leave", data={**leave, "counselor_id": "c1"}) as resp:
        covered = await resp.text()
    async with http.post(rota.base + "/admin/rota/leave", data={**leave, "counselor_id": "c2"}) as resp:
        uncovered = await resp.text()

    assert 'layer-leave_cover" data-counselor="c2"' in cell(covered, TUESDAY_10)
    assert 'class="slot gap"' in cell(uncovered, TUESDAY_10)
    assert 'id="gaps"><h2>Coverage gaps (2)' in uncovered  # one per language the demand profile checks


async def test_an_override_is_stored_shown_and_removed(rota: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")
    await http.post(rota.base + "/admin/rota/overrides", data={
        "csrf_token": token, "counselor_id": "k1", "station": "hd", "start": "2026-03-03T09:00",
        "end": "2026-03-03T11:00"})
    async with rota.server.container.uow() as uow:
        (ov,) = (await rota_repo.load_rota(uow.session)).overrides
    async with http.get(rota.base + "/admin/rota?date=2026-03-03") as resp:
        shown = await resp.text()

    async with http.post(rota.base + f"/admin/rota/overrides/{ov.id}/delete",
                         data={"csrf_token": token, "back": "/admin/rota?date=2026-03-03"}) as resp:
        removed = await resp.text()

    assert 'layer-override" data-counselor="k1"' in cell(shown, TUESDAY_10)
    assert "Coordinator Kim" not in cell(removed, TUESDAY_10)


async def test_the_rota_refuses_an_unknown_station_with_a_clear_409(
        rota: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")
    async with http.post(rota.base + "/admin/rota/overrides", data={
            "csrf_token": token, "counselor_id": "k1", "station": "nowhere", "start": "2026-03-03T09:00",
            "end": "2026-03-03T11:00"}) as resp:
        assert resp.status == 409
        assert "unknown station" in await resp.text()


async def test_a_swap_on_someones_behalf_is_stored_approved(rota: Running,
                                                            http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")
    async with http.post(rota.base + "/admin/rota/swaps", data={
            "csrf_token": token, "requester": "c2", "other": "k1", "station": "hd",
            "start": "2026-03-03T20:00", "end": "2026-03-04T08:00",
            "back": "/admin/rota?date=2026-03-03"}) as resp:
        body = await resp.text()
    assert "Coordinator Kim" in cell(body, TUESDAY_10.replace(hour=22))


async def test_month_view_and_report_coverage_come_from_the_stored_rota(
        rota: Running, http: aiohttp.ClientSession) -> None:
    await login(http, rota.base, "kim")
    async with http.get(rota.base + "/admin/rota?view=month&date=2026-03-10") as resp:
        month = await resp.text()
    async with http.get(rota.base + "/admin/reports.csv?from=2026-03-02&to=2026-03-08") as resp:
        report = await resp.text()
    assert "08:00–20:00 海淀区中心 Counselor Chen" in month  # the station by name
    assert "coverage_hours,hd,168.0" in report


async def test_no_rota_yet_says_how_to_import_one(running: Running, http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.get(running.base + "/admin/rota") as resp:
        body = await resp.text()
    assert resp.status == 200 and "hotline rota import" in body


async def test_overview_names_who_is_on_duty_now(rota: Running, http: aiohttp.ClientSession) -> None:
    await login(http, rota.base, "kim")  # the clock says Monday 09:00 in Beijing: Chen's day shift
    async with http.get(rota.base + "/admin") as resp:
        body = await resp.text()
    on_duty = body.split('id="on-duty">')[1].split("</ul>")[0]
    assert "Counselor Chen" in on_duty and "until 03-02 20:00" in on_duty


async def test_a_declined_swap_leaves_the_calendar_as_it_was(rota: Running,
                                                             http: aiohttp.ClientSession) -> None:
    sid = await request_accepted_swap(rota)
    token = await login(http, rota.base, "kim")

    async with http.post(rota.base + f"/admin/rota/swaps/{sid}/decline",
                         data={"csrf_token": token, "back": "/admin/rota?date=2026-03-03"}) as resp:
        body = await resp.text()

    assert "Swap declined." in body and "Counselor Chen" in cell(body, TUESDAY_10)


async def test_deciding_a_swap_twice_is_a_clear_conflict(rota: Running, http: aiohttp.ClientSession) -> None:
    sid = await request_accepted_swap(rota)
    token = await login(http, rota.base, "kim")
    await http.post(rota.base + f"/admin/rota/swaps/{sid}/approve", data={"csrf_token": token})

    async with http.post(rota.base + f"/admin/rota/swaps/{sid}/decline",
                         data={"csrf_token": token}) as resp:
        assert resp.status == 409
        assert "cannot be declined now" in await resp.text()
    async with rota.server.container.uow() as uow:
        actions = [e.action for e in await uow.audit.all() if e.action.startswith("rota.")]
    assert actions == ["rota.swap_approve"]


async def test_an_override_that_ends_before_it_starts_is_refused(rota: Running,
                                                                 http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")
    async with http.post(rota.base + "/admin/rota/overrides", data={
            "csrf_token": token, "counselor_id": "k1", "station": "hd",
            "start": "2026-03-03T11:00", "end": "2026-03-03T09:00"}) as resp:
        assert resp.status == 400
    async with rota.server.container.uow() as uow:
        assert (await rota_repo.load_rota(uow.session)).overrides == ()


async def test_a_refused_form_comes_back_filled_in_with_the_reason_beside_the_field(
        rota: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")
    async with http.post(rota.base + "/admin/rota/leave", data={
            "csrf_token": token, "counselor_id": "c1", "start": "2026-03-03T11:00", "end": "next week",
            "back": "/admin/rota?date=2026-03-03"}) as resp:
        assert resp.status == 400
        body = await resp.text()

    assert "Counselor Chen" in cell(body, TUESDAY_10)  # the week the form was sent from
    leave_form = body.split('id="leave"')[1].split("</section>")[0]
    assert "<details open>" in leave_form and '<option value="c1" selected>' in leave_form
    assert 'name="start" min="2000-01-01T00:00" max="2100-12-31T23:59" value="2026-03-03T11:00"' in leave_form
    reason = leave_form.split('name="end"')[1].split("</label>")[0]
    assert 'value="next week" aria-invalid="true"' in reason and 'id="leave-error"' in reason
    assert "YYYY-MM-DD" in reason  # the accepted forms, beside the field
    async with rota.server.container.uow() as uow:
        assert (await rota_repo.load_rota(uow.session)).leave == ()


async def test_month_view_marks_days_with_gaps(rota: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")
    for who in ("c1", "c2"):  # both away: nobody left to cover the night
        await http.post(rota.base + "/admin/rota/leave", data={
            "csrf_token": token, "counselor_id": who, "start": "2026-03-10T20:00", "end": "2026-03-11T08:00"})

    async with http.get(rota.base + "/admin/rota?view=month&date=2026-03-10") as resp:
        body = await resp.text()

    assert '<td class="day gap" data-day="2026-03-10">' in body
    assert '<td class="day gap" data-day="2026-03-11">' in body
    assert '<td class="day" data-day="2026-03-12">' in body


async def test_station_filter_shows_only_that_station(rota: Running, http: aiohttp.ClientSession) -> None:
    await login(http, rota.base, "kim")
    async with http.get(rota.base + "/admin/rota?date=2026-03-03&station=cy") as resp:
        body = await resp.text()
    assert "Counselor Chen" not in cell(body, TUESDAY_10)


async def test_a_counselor_cannot_approve_a_swap(rota: Running, http: aiohttp.ClientSession) -> None:
    sid = await request_accepted_swap(rota)
    token = await login(http, rota.base, "chen")
    async with http.post(rota.base + f"/admin/rota/swaps/{sid}/approve",
                         data={"csrf_token": token}, allow_redirects=False) as resp:
        assert resp.status == 403
    async with rota.server.container.uow() as uow:
        assert (await rota_repo.load_rota(uow.session)).swaps[0].state == "accepted"


async def test_a_rota_change_is_announced_after_commit(rota: Running, http: aiohttp.ClientSession) -> None:
    sid = await request_accepted_swap(rota)
    token = await login(http, rota.base, "kim")
    async with rota.server.container.events.subscribe() as events:
        await http.post(rota.base + f"/admin/rota/swaps/{sid}/approve", data={"csrf_token": token})
        names = [events.get_nowait().name for _ in range(events.qsize())]
    assert "rota.changed" in names


async def test_removing_leave_puts_the_person_back(rota: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")
    await http.post(rota.base + "/admin/rota/leave", data={
        "csrf_token": token, "counselor_id": "c1", "start": "2026-03-03T08:00", "end": "2026-03-03T20:00"})
    async with rota.server.container.uow() as uow:
        (leave,) = (await rota_repo.load_rota(uow.session)).leave

    async with http.post(rota.base + f"/admin/rota/leave/{leave.id}/delete",
                         data={"csrf_token": token, "back": "/admin/rota?date=2026-03-03"}) as resp:
        body = await resp.text()

    assert "Leave removed." in body
    assert 'layer-rotation" data-counselor="c1"' in cell(body, TUESDAY_10)
    async with rota.server.container.uow() as uow:
        actions = [e.action for e in await uow.audit.all() if e.action.startswith("rota.")]
    assert actions == ["rota.leave", "rota.leave_delete"]


async def test_a_real_conflict_and_a_real_gap_are_flagged_and_a_new_conflict_is_refused_in_the_form(
        rota: Running, http: aiohttp.ClientSession) -> None:
    now = rota.clock.now()
    tuesday = TUESDAY_10.replace(hour=0)
    async with rota.server.container.uow() as uow:  # stored directly: data that predates the check
        await rota_repo.add_override(uow.session, "c1", "cy", tuesday.replace(hour=9),
                                     tuesday.replace(hour=11), "test", now)
        for who in ("c1", "c2"):  # both on leave, nobody left to cover: a gap in both languages
            await rota_repo.add_leave(uow.session, who, tuesday.replace(hour=14), tuesday.replace(hour=16),
                                      "test", now)
        await uow.commit()
    token = await login(http, rota.base, "kim")
    async with http.get(rota.base + "/admin/rota?date=2026-03-03") as resp:
        body = await resp.text()

    assert "clash" in cell(body, TUESDAY_10) and "two stations" in cell(body, TUESDAY_10)
    assert "clashing" in cell(body, TUESDAY_10)  # the person, not just the hour
    assert "two stations" not in cell(body, TUESDAY_10.replace(hour=12))
    assert "gap −1" in cell(body, TUESDAY_10.replace(hour=14)) and "gap" not in cell(body, TUESDAY_10)
    assert "Counselor Chen on duty at 朝阳区中心 and 海淀区中心 at once" in body.split('id="conflicts"')[1]
    assert "no Chinese speaker on duty" in body.split('id="gaps"')[1]

    async with http.post(rota.base + "/admin/rota/overrides", data={
            "csrf_token": token, "counselor_id": "c2", "station": "cy", "start": "2026-03-03T21:00",
            "end": "2026-03-03T22:00", "back": "/admin/rota?date=2026-03-03"}) as resp:
        refused = await resp.text()
        assert resp.status == 409
    form = refused.split('id="overrides"')[1].split("</section>")[0]
    assert "Counselor Li would be on duty at 朝阳区中心 and 海淀区中心 at once" in form
    assert 'aria-invalid="true"' in form and 'value="2026-03-03T21:00"' in form
    async with rota.server.container.uow() as uow:
        assert len((await rota_repo.load_rota(uow.session)).overrides) == 1  # nothing new stored
