"""Counselors and invite codes, the live board's JSON, the reports page and its audited CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import aiohttp

from bot.storage.models import Conversation, Handoff
from tests.web.admin.conftest import Running, login


async def open_handoffs(run: Running) -> None:
    now = run.clock.now()
    async with run.server.container.uow() as uow:
        resident = await uow.residents.get_or_create("p-board", "web", now)
        conv = await uow.conversations.add(Conversation(resident_id=resident.id, channel="web",
                                                        chat_key="k", created_at=now, updated_at=now))
        uow.session.add_all([
            Handoff(conversation_id=conv.id, state="offered", level="high", step=1,
                    created_at=now - timedelta(seconds=95), offered_to=["c1"]),
            Handoff(conversation_id=conv.id, state="offered", level="imminent",
                    created_at=now - timedelta(seconds=20), offered_to=["c1", "c2"]),
            Handoff(conversation_id=conv.id, state="active", level="medium", counselor_id="c2",
                    created_at=now - timedelta(minutes=30), accepted_at=now - timedelta(minutes=28)),
        ])
        await uow.commit()


async def test_counselors_list_shows_telegram_binding(running: Running, http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.get(running.base + "/admin/counselors") as resp:
        body = await resp.text()
    assert "Counselor Chen" in body
    chen_row = body.split("Counselor Chen")[1].split("</tr>")[0]
    li_row = body.split("Counselor Li")[1].split("</tr>")[0]
    assert ">bound<" in chen_row and "not bound" in li_row


async def test_an_invite_code_is_shown_once_and_audited(running: Running,
                                                        http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "kim")

    async with http.post(running.base + "/admin/counselors/c2/invite", data={"csrf_token": token}) as resp:
        body = await resp.text()

    assert resp.status == 200 and 'id="invite-code"' in body
    code = body.split('id="invite-code">')[1].split("<")[0]
    async with http.get(running.base + "/admin/counselors") as resp:
        assert code not in await resp.text()
    async with running.server.container.uow() as uow:
        entries = [(e.actor, e.action, e.object) for e in await uow.audit.all()]
    assert ("k1", "invite.create", "counselor:c2") in entries


async def test_board_lists_open_handoffs_riskiest_first_with_waiting_time(
        running: Running, http: aiohttp.ClientSession) -> None:
    await open_handoffs(running)
    await login(http, running.base, "kim")

    async with http.get(running.base + "/admin/api/board") as resp:
        data = await resp.json()

    assert data["open"] == 2
    assert [r["level"] for r in data["rows"]] == ["imminent", "high", "medium"]
    assert [r["wait_s"] for r in data["rows"]] == [20, 95, 120]  # the last: its time to accept
    assert data["rows"][0]["offered_to"] == "Counselor Chen, Counselor Li"
    assert data["rows"][2]["counselor"] == "Counselor Li"


async def test_board_page_loads_its_own_script(running: Running, http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.get(running.base + "/admin/board") as resp:
        body = await resp.text()
    assert '<script src="/static/admin/board.js" defer>' in body
    async with http.get(running.base + "/static/admin/board.js") as resp:
        assert resp.status == 200


async def test_reports_page_shows_charts_for_the_range(running: Running, http: aiohttp.ClientSession) -> None:
    await open_handoffs(running)
    await login(http, running.base, "kim")

    async with http.get(running.base + "/admin/reports?from=2026-02-23&to=2026-03-08") as resp:
        body = await resp.text()

    assert resp.status == 200
    assert body.count("<svg") == 4  # conversations, levels, coverage, satisfaction
    assert "2 min 00 s" in body  # the one accepted handoff: median time to accept


async def test_csv_export_is_audited_and_carries_the_figures(running: Running,
                                                             http: aiohttp.ClientSession) -> None:
    await open_handoffs(running)
    await login(http, running.base, "kim")

    async with http.get(running.base + "/admin/reports.csv?from=2026-02-23&to=2026-03-08") as resp:
        rows = list(csv.reader(io.StringIO(await resp.text())))

    assert resp.headers["Content-Type"].startswith("text/csv")
    assert ["handoffs_by_level", "imminent", "1"] in rows
    assert ["time_to_accept_s", "median", "120.0"] in rows
    async with running.server.container.uow() as uow:
        exports = [e for e in await uow.audit.all() if e.action == "export"]
    assert len(exports) == 1 and exports[0].actor == "k1"
    assert exports[0].detail == {"from": "2026-02-23", "to": "2026-03-08"}


async def test_a_reversed_range_is_a_clear_400(running: Running, http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.get(running.base + "/admin/reports?from=2026-03-08&to=2026-03-01") as resp:
        assert resp.status == 400
        body = await resp.text()
    assert "ends before it starts" in body
    # The range form comes back as typed, the reason beside the To field, and no figures.
    to_field = body.split('name="to"')[1].split("</label>")[0]
    assert 'value="2026-03-01" aria-invalid="true"' in to_field and "ends before it starts" in to_field
    assert 'name="from" value="2026-03-08"' in body and "<svg" not in body
