"""Accounts for admins over real HTTP (issue 17 item 8): add an account, the person sets their own
password with a one-time code, edit, deactivate (sessions end at once), the refusals that protect
residents and the admins themselves, and the audit-trail page with its chain check."""

from __future__ import annotations

import re
from datetime import timedelta

import aiohttp
from sqlalchemy import select, update

from bot.storage.models import AuditEntry, Conversation, Counselor, Handoff
from tests.web.admin.conftest import Running, csrf_from, login

NEW = {"id": "zhou", "name": "Zhou Mei", "roles": "counselor", "languages": "zh", "station": "",
       "web_login": "zhou", "telegram_id": "", "alias": ""}
NEW_PASSWORD = "plum blossom in winter"


async def post(http: aiohttp.ClientSession, url: str, token: str,
               data: dict[str, str] | None = None) -> tuple[int, str, str]:
    async with http.post(url, data={**(data or {}), "csrf_token": token}, allow_redirects=False) as resp:
        return resp.status, resp.headers.get("Location", ""), await resp.text()


def code_in(body: str) -> str:
    found = re.search(r'<p class="code">([A-Z0-9-]+)</p>', body)
    assert found, "no one-time code on the page"
    return found.group(1)


async def set_password(base: str, login_name: str, code: str, password: str,
                       again: str | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as anon:
        async with anon.get(base + "/password") as resp:
            token = csrf_from(await resp.text())
        form = {"login": login_name, "code": code, "password": password, "again": again or password,
                "csrf_token": token}
        async with anon.post(base + "/password", data=form) as resp:
            return resp.status, await resp.text()


async def actions(run: Running) -> list[tuple[str, str, str]]:
    async with run.server.container.uow() as uow:
        return [(e.actor, e.action, e.object) for e in await uow.audit.all()]


async def test_only_admins_see_and_open_the_account_and_audit_pages(running: Running) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as kim, \
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as ada:
        await login(kim, running.base, "kim")
        await login(ada, running.base, "ada")
        for path in ("/admin/users", "/admin/users/c1", "/admin/audit"):
            async with kim.get(running.base + path) as resp:
                assert resp.status == 403, path
        async with kim.get(running.base + "/admin") as resp:
            kim_page = await resp.text()
        async with ada.get(running.base + "/admin/users") as resp:
            ada_page = await resp.text()

    assert resp.status == 200 and "Counselor Chen" in ada_page
    assert 'href="/admin/users"' in ada_page and 'href="/admin/audit"' in ada_page
    assert 'href="/admin/users"' not in kim_page and 'href="/admin/audit"' not in kim_page


async def test_a_new_account_gets_its_password_through_a_one_time_code(
        running: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "ada")

    status, where, _ = await post(http, running.base + "/admin/users", token, NEW)
    assert (status, where) == (303, "/admin/users/zhou?done=created")
    status, _, page = await post(http, running.base + "/admin/users/zhou/password-code", token)
    code = code_in(page)
    async with http.get(running.base + "/admin/users/zhou") as resp:
        assert code not in await resp.text()  # shown once, in the answer to the POST

    status, body = await set_password(running.base, "zhou", code.lower().replace("-", " "), NEW_PASSWORD)
    assert status == 200 and 'id="password-done"' in body
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as zhou:
        async with zhou.get(running.base + "/login") as resp:
            t = csrf_from(await resp.text())
        async with zhou.post(running.base + "/login", allow_redirects=False, data={
                "login": "zhou", "password": NEW_PASSWORD, "csrf_token": t}) as resp:
            assert (resp.status, resp.headers["Location"]) == (302, "/console")
    status, body = await set_password(running.base, "zhou", code, "another long password")
    assert status == 400 and "do not match a code that is still valid" in body  # used up
    assert {("a1", "account.create", "counselor:zhou"), ("a1", "account.password_code", "counselor:zhou"),
            ("zhou", "account.password_set", "counselor:zhou")} <= set(await actions(running))


async def test_a_refused_form_keeps_what_was_typed_and_says_why_beside_the_field(
        running: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "ada")

    status, _, body = await post(http, running.base + "/admin/users", token, {**NEW, "web_login": "chen"})

    assert status == 400
    login_field = body.split('name="web_login"')[1].split("</label>")[0]
    assert 'value="chen"' in login_field and 'aria-invalid="true"' in login_field
    assert "belongs to Counselor Chen" in login_field
    assert 'value="Zhou Mei"' in body and 'name="id" value="zhou"' in body
    assert "Staff login" not in body  # the logged-in frame, not the anonymous one
    async with running.server.container.uow() as uow:
        assert await uow.counselors.get("zhou") is None


async def test_an_edit_changes_roles_and_languages_and_is_audited(
        running: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "ada")

    status, where, _ = await post(http, running.base + "/admin/users/c2", token, {
        "name": "Counselor Li", "roles": "coordinator", "languages": "en", "web_login": "li",
        "station": "hd"})

    assert (status, where) == (303, "/admin/users/c2?done=saved")
    async with running.server.container.uow() as uow:
        li = await uow.counselors.get("c2")
        entry = (await uow.audit.all())[-1]
    assert li is not None and li.roles == ["coordinator"] and li.languages == ["en"]
    assert (entry.action, entry.detail) == ("account.update", {"changed": "languages,roles"})


async def test_deactivating_an_account_ends_its_sessions_at_once(running: Running,
                                                                 http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "ada")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as chen:
        await login(chen, running.base, "chen")
        async with chen.get(running.base + "/console", allow_redirects=False) as resp:
            assert resp.status == 200

        status, where, _ = await post(http, running.base + "/admin/users/c1/deactivate", token)

        assert (status, where) == (303, "/admin/users/c1?done=deactivate")
        async with chen.get(running.base + "/console", allow_redirects=False) as resp:
            assert resp.status == 302 and resp.headers["Location"].startswith("/login")
    assert ("a1", "account.deactivate", "counselor:c1") in await actions(running)
    status, where, _ = await post(http, running.base + "/admin/users/c1/reactivate", token)
    async with running.server.container.uow() as uow:
        chen_row = await uow.counselors.get("c1")
    assert status == 303 and chen_row is not None and chen_row.active


async def test_someone_holding_an_open_chat_is_not_deactivated(running: Running,
                                                               http: aiohttp.ClientSession) -> None:
    """Safety rule 2: deactivating the holder would leave a resident's chat with nobody."""
    now = running.clock.now()
    async with running.server.container.uow() as uow:
        resident = await uow.residents.get_or_create("p-held", "web", now)
        conv = await uow.conversations.add(Conversation(resident_id=resident.id, channel="web",
                                                        chat_key="k", created_at=now, updated_at=now))
        uow.session.add(Handoff(conversation_id=conv.id, state="active", level="high", counselor_id="c2",
                                created_at=now - timedelta(minutes=5), accepted_at=now))
        await uow.commit()
    token = await login(http, running.base, "ada")

    status, _, body = await post(http, running.base + "/admin/users/c2/deactivate", token)

    assert status == 409 and "holds 1 open chat(s)" in body
    async with running.server.container.uow() as uow:
        li = await uow.counselors.get("c2")
    assert li is not None and li.active


async def test_the_last_admin_cannot_lock_everyone_out(running: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "ada")

    status, _, body = await post(http, running.base + "/admin/users/a1", token, {
        "name": "Admin Ada", "roles": "counselor", "languages": "zh", "web_login": "ada"})
    assert status == 400 and "last active admin" in body
    status, _, _ = await post(http, running.base + "/admin/users/a1/deactivate", token)
    assert status == 409
    async with running.server.container.uow() as uow:
        ada = await uow.counselors.get("a1")
    assert ada is not None and ada.active and ada.roles == ["admin"]


async def test_wrong_codes_void_the_code_and_a_short_password_is_refused(
        running: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "ada")
    code = code_in((await post(http, running.base + "/admin/users/c2/password-code", token))[2])

    status, body = await set_password(running.base, "li", code, "short")
    assert status == 400 and "at least 10 characters" in body and 'value="li"' in body
    status, body = await set_password(running.base, "li", code, NEW_PASSWORD, again="something else!")
    assert status == 400 and "differ" in body
    for _ in range(5):
        status, _ = await set_password(running.base, "li", "AAAA-BBBB-CCCC", NEW_PASSWORD)
        assert status == 400

    status, body = await set_password(running.base, "li", code, NEW_PASSWORD)

    assert status == 400 and "do not match" in body  # five wrong tries voided the right code
    assert ("c2", "account.password_code_voided", "counselor:c2") in await actions(running)


async def test_the_audit_page_filters_and_checks_the_chain(running: Running,
                                                         http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "ada")
    await post(http, running.base + "/admin/users/c2/password-code", token)

    async with http.get(running.base + "/admin/audit?action=account.&verify=1") as resp:
        body = await resp.text()
    assert resp.status == 200 and "audit chain intact" in body
    rows = body.split('id="audit"')[1]
    assert "account.password_code" in rows and ">login<" not in rows
    async with running.server.container.uow() as uow:  # someone edits a row behind the app's back
        first = await uow.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id).limit(1))
        await uow.session.execute(update(AuditEntry).where(AuditEntry.id == first).values(actor="x"))
        await uow.commit()
    async with http.get(running.base + "/admin/audit?verify=1&actor=a1") as resp:
        body = await resp.text()
    assert f"audit chain broken at id {first}: edited" in body
    async with http.get(running.base + "/admin/audit?since=yesterday-ish") as resp:
        assert resp.status == 400 and "From" in await resp.text()


async def test_an_account_cannot_take_a_station_that_does_not_exist(
        running: Running, http: aiohttp.ClientSession) -> None:
    token = await login(http, running.base, "ada")
    status, _, body = await post(http, running.base + "/admin/users", token, {**NEW, "station": "nowhere"})
    assert status == 400 and "There is no station" in body
    async with running.server.container.uow() as uow:
        assert await uow.session.scalar(select(Counselor).where(Counselor.id == "zhou")) is None
