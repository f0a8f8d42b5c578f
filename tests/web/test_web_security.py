"""Who may open what, CSRF, login throttling and audit, security headers, errors without traces."""

from __future__ import annotations

import base64
from collections.abc import Callable

from aiohttp import web as aioweb
from aiohttp.test_utils import TestServer

from bot.security.login_throttle import FREE_PER_LOGIN_AND_ADDRESS
from bot.server import Server
from bot.web.app import create_app
from bot.web.auth import require_staff
from tests.web.conftest import Browserish


async def test_an_anonymous_resident_is_sent_to_login_from_the_console(
        client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.page("/chat")

    page_status, _ = await tab.page("/console")
    api_status, api_body = await tab.api("GET", "/console/api/queue")

    assert page_status == 302
    assert api_status == 401 and api_body == {"error": "login required"}


async def test_a_resident_cannot_open_admin(client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.page("/chat")

    status, _ = await tab.page("/admin")
    api_status, _ = await tab.api("GET", "/admin/api/board")

    assert status == 302 and api_status == 401


async def test_a_counselor_cannot_open_admin_but_a_coordinator_can(client: Callable[[], Browserish]) -> None:
    counselor, coordinator = client(), client()
    await counselor.login("li")
    await coordinator.login("zhao")

    as_counselor, _ = await counselor.page("/admin")
    api_as_counselor, _ = await counselor.api("GET", "/admin/api/board")
    as_coordinator, _ = await coordinator.page("/admin")

    assert as_counselor == 403 and api_as_counselor == 403
    assert as_coordinator == 200


async def test_a_counselor_cannot_open_a_coordinator_page(web: Server,
                                                          client: Callable[[], Browserish]) -> None:
    """The guard the dashboard uses (`require_staff("rota.edit")`), on a probe route."""
    @require_staff("rota.edit")
    async def probe(request: aioweb.Request) -> aioweb.Response:
        return aioweb.Response(text="rota editor")

    app = create_app(web.container)
    app.router.add_get("/admin-probe", probe)
    app.router.add_get("/admin-probe/api/x", probe)
    async with TestServer(app, host="127.0.0.1") as srv:
        counselor, coordinator = Browserish(str(srv.make_url(""))), Browserish(str(srv.make_url("")))
        try:
            await counselor.login("li")
            await coordinator.login("zhao")
            as_counselor, _ = await counselor.page("/admin-probe")
            api_counselor, _ = await counselor.api("GET", "/admin-probe/api/x")
            as_coordinator, body = await coordinator.page("/admin-probe")
        finally:
            await counselor.close()
            await coordinator.close()

    assert as_counselor == 403 and api_counselor == 403
    assert as_coordinator == 200 and body == "rota editor"


async def test_an_admin_without_a_counselor_role_cannot_open_the_console(
        client: Callable[[], Browserish]) -> None:
    admin = client()
    await admin.login("admin")

    status, _ = await admin.page("/console")

    assert status == 403


async def test_a_post_without_the_csrf_token_is_refused(client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.page("/login")
    async with tab.http.post(tab.base + "/login", data={"login": "li", "password": "li-pass-1"},
                             allow_redirects=False) as resp:
        login_without = resp.status
    await tab.login("li")

    without, _ = await tab.api("POST", "/console/api/duty", {"available": False}, csrf=False)
    with_token, body = await tab.api("POST", "/console/api/duty", {"available": False})

    assert login_without == 403 and without == 403
    assert with_token == 200 and body == {"result": "ok"}


async def test_logins_are_throttled_after_repeated_failures(client: Callable[[], Browserish]) -> None:
    tab = client()
    for _ in range(FREE_PER_LOGIN_AND_ADDRESS):
        assert await tab.login("li", "wrong") == 401

    right_password = await tab.login("li")
    other_login = await tab.login("wang")

    assert right_password == 429
    assert other_login == 302  # the per-login limit does not lock the colleague out


async def test_logins_and_failures_are_audited(web: Server, client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.login("li", "wrong")
    await tab.login("li")

    async with web.container.uow() as uow:
        entries = [(e.actor, e.action) for e in await uow.audit.all()]

    assert ("c1", "login.failed") in entries and ("c1", "login") in entries


async def test_logout_ends_the_session(client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.login("li")
    form = {"csrf_token": tab.csrf}
    async with tab.http.post(tab.base + "/logout", data=form, allow_redirects=False) as resp:
        assert resp.status == 302

    status, _ = await tab.api("GET", "/console/api/queue")

    assert status == 401


async def test_pages_carry_a_strict_content_security_policy(client: Callable[[], Browserish]) -> None:
    tab = client()
    async with tab.http.get(tab.base + "/chat") as resp:
        headers = resp.headers
        body = await resp.text()

    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in body and "style=" not in body  # nothing inline for the CSP to block


async def test_bad_requests_get_a_short_answer_without_a_stack_trace(
        client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.login("li")
    async with tab.http.post(tab.base + "/console/api/handoffs/1/relay", data=b"{not json",
                             headers={"X-CSRF-Token": tab.csrf, "Content-Type": "application/json"}) as r:
        bad_json, bad_body = r.status, await r.text()
    not_a_number, _ = await tab.api("GET", "/console/api/handoffs/abc")
    async with tab.http.post(tab.base + "/login", data=b"x" * 400_000,
                             headers={"Content-Type": "application/x-www-form-urlencoded"}) as r:
        too_big, big_body = r.status, await r.text()

    assert bad_json == 400 and not_a_number == 404 and too_big == 413
    for body in (bad_body, big_body):
        assert "Traceback" not in body and "File \"" not in body


async def test_session_cookie_is_encrypted_and_http_only(client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.login("li")

    cookie = next(c for c in tab.http.cookie_jar if c.key == "hotline_session")

    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # A Fernet token (version byte 0x80 -> "gAAAAA"); the session's contents never show through.
    # (Regression: the old check looked for "c1" in the base64 text, which random ciphertext
    # sometimes contains.)
    raw = base64.urlsafe_b64decode(cookie.value + "=" * (-len(cookie.value) % 4))
    assert cookie.value.startswith("gAAAAA")
    assert b"counselor" not in raw and b'"c1"' not in raw and b"li" not in raw[:16]


async def test_unknown_paths_are_a_friendly_404(client: Callable[[], Browserish]) -> None:
    tab = client()
    async with tab.http.get(tab.base + "/nothing-here") as resp:
        body = await resp.text()

    assert resp.status == 404 and "There is no page here" in body


async def test_login_lands_on_the_page_the_role_uses_and_never_on_another_site(
        client: Callable[[], Browserish]) -> None:
    counselor, admin, tricked = client(), client(), client()
    await counselor.login("li")
    await admin.login("admin")
    await tricked.page("/login")
    form = {"login": "wang", "password": "wang-pass-2", "csrf_token": tricked.csrf,
            "next": "//evil.example/phish"}
    async with tricked.http.post(tricked.base + "/login", data=form, allow_redirects=False) as resp:
        landing = resp.headers["Location"]

    assert counselor.landing == "/console" and admin.landing == "/admin"
    assert landing == "/console"
