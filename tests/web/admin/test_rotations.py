"""The rota editor over real HTTP on the real rota (issue 17 item 4): rotations created, edited and
removed in the browser's forms, refusals that keep what was typed, and the undo of the last change
(an edit, a removal, an override, removed leave), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime

import aiohttp
import pytest

from bot.storage import rota_repo
from bot.web.admin.common import LOCAL
from tests.web.admin.conftest import Running, login
from tests.web.admin.test_rota_pages import ROTA, TUESDAY_10, cell

HD_MAIN = {"name": "Days and nights", "station": "hd", "member_0": "c1", "member_1": "c2", "shift": "12h",
           "start_date": "2026-01-05", "handover": "08:00",
           "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "hours": ""}


@pytest.fixture
async def rota(running: Running) -> Running:
    await rota_repo.import_rota_file(running.server.container.uow, ROTA, running.clock.now(), by="test")
    return running


async def post(http: aiohttp.ClientSession, url: str, token: str,
               form: dict[str, object] | None = None) -> tuple[int, str, str]:
    data = aiohttp.FormData()
    for key, value in {**(form or {}), "csrf_token": token}.items():
        for one in value if isinstance(value, list) else [value]:
            data.add_field(key, str(one))
    async with http.post(url, data=data, allow_redirects=False) as resp:
        return resp.status, resp.headers.get("Location", ""), await resp.text()


async def on_duty_at(http: aiohttp.ClientSession, run: Running, at: datetime, station: str = "hd") -> str:
    async with http.get(run.base + f"/admin/rota?date={at.date().isoformat()}&station={station}") as resp:
        return cell(await resp.text(), at)


async def test_a_new_rotation_shows_in_the_calendar_and_is_audited(rota: Running,
                                                                  http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")

    status, where, _ = await post(http, rota.base + "/admin/rota/rotations", token, {
        "id": "cy-eve", "name": "Evenings", "station": "cy", "member_0": "k1", "shift": "6h",
        "start_date": "2026-03-02", "handover": "18:00", "weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "hours": "18:00-24:00"})

    assert (status, where) == (303, "/admin/rota/rotations?done=created")
    evening = datetime(2026, 3, 3, 19, 0, tzinfo=LOCAL)
    assert "Coordinator Kim" in await on_duty_at(http, rota, evening, "cy")
    async with http.get(rota.base + "/admin/rota/rotations") as resp:
        listing = await resp.text()
    row = listing.split('id="rotation-cy-eve"')[1].split("</tr>")[0]
    assert "Evenings" in row and "18:00–00:00" in row and "Mon Tue Wed Thu Fri" in row
    async with rota.server.container.uow() as uow:
        entry = (await uow.audit.all())[-1]
    assert (entry.actor, entry.action, entry.object) == ("k1", "rota.rotation_save", "rotation:cy-eve")


async def test_changing_the_order_of_members_changes_who_is_on_duty_and_undo_takes_it_back(
        rota: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")
    assert "Counselor Chen" in await on_duty_at(http, rota, TUESDAY_10)

    status, _, _ = await post(http, rota.base + "/admin/rota/rotations/hd-main", token,
                              {**HD_MAIN, "member_0": "c2", "member_1": "c1"})
    assert status == 303
    assert "Counselor Li" in await on_duty_at(http, rota, TUESDAY_10)

    status, where, _ = await post(http, rota.base + "/admin/rota/undo", token,
                                  {"back": "/admin/rota?date=2026-03-03"})
    assert (status, where) == (303, "/admin/rota?date=2026-03-03&done=undo")
    assert "Counselor Chen" in await on_duty_at(http, rota, TUESDAY_10)
    async with http.get(rota.base + "/admin/rota?date=2026-03-03") as resp:
        page = await resp.text()
    # one step: the undo itself is not undone
    assert "undid: saved a rotation" in page and 'id="undo"' not in page
    status, _, body = await post(http, rota.base + "/admin/rota/undo", token, {"back": "/admin/rota"})
    assert status == 409 and "cannot be undone" in body


async def test_a_refused_rotation_form_keeps_what_was_typed(rota: Running,
                                                           http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")

    status, _, body = await post(http, rota.base + "/admin/rota/rotations", token, {
        **HD_MAIN, "id": "hd-late", "name": "Late", "shift": "12 hours"})

    assert status == 400
    shift = body.split('name="shift"')[1].split("</label>")[0]
    assert 'value="12 hours"' in shift and 'aria-invalid="true"' in shift and "is not a duration" in shift
    assert 'name="id" value="hd-late"' in body and 'value="Late"' in body
    assert re.search(r'name="member_1">.*?<option value="c2" selected>', body, re.S)
    async with rota.server.container.uow() as uow:
        assert [r.id for r in (await rota_repo.load_rota(uow.session)).rotations] == ["hd-main"]


async def test_a_rotation_that_puts_someone_at_two_stations_is_refused(
        rota: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")

    status, _, body = await post(http, rota.base + "/admin/rota/rotations", token, {
        **HD_MAIN, "id": "cy-all", "station": "cy", "member_0": "c1", "member_1": "", "shift": "1d",
        "start_date": "2026-03-01"})

    assert status == 409 and "would be on duty at" in body and "one person cannot cover two" in body
    assert 'name="id" value="cy-all"' in body
    async with rota.server.container.uow() as uow:
        assert len((await rota_repo.load_rota(uow.session)).rotations) == 1


async def test_undo_brings_back_a_removed_rotation_and_takes_back_an_override(
        rota: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")

    status, where, _ = await post(http, rota.base + "/admin/rota/rotations/hd-main/delete", token)
    assert (status, where) == (303, "/admin/rota/rotations?done=deleted")
    assert "Counselor Chen" not in await on_duty_at(http, rota, TUESDAY_10)
    await post(http, rota.base + "/admin/rota/undo", token, {"back": "/admin/rota/rotations"})
    assert "Counselor Chen" in await on_duty_at(http, rota, TUESDAY_10)

    await post(http, rota.base + "/admin/rota/overrides", token, {
        "counselor_id": "k1", "station": "hd", "start": "2026-03-03T09:00", "end": "2026-03-03T12:00",
        "back": "/admin/rota"})
    assert "Coordinator Kim" in await on_duty_at(http, rota, TUESDAY_10)
    await post(http, rota.base + "/admin/rota/undo", token, {"back": "/admin/rota"})

    assert "Coordinator Kim" not in await on_duty_at(http, rota, TUESDAY_10)
    async with rota.server.container.uow() as uow:
        stored = await rota_repo.load_rota(uow.session)
        undos = [e.detail for e in await uow.audit.all() if e.action == "rota.undo"]
    assert stored.overrides == () and stored.rotations[0].members == ("c1", "c2")
    assert undos == [{"undid": "rota.rotation_delete"}, {"undid": "rota.override"}]


async def test_undo_puts_back_leave_that_was_removed(rota: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, rota.base, "kim")
    await post(http, rota.base + "/admin/rota/leave", token, {
        "counselor_id": "c1", "start": "2026-03-03", "end": "2026-03-03", "back": "/admin/rota"})
    async with rota.server.container.uow() as uow:
        (leave,) = (await rota_repo.load_rota(uow.session)).leave
    await post(http, rota.base + f"/admin/rota/leave/{leave.id}/delete", token, {"back": "/admin/rota"})
    assert "Counselor Chen" in await on_duty_at(http, rota, TUESDAY_10)

    await post(http, rota.base + "/admin/rota/undo", token, {"back": "/admin/rota"})

    assert "Counselor Chen" not in await on_duty_at(http, rota, TUESDAY_10)  # on leave again
    async with rota.server.container.uow() as uow:
        assert [lv.id for lv in (await rota_repo.load_rota(uow.session)).leave] == [leave.id]


async def test_a_swap_decision_reaches_both_people_and_the_approved_swap_is_listed(
        rota: Running, http: aiohttp.ClientSession) -> None:
    from sqlalchemy import select, update

    from bot.storage.models import Counselor, OutboxItem
    from tests.web.admin.test_rota_pages import request_accepted_swap

    async with rota.server.container.uow() as uow:  # Chen and Kim have Telegram bound
        await uow.session.execute(update(Counselor).where(Counselor.id == "c1").values(telegram_id=501))
        await uow.session.execute(update(Counselor).where(Counselor.id == "k1").values(telegram_id=502))
        await uow.commit()
    sid = await request_accepted_swap(rota)  # Chen asks Kim to take 03-03 08:00-20:00; Kim agreed
    token = await login(http, rota.base, "kim")

    status, _, _ = await post(http, rota.base + f"/admin/rota/swaps/{sid}/approve", token,
                              {"back": "/admin/rota?date=2026-03-03"})

    assert status == 303
    async with rota.server.container.uow() as uow:
        rows = list(await uow.session.scalars(select(OutboxItem).where(OutboxItem.dedupe_key.like("swap:%"))))
        texts = {r.chat_key: uow.outbox.payload(r)["text"] for r in rows}
    when = "海淀区中心, 2026-03-03 08:00 to 2026-03-03 20:00"
    assert texts == {
        "501": f"Your swap with Coordinator Kim at {when}, was approved by Coordinator Kim. "
               "Coordinator Kim is on duty then; the rota shows it.",
        "502": f"The swap Counselor Chen asked of you at {when}, was approved by Coordinator Kim. "
               "You are on duty then."}
    async with http.get(rota.base + "/admin/rota?date=2026-03-03") as resp:
        listed = (await resp.text()).split('id="approved-swaps"')[1].split("</section>")[0]
    assert "Coordinator Kim</strong> takes Counselor Chen's duty at 海淀区中心" in listed
