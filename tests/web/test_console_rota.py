"""My shifts in the console (issue 16 item 13, issue 17 item 5) over real HTTP, SQLite and PostgreSQL:
a counselor sees only their own coming shifts, asks a colleague to take one or asks for leave, the
requests land in the coordinators' approval queue, both sides are told, and bad forms come back."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.storage import rota_repo
from bot.storage.models import Counselor, OutboxItem
from bot.storage.rota_request_tables import LeaveRequestRow
from tests.web.admin.conftest import Running, login
from tests.web.admin.conftest import running as running  # noqa: F401 (fixture)

ROTA = Path(__file__).parent / "admin" / "rota.yaml"
PAGE = "/console/shifts"
# The fake clock starts Monday 2026-03-02 09:00 in Beijing; hd-main puts Chen (c1) on 08:00-20:00
# every day and Li (c2) on 20:00-08:00.
TELEGRAM = {"c1": 1001, "c2": 1002, "k1": 1003}


@pytest.fixture
async def rota(running: Running) -> Running:
    await rota_repo.import_rota_file(running.server.container.uow, ROTA, running.clock.now(), by="test")
    async with running.server.container.uow() as uow:  # Telegram linked, so notices are written
        for cid, tg in TELEGRAM.items():
            person = await uow.session.get(Counselor, cid)
            assert person is not None
            person.telegram_id = tg
        await uow.commit()
    return running


@pytest.fixture
async def tabs() -> AsyncIterator[list[aiohttp.ClientSession]]:
    made: list[aiohttp.ClientSession] = []
    yield made
    for s in made:
        await s.close()


async def tab(run: Running, tabs: list[aiohttp.ClientSession], who: str) -> tuple[aiohttp.ClientSession, str]:
    s = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"Accept-Language": "en"})
    tabs.append(s)
    return s, await login(s, run.base, who)


async def page(s: aiohttp.ClientSession, run: Running) -> tuple[int, str]:
    async with s.get(run.base + PAGE) as resp:
        return resp.status, await resp.text()


async def post(s: aiohttp.ClientSession, run: Running, path: str,
               form: dict[str, str]) -> tuple[int, str, str]:
    async with s.post(run.base + path, data=form, allow_redirects=False) as resp:
        return resp.status, resp.headers.get("Location", ""), await resp.text()


def shift_keys(body: str) -> list[str]:
    return re.findall(r'<option value="(hd\|[^"]+)"', body)


async def telegram_texts(run: Running, chat_key: str) -> list[str]:
    async with run.server.container.uow() as uow:
        rows = await uow.session.scalars(select(OutboxItem).where(OutboxItem.chat_key == chat_key))
        return [uow.outbox.payload(r)["text"] for r in rows]


async def audit(run: Running) -> list[tuple[str, str]]:
    async with run.server.container.uow() as uow:
        return [(e.actor, e.action) for e in await uow.audit.all()]


async def test_my_shifts_are_mine_only_for_four_weeks_in_the_station_time_zone(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    chen, _ = await tab(rota, tabs, "chen")

    status, body = await page(chen, rota)

    rows = re.findall(r'<tr class="shift">(.*?)</tr>', body)
    assert status == 200
    assert len(rows) == 28  # today's 08:00-20:00 (under way at 09:00) and the 27 days after
    assert "Mon 2026-03-02" in rows[0] and "08:00–20:00" in rows[0]  # whole, though under way
    assert "time zone. (Asia/Shanghai)</p>" in body
    assert all("海淀区中心" in r and "rota shift" in r and "20:00–08:00" not in r for r in rows)
    assert "hd-main" not in body and ">hd<" not in body  # names, never ids


async def test_a_swap_goes_colleague_then_coordinator_and_everyone_is_told(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    chen, token = await tab(rota, tabs, "chen")
    _, body = await page(chen, rota)
    shift = shift_keys(body)[1]  # tomorrow's day shift

    form = {"csrf_token": token, "shift": shift, "other": "c2"}
    status, where, _ = await post(chen, rota, PAGE + "/swap", form)
    li, li_token = await tab(rota, tabs, "li")
    _, li_page = await page(li, rota)
    sid = re.search(r'action="/console/shifts/swaps/([^/]+)/agree"', li_page)
    assert status == 303 and where == PAGE + "?done=swap"
    assert sid is not None and "Counselor Chen asks me to take their shift at 海淀区中心" in li_page
    _, asked = await page(chen, rota)
    tuesday = next(r for r in re.findall(r'<tr class="shift">(.*?)</tr>', asked) if "2026-03-03" in r)
    assert 'title="waiting for Counselor Li">swap asked</span>' in tuesday
    assert any("Counselor Chen asks you to take their shift" in t for t in await telegram_texts(rota, "1002"))
    assert any("waits for Counselor Li to agree" in t for t in await telegram_texts(rota, "1003"))

    agreed = await post(li, rota, f"/console/shifts/swaps/{sid.group(1)}/agree", {"csrf_token": li_token})
    kim, kim_token = await tab(rota, tabs, "kim")
    async with kim.get(rota.base + "/admin/rota?date=2026-03-03") as resp:
        queue = await resp.text()
    decided = await post(kim, rota, f"/admin/rota/swaps/{sid.group(1)}/approve",
                         {"csrf_token": kim_token, "back": "/admin/rota"})
    _, after = await page(chen, rota)

    assert agreed[:2] == (303, PAGE + "?done=agree")
    assert f'action="/admin/rota/swaps/{sid.group(1)}/approve"' in queue
    assert decided[0] == 303
    assert "Tue 2026-03-03" not in after and "Wed 2026-03-04" in after
    assert re.search(r'<tr class="request"[^>]*>.*?approved', after)
    assert any("was approved by Coordinator Kim" in t for t in await telegram_texts(rota, "1001"))
    assert ("c1", "rota.swap_request") in await audit(rota)
    assert ("c2", "rota.swap_accept") in await audit(rota)


@pytest.mark.parametrize(("field", "change", "reason"), [
    ("shift", {"shift": "hd|2026-03-03T12:00:00+00:00|2026-03-04T00:00:00+00:00"},  # Li's night
     "not one of your coming shifts"),
    ("other", {"other": "nobody"}, "Pick an active colleague"),
    ("other", {"other": "c1"}, "Pick an active colleague"),
    ("other", {"other": "a1-inactive"}, "Pick an active colleague"),
])
async def test_a_bad_swap_form_comes_back_400_as_typed_and_saves_nothing(
        rota: Running, tabs: list[aiohttp.ClientSession], field: str, change: dict[str, str],
        reason: str) -> None:
    async with rota.server.container.uow() as uow:
        await uow.counselors.add(Counselor(id="a1-inactive", name="Gone", languages=["zh"], station_id="hd",
                                           roles=["counselor"], active=False))
        await uow.commit()
    chen, token = await tab(rota, tabs, "chen")
    _, body = await page(chen, rota)
    form = {"csrf_token": token, "shift": shift_keys(body)[2], "other": "c2", **change}

    status, _, again = await post(chen, rota, PAGE + "/swap", form)

    assert status == 400
    assert reason in again and 'aria-invalid="true"' in again and f'name="{field}"' in again
    if field == "other" and form["other"] == "c2":
        assert 'value="c2" selected' in again
    async with rota.server.container.uow() as uow:
        assert (await rota_repo.load_rota(uow.session)).swaps == ()


async def test_asking_twice_for_the_same_shift_is_refused(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    chen, token = await tab(rota, tabs, "chen")
    _, body = await page(chen, rota)
    form = {"csrf_token": token, "shift": shift_keys(body)[3], "other": "c2"}

    first = await post(chen, rota, PAGE + "/swap", form)
    second = await post(chen, rota, PAGE + "/swap", form)

    assert first[0] == 303
    assert second[0] == 400 and "already asked for a swap of this shift" in second[2]
    assert f'value="{form["shift"]}" selected' in second[2]


@pytest.mark.parametrize(("typed", "field", "reason"), [
    ({"start": "2026-03-01", "end": "2026-03-05"}, "start", "cannot start in the past"),
    ({"start": "2026-03-10", "end": "2026-03-09"}, "end", "must not be before the first"),
    ({"start": "2026-03-10", "end": "2026-06-30"}, "end", "longer than two months"),
    ({"start": "10/03/2026", "end": "2026-03-12"}, "start", "Pick a date"),
    ({"start": "2026-03-10", "end": "2026-03-12", "reason": "x" * 300}, "reason", "under 256 characters"),
])
async def test_a_bad_leave_form_comes_back_400_as_typed_and_saves_nothing(
        rota: Running, tabs: list[aiohttp.ClientSession], typed: dict[str, str], field: str,
        reason: str) -> None:
    chen, token = await tab(rota, tabs, "chen")
    form = {"csrf_token": token, "reason": "family wedding", **typed}

    status, _, again = await post(chen, rota, PAGE + "/leave", form)

    assert status == 400 and reason in again
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', again)
    assert form["reason"] in again  # what was typed is still there
    async with rota.server.container.uow() as uow:
        assert list(await uow.session.scalars(select(LeaveRequestRow))) == []


async def test_leave_waits_for_a_coordinator_then_goes_into_the_rota_and_the_counselor_is_told(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    chen, token = await tab(rota, tabs, "chen")
    form = {"csrf_token": token, "start": "2026-03-10", "end": "2026-03-11", "reason": "family"}

    asked = await post(chen, rota, PAGE + "/leave", form)
    twice = await post(chen, rota, PAGE + "/leave", {**form, "start": "2026-03-11", "end": "2026-03-12"})
    _, waiting = await page(chen, rota)
    async with rota.server.container.uow() as uow:
        (row,) = list(await uow.session.scalars(select(LeaveRequestRow)))
    kim, kim_token = await tab(rota, tabs, "kim")
    refused = await post(chen, rota, f"/admin/rota/leave-requests/{row.id}/approve", {"csrf_token": token})
    approved = await post(kim, rota, f"/admin/rota/leave-requests/{row.id}/approve",
                          {"csrf_token": kim_token, "back": "/admin/rota"})
    again = await post(kim, rota, f"/admin/rota/leave-requests/{row.id}/decline",
                       {"csrf_token": kim_token, "back": "/admin/rota"})
    _, after = await page(chen, rota)

    assert asked[:2] == (303, PAGE + "?done=leave")
    assert twice[0] == 400 and "already have leave or a leave request" in twice[2]
    assert "Tue 2026-03-10" in waiting and "waiting for a coordinator" in waiting
    assert any("Leave asked: Counselor Chen, 2026-03-10 to 2026-03-11" in t
               for t in await telegram_texts(rota, "1003"))
    assert refused[0] == 403
    assert approved[:2] == (303, "/admin/rota?done=leave-request-approve")
    assert again[0] == 409
    assert "Tue 2026-03-10" not in after and "Wed 2026-03-11" not in after and "Thu 2026-03-12" in after
    assert any("Your leave 2026-03-10 to 2026-03-11 was approved by Coordinator Kim" in t
               for t in await telegram_texts(rota, "1001"))
    async with rota.server.container.uow() as uow:
        stored = await rota_repo.load_rota(uow.session)
    assert [(lv.counselor, lv.reason) for lv in stored.leave] == [("c1", "family")]
    assert {("c1", "rota.leave_request"), ("k1", "rota.leave"),
            ("k1", "rota.leave_request_decide")} <= set(await audit(rota))


async def test_only_counselors_see_their_shifts_and_forms_need_the_csrf_token(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    ada, _ = await tab(rota, tabs, "ada")
    kim, _ = await tab(rota, tabs, "kim")
    nobody = aiohttp.ClientSession()
    tabs.append(nobody)
    chen, _ = await tab(rota, tabs, "chen")

    admin_status, _ = await page(ada, rota)
    coordinator_status, kim_page = await page(kim, rota)
    async with nobody.get(rota.base + PAGE, allow_redirects=False) as resp:
        anonymous = resp.status, resp.headers.get("Location", "")
    forged = await post(chen, rota, PAGE + "/leave", {"start": "2026-03-10", "end": "2026-03-11"})

    assert admin_status == 403
    assert coordinator_status == 200 and "You have no shifts" in kim_page  # k1 is in no rotation
    assert anonymous == (302, "/login?next=/console/shifts")
    assert forged[0] == 403


def test_the_page_template_has_no_inline_script() -> None:
    html = (Path(__file__).parents[2] / "bot/web/templates/console_shifts.html").read_text()
    assert "<script" not in html and "onclick" not in html.lower()


async def test_the_calendar_link_serves_my_shifts_only_until_replaced_or_turned_off(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    from icalendar import Calendar

    chen, token = await tab(rota, tabs, "chen")
    made = await post(chen, rota, PAGE + "/calendar", {"csrf_token": token})
    url = re.search(r'id="feed-url" readonly value="([^"]+)"', made[2])
    assert made[0] == 200 and url is not None
    app = aiohttp.ClientSession()  # a calendar app: no cookie, only the URL
    tabs.append(app)

    async with app.get(url.group(1)) as resp:
        feed, kind = await resp.read(), resp.content_type
    _, later = await page(chen, rota)
    renewed = await post(chen, rota, PAGE + "/calendar", {"csrf_token": token})
    async with app.get(url.group(1)) as resp:
        old_after_renewal = resp.status
    new_url = re.search(r'id="feed-url" readonly value="([^"]+)"', renewed[2])
    assert new_url is not None and new_url.group(1) != url.group(1)
    await post(chen, rota, PAGE + "/calendar/revoke", {"csrf_token": token})
    async with app.get(new_url.group(1)) as resp:
        new_after_revoke = resp.status

    events = Calendar.from_ical(feed).walk("VEVENT")
    assert kind == "text/calendar"
    assert len(events) == 14 + 56  # two weeks back, eight ahead: Chen's 08:00-20:00 every day
    assert {str(e["SUMMARY"]) for e in events} == {"On duty: 海淀区中心"}
    assert all(e.decoded("DTSTART").hour == 0 and e.decoded("DTEND").hour == 12 for e in events)  # UTC
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert b"Counselor Li" not in feed and b"resident" not in feed.lower()
    assert "feed-url" not in later and "You have a live calendar link" in later  # shown once only
    assert old_after_renewal == 404 and new_after_revoke == 404
    async with rota.server.container.uow() as uow:
        stored = [(e.actor, e.action) for e in await uow.audit.all()]
    assert ("c1", "calendar.feed_new") in stored and ("c1", "calendar.feed_revoke") in stored
    assert url.group(1).rsplit("/", 1)[-1].removesuffix(".ics") not in str(stored)


async def test_the_coordinators_queue_lists_waiting_leave_with_approve_and_decline(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    from types import SimpleNamespace

    from bot.services.rota_requests import RotaRequests
    from bot.web.admin.common import fmt_local
    from bot.web.admin.rota_source import ROTA as ROTA_KEY
    from bot.web.templating import render

    chen, token = await tab(rota, tabs, "chen")
    await post(chen, rota, PAGE + "/leave", {"csrf_token": token, "start": "2026-03-10", "end": "2026-03-11",
                                             "reason": "family"})
    assert rota.server.runner is not None
    async with rota.server.container.uow() as uow:
        waiting = await RotaRequests(rota.server.runner.app[ROTA_KEY]).pending_leave(uow)

    html = render("leave_requests_queue.html", leave_requests=waiting, frame=SimpleNamespace(csrf="tok"),
                  back="/admin/rota", local=fmt_local)

    assert "Counselor Chen</strong> 2026-03-10 – 2026-03-11" in html and "(family)" in html
    assert f'action="/admin/rota/leave-requests/{waiting[0].id}/approve"' in html
    assert f'action="/admin/rota/leave-requests/{waiting[0].id}/decline"' in html
    zh = render("leave_requests_queue.html", leave_requests=waiting, back="/admin/rota", local=fmt_local,
                frame=SimpleNamespace(csrf="tok", lang="zh"))
    assert "<h2>请假申请 (1)</h2>" in zh and ">批准</button>" in zh


async def test_a_waiting_request_can_be_withdrawn_by_its_author_only_and_the_colleague_is_told(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    chen, token = await tab(rota, tabs, "chen")
    _, body = await page(chen, rota)
    await post(chen, rota, PAGE + "/swap", {"csrf_token": token, "shift": shift_keys(body)[4], "other": "c2"})
    await post(chen, rota, PAGE + "/leave", {"csrf_token": token, "start": "2026-03-20", "end": "2026-03-20"})
    _, listed = await page(chen, rota)
    sid = re.search(r'action="/console/shifts/swap/([^/]+)/withdraw"', listed)
    lid = re.search(r'action="/console/shifts/leave/([^/]+)/withdraw"', listed)
    assert sid is not None and lid is not None
    li, li_token = await tab(rota, tabs, "li")

    not_hers = await post(li, rota, f"{PAGE}/swap/{sid.group(1)}/withdraw", {"csrf_token": li_token})
    swap_back = await post(chen, rota, f"{PAGE}/swap/{sid.group(1)}/withdraw", {"csrf_token": token})
    leave_back = await post(chen, rota, f"{PAGE}/leave/{lid.group(1)}/withdraw", {"csrf_token": token})
    twice = await post(chen, rota, f"{PAGE}/leave/{lid.group(1)}/withdraw", {"csrf_token": token})
    _, li_after = await page(li, rota)
    _, chen_after = await page(chen, rota)

    assert not_hers[0] == 400 and "Only your own swap request" in not_hers[2]
    assert swap_back[:2] == (303, PAGE + "?done=withdraw") and leave_back[0] == 303
    assert twice[0] == 400 and "Only your own leave request that is still waiting" in twice[2]
    assert "asks me to take their shift" not in li_after
    assert "withdrawn" in chen_after and "/withdraw" not in chen_after
    assert any("Counselor Chen withdrew the swap asked of Counselor Li" in t
               for t in await telegram_texts(rota, "1002"))
    assert {("c1", "rota.swap_withdraw"), ("c1", "rota.leave_request_withdraw")} <= set(await audit(rota))
    async with rota.server.container.uow() as uow:
        assert (await rota_repo.load_rota(uow.session)).swaps == ()


async def test_the_page_and_its_form_errors_speak_chinese_once_chosen(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    chen, token = await tab(rota, tabs, "chen")

    async with chen.get(rota.base + PAGE + "?lang=zh") as resp:
        body = await resp.text()
    _, _, error = await post(chen, rota, PAGE + "/leave", {"csrf_token": token, "start": "2026-03-10",
                                                           "end": "2026-03-09"})  # the hl cookie chose zh
    _, _, past = await post(chen, rota, PAGE + "/leave", {"csrf_token": token, "start": "2026-03-01",
                                                          "end": "2026-03-03"})  # refused by the service

    assert "<h1>我的班次</h1>" in body and "周一 2026-03-02" in body and "轮班" in body
    assert "申请请假" in body and "日历订阅" in body
    assert "rota shift" not in body and "Request leave" not in body
    assert "最后一天不能早于第一天。" in error
    assert "请假不能从过去的日期开始" in past


async def test_the_colleague_may_decline_and_the_asker_and_coordinators_hear_it(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    chen, token = await tab(rota, tabs, "chen")
    _, body = await page(chen, rota)
    await post(chen, rota, PAGE + "/swap", {"csrf_token": token, "shift": shift_keys(body)[5], "other": "c2"})
    li, li_token = await tab(rota, tabs, "li")
    _, li_page = await page(li, rota)
    sid = re.search(r'action="/console/shifts/swaps/([^/]+)/decline"', li_page)
    assert sid is not None

    declined = await post(li, rota, f"{PAGE}/swaps/{sid.group(1)}/decline", {"csrf_token": li_token})
    again = await post(li, rota, f"{PAGE}/swaps/{sid.group(1)}/agree", {"csrf_token": li_token})
    _, chen_after = await page(chen, rota)
    kim, _ = await tab(rota, tabs, "kim")
    async with kim.get(rota.base + "/admin/rota?date=2026-03-07") as resp:
        queue = await resp.text()

    assert declined[:2] == (303, PAGE + "?done=decline")
    assert again[0] == 400 and "This swap was already answered." in again[2]
    assert re.search(r'<tr class="request"[^>]*>.*?declined', chen_after) and "swap asked" not in chen_after
    assert f"/admin/rota/swaps/{sid.group(1)}/" not in queue  # nothing left for a coordinator
    assert any("Counselor Li declined to take your shift" in t for t in await telegram_texts(rota, "1001"))
    assert any("declined by the colleague" in t for t in await telegram_texts(rota, "1003"))
    assert ("c2", "rota.swap_peer_decline") in await audit(rota)


async def test_declined_leave_changes_no_duty_and_the_counselor_is_told(
        rota: Running, tabs: list[aiohttp.ClientSession]) -> None:
    chen, token = await tab(rota, tabs, "chen")
    await post(chen, rota, PAGE + "/leave", {"csrf_token": token, "start": "2026-03-12", "end": "2026-03-12"})
    async with rota.server.container.uow() as uow:
        (row,) = list(await uow.session.scalars(select(LeaveRequestRow)))
    kim, kim_token = await tab(rota, tabs, "kim")

    declined = await post(kim, rota, f"/admin/rota/leave-requests/{row.id}/decline",
                          {"csrf_token": kim_token, "back": "/admin/rota"})
    _, after = await page(chen, rota)

    assert declined[:2] == (303, "/admin/rota?done=leave-request-decline")
    assert "Thu 2026-03-12" in after and re.search(r'<tr class="request"[^>]*>.*?declined', after)
    assert any("Your leave 2026-03-12 to 2026-03-12 was declined by Coordinator Kim" in t
               for t in await telegram_texts(rota, "1001"))
    async with rota.server.container.uow() as uow:
        assert (await rota_repo.load_rota(uow.session)).leave == ()
