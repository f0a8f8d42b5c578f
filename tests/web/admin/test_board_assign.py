"""Live board control (issue 17 item 7) over real HTTP on SQLite and PostgreSQL: a coordinator
assigns a waiting chat or moves a held one to a counselor on duty, with a note; stale forms, double
clicks, people off duty and wrong roles change nothing; who is reachable against the rota."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.conversation.effects import Timer, TimerKind
from bot.services.staff import ActionRequest, StaffAction
from bot.storage.case_tables import CaseNote
from bot.storage.models import Conversation, Counselor, Handoff, OutboxItem
from bot.timers import job_id
from tests.fakes.clock import FakeClock
from tests.fakes.ports import StaticRota
from tests.web.admin.conftest import Running, login, start_server

NOTE = "Resident asked for a woman counselor; speaks English."


@pytest.fixture
async def running(db_url: str, tmp_path: Path) -> AsyncIterator[Running]:
    """The dashboard's server with its clock at the real time: escalation timers these tests arm
    stay in the future (on the conftest's 2026-03-02 clock they would fire at once)."""
    run = await start_server(db_url, tmp_path, FakeClock(datetime.now(UTC)))
    yield run
    await run.server.stop()


async def a_chat(run: Running, state: str = "offered", holder: str | None = None,
                 offered_to: tuple[str, ...] = ("c2",)) -> int:
    now = run.clock.now()
    async with run.server.container.uow() as uow:
        resident = await uow.residents.get_or_create(f"p-assign-{state}", "web", now)
        conv = await uow.conversations.add(Conversation(
            resident_id=resident.id, channel="web", chat_key=f"k-{state}", created_at=now, updated_at=now))
        policy = await run.server.container.rota.policy_for("high")
        h = Handoff(conversation_id=conv.id, state=state, level="high", step=0, version=3, policy=policy,
                    created_at=now - timedelta(seconds=90), offered_to=list(offered_to), declined_by=[],
                    lang="en", counselor_id=holder,
                    accepted_at=now - timedelta(seconds=30) if holder else None,
                    next_step_at=now + timedelta(seconds=60) if state == "offered" else None)
        uow.session.add(h)
        await uow.commit()
        return h.id


def on_duty(run: Running, *ids: str) -> None:
    rota = run.server.container.rota
    assert isinstance(rota, StaticRota)
    rota.duty = list(ids)


async def form_page(http: aiohttp.ClientSession, run: Running, hid: int) -> tuple[int, str]:
    async with http.get(f"{run.base}/admin/board/assign/{hid}") as resp:
        return resp.status, await resp.text()


def version_in(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the form carries no version"
    return found.group(1)


async def submit(http: aiohttp.ClientSession, run: Running, hid: int, token: str, **fields: str
                 ) -> tuple[int, str, str]:
    async with http.post(f"{run.base}/admin/board/assign/{hid}", data={"csrf_token": token, **fields},
                         allow_redirects=False) as resp:
        return resp.status, resp.headers.get("Location", ""), await resp.text()


async def handoff(run: Running, hid: int) -> Handoff:
    async with run.server.container.uow() as uow:
        h = await uow.handoffs.get(hid)
        assert h is not None
        return h


async def audit(run: Running) -> list[tuple[str, str, str, dict[str, object]]]:
    async with run.server.container.uow() as uow:
        return [(e.actor, e.action, e.object, e.detail) for e in await uow.audit.all()]


async def telegram_texts(run: Running, chat_key: str) -> list[str]:
    async with run.server.container.uow() as uow:
        rows = await uow.session.scalars(select(OutboxItem).where(OutboxItem.chat_key == chat_key))
        return [uow.outbox.payload(r)["text"] for r in rows]


async def test_a_waiting_chat_is_offered_to_the_named_counselor_with_the_note_and_keeps_escalating(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    hid = await a_chat(running)
    before = await handoff(running, hid)
    token = await login(http, running.base, "kim")
    status, page = await form_page(http, running, hid)
    assert status == 200 and version_in(page) == "3" and "Counselor Chen" in page

    status, where, _ = await submit(http, running, hid, token, to="c1", note=NOTE, version="3")

    assert (status, where) == (303, f"/admin/board?assigned={hid}&to=c1")
    async with http.get(running.base + where) as resp:
        assert f"Chat #{hid} offered to Counselor Chen: it keeps escalating" in await resp.text()
    h = await handoff(running, hid)
    assert (h.state, h.version, h.counselor_id) == ("offered", 4, None)
    assert "c1" in h.offered_to and h.next_step_at == before.next_step_at  # the step's deadline stands
    card = (await telegram_texts(running, "1001"))[-1]
    assert "assigned to you by Coordinator Kim" in card and NOTE in card
    assert ("k1", "handoff.assign", f"handoff:{hid}",
            {"to": "c1", "state": "offered", "note": True}) in await audit(running)
    async with running.server.container.uow() as uow:
        notes = list(await uow.session.scalars(select(CaseNote).where(CaseNote.handoff_id == hid)))
    assert [(n.counselor_id, n.kind) for n in notes] == [("k1", "transfer")]
    # Nobody accepts: the old timer is stale, the re-armed one (new version) escalates on time.
    timers = running.server.container.timers
    assert timers.scheduler.get_job(job_id(Timer(TimerKind.ESCALATE, hid, 4, 0, before.next_step_at)))
    assert Timer(TimerKind.ESCALATE, hid, 4, 0, before.next_step_at) in \
        await running.server.container.service.pending_timers()  # and so after a restart
    service = running.server.container.service
    running.clock.advance(seconds=61)
    await service.on_timer(TimerKind.ESCALATE, hid, 3, 0)
    assert (await handoff(running, hid)).step == 0
    await service.on_timer(TimerKind.ESCALATE, hid, 4, 0)
    assert (await handoff(running, hid)).step == 1


async def test_the_assigned_counselor_sees_the_chat_offered_to_them_in_the_console(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    hid = await a_chat(running)
    token = await login(http, running.base, "kim")
    await submit(http, running, hid, token, to="c1", note=NOTE, version="3")

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as chen:
        await login(chen, running.base, "chen")
        async with chen.get(f"{running.base}/console/api/queue") as resp:
            queue = (await resp.json())["queue"]

    assert [(q["id"], q["offered_to_me"]) for q in queue] == [(hid, True)]


async def test_a_double_submit_assigns_once(running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    hid = await a_chat(running)
    token = await login(http, running.base, "kim")

    first = await submit(http, running, hid, token, to="c1", note=NOTE, version="3")
    second = await submit(http, running, hid, token, to="c1", note=NOTE, version="3")

    assert first[0] == 303 and second[0] == 409
    assert "changed since the board was drawn" in second[2] and NOTE in second[2]  # the note kept
    assert version_in(second[2]) == "4"  # the form now shows the chat as it is
    assert len([a for a in await audit(running) if a[1] == "handoff.assign"]) == 1
    assert len([t for t in await telegram_texts(running, "1001") if "assigned to you" in t]) == 1


async def test_a_counselor_not_on_duty_is_refused_beside_the_field_and_nothing_changes(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c2")
    hid = await a_chat(running)
    token = await login(http, running.base, "kim")

    status, _, page = await submit(http, running, hid, token, to="c1", note=NOTE, version="3")

    assert status == 400
    assert re.search(r'id="assign-error">That person is not on duty now', page)
    assert 'name="to" id="assign-to" required aria-invalid="true"' in page
    assert NOTE in page and "c1 (not on duty now)" in page  # as typed, marked
    assert (await handoff(running, hid)).version == 3
    assert not [a for a in await audit(running) if a[1] == "handoff.assign"]


async def test_a_counselor_marked_away_is_not_offered_nor_accepted(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    async with running.server.container.uow() as uow:
        chen = await uow.counselors.get("c1")
        assert chen is not None
        chen.available = False
        await uow.commit()
    hid = await a_chat(running)
    token = await login(http, running.base, "kim")

    _, page = await form_page(http, running, hid)
    status, _, _ = await submit(http, running, hid, token, to="c1", version="3")

    assert 'value="c1"' not in page and status == 400


async def test_a_chat_taken_after_the_form_was_drawn_is_not_assigned(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    hid = await a_chat(running)
    token = await login(http, running.base, "kim")
    _, page = await form_page(http, running, hid)
    await running.server.container.actions.perform("c2", ActionRequest(StaffAction.ACCEPT, hid))

    status, _, answer = await submit(http, running, hid, token, to="c1", note=NOTE, version=version_in(page))

    assert status == 409 and "changed since the board was drawn" in answer
    assert "held by <strong>Counselor Li</strong>" in answer and NOTE in answer
    h = await handoff(running, hid)
    assert (h.state, h.counselor_id) == ("active", "c2")


async def test_an_accepted_chat_moves_to_another_counselor_as_the_coordinators_transfer(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    hid = await a_chat(running, state="active", holder="c2", offered_to=())
    token = await login(http, running.base, "kim")
    _, page = await form_page(http, running, hid)
    assert "Move chat" in page and 'value="c2"' not in page  # not to the one holding it

    status, _, _ = await submit(http, running, hid, token, to="c1", note=NOTE, version="3")

    assert status == 303
    h = await handoff(running, hid)
    assert (h.state, h.counselor_id) == ("active", "c1")
    card = (await telegram_texts(running, "1001"))[-1]
    assert "by Coordinator Kim" in card and f"Note from Coordinator Kim: {NOTE}" in card
    assert ("k1", "handoff.transfer", f"handoff:{hid}", {"to": "c1", "note": True, "from": "c2"}) \
        in await audit(running)


async def test_a_held_chat_moves_only_to_someone_something_reaches_now(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")  # Li (c2) has no Telegram and has not signed in
    hid = await a_chat(running, state="active", holder="c1", offered_to=())
    token = await login(http, running.base, "kim")

    refused = await submit(http, running, hid, token, to="c2", note=NOTE, version="3")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as li:
        await login(li, running.base, "li")
        moved = await submit(http, running, hid, token, to="c2", note=NOTE, version="3")

    assert refused[0] == 400 and "Nothing reaches that counselor now" in refused[2] and NOTE in refused[2]
    assert moved[0] == 303 and (await handoff(running, hid)).counselor_id == "c2"


async def test_moving_a_chat_to_the_counselor_holding_it_is_refused(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    hid = await a_chat(running, state="active", holder="c2", offered_to=())
    token = await login(http, running.base, "kim")

    status, _, page = await submit(http, running, hid, token, to="c2", version="3")

    assert status == 400 and "already holds this chat" in page
    assert (await handoff(running, hid)).version == 3


async def test_a_form_without_a_counselor_or_with_a_closed_chat_says_why(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    hid = await a_chat(running)
    closed = await a_chat(running, state="closed", offered_to=())
    token = await login(http, running.base, "kim")

    empty = await submit(http, running, hid, token, to="", note=NOTE, version="3")
    gone = await submit(http, running, closed, token, to="c1", version="3")
    _, closed_page = await form_page(http, running, closed)

    assert empty[0] == 400 and "Choose who should take this chat." in empty[2] and NOTE in empty[2]
    assert gone[0] == 409 and "closed or no longer exists" in gone[2]
    assert 'id="assign-form"' not in closed_page
    async with http.get(f"{running.base}/admin/board/assign/999999") as resp:
        assert resp.status == 404


async def test_only_coordinators_and_admins_may_assign(running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    hid = await a_chat(running)
    async with http.get(f"{running.base}/admin/board/assign/{hid}", allow_redirects=False) as resp:
        assert resp.status == 302 and resp.headers["Location"].startswith("/login")
    token = await login(http, running.base, "chen")

    get_status, _ = await form_page(http, running, hid)
    status, _, _ = await submit(http, running, hid, token, to="c1", version="3")

    assert get_status == 403 and status == 403
    assert (await handoff(running, hid)).version == 3
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as ada:
        ada_token = await login(ada, running.base, "ada")
        assert (await submit(ada, running, hid, ada_token, to="c1", version="3"))[0] == 303


async def test_the_board_shows_who_is_on_duty_against_who_is_reachable(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")  # Chen has Telegram; Li has neither Telegram nor a console login
    async with running.server.container.uow() as uow:
        uow.session.add(Counselor(id="c3", name="Counselor Wu", languages=["zh"], station_id="hd",
                                  roles=["counselor"], available=False, telegram_id=1003))
        await uow.commit()
    on_duty(running, "c1", "c2", "c3")
    await a_chat(running)
    await login(http, running.base, "kim")

    async with http.get(f"{running.base}/admin/api/board") as resp:
        data = await resp.json()
    async with http.get(f"{running.base}/admin/board") as resp:
        page = await resp.text()

    people = {p["id"]: (p["status"], p["console"].split(" ")[0], p["telegram"]) for p in data["people"]}
    assert people == {"c2": ("absent", "not", False), "c3": ("away", "not", True),
                      "c1": ("ok", "not", True), "k1": ("off_rota", "signed", False)}
    assert [p["id"] for p in data["people"]][:2] == ["c2", "c3"]  # who needs a look comes first
    assert data["can_assign"] is True and data["rows"][0]["assignable"] is True
    assert "On duty but not signed in and no Telegram" in page and 'href="/admin/board/assign/' in page


async def test_two_coordinators_submitting_at_once_assign_once(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    hid = await a_chat(running)
    token = await login(http, running.base, "kim")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as ada:
        ada_token = await login(ada, running.base, "ada")

        results = await asyncio.gather(submit(http, running, hid, token, to="c1", version="3"),
                                       submit(ada, running, hid, ada_token, to="c2", version="3"))

    assert sorted(r[0] for r in results) == [303, 409]
    assert len([a for a in await audit(running) if a[1] == "handoff.assign"]) == 1
    assert (await handoff(running, hid)).version == 4


async def test_a_chat_past_the_end_of_the_chain_can_still_be_assigned(
        running: Running, http: aiohttp.ClientSession) -> None:
    on_duty(running, "c1", "c2")
    hid = await a_chat(running, state="fallback")
    token = await login(http, running.base, "kim")

    status, _, _ = await submit(http, running, hid, token, to="c1", note=NOTE, version="3")

    assert status == 303
    h = await handoff(running, hid)
    assert (h.state, h.version) == ("fallback", 4) and "c1" in h.offered_to
    assert any(NOTE in t for t in await telegram_texts(running, "1001"))
