"""Who may open the dashboard, and that every change needs the CSRF token."""

from __future__ import annotations

import aiohttp
import pytest

from tests.web.admin.conftest import Running, login

PAGES = ("/admin", "/admin/board", "/admin/counselors", "/admin/reports", "/admin/rota")


@pytest.mark.parametrize("path", PAGES)
async def test_a_resident_without_login_is_sent_to_the_login_page(
        running: Running, http: aiohttp.ClientSession, path: str) -> None:
    async with http.get(running.base + path, allow_redirects=False) as resp:
        assert resp.status == 302
        assert resp.headers["Location"].startswith("/login")


async def test_a_counselor_gets_403_on_every_dashboard_page(running: Running,
                                                            http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "chen")
    statuses = {}
    for path in (*PAGES, "/admin/api/board", "/admin/reports.csv"):
        async with http.get(running.base + path, allow_redirects=False) as resp:
            statuses[path] = resp.status
    assert set(statuses.values()) == {403}, statuses


async def test_a_coordinator_opens_the_dashboard(running: Running, http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.get(running.base + "/admin") as resp:
        body = await resp.text()
    assert resp.status == 200
    assert "Open handoffs" in body
    assert "<script>" not in body and "style=" not in body  # CSP: no inline script or style


async def test_a_post_without_the_csrf_token_is_refused(running: Running,
                                                        http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.post(running.base + "/admin/counselors/c2/invite", data={},
                         allow_redirects=False) as resp:
        assert resp.status == 403
    async with running.server.container.uow() as uow:
        actions = [e.action for e in await uow.audit.all()]
    assert "invite.create" not in actions


async def test_a_post_with_a_wrong_csrf_token_is_refused(running: Running,
                                                         http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "kim")
    async with http.post(running.base + "/admin/rota/swaps/1/approve", data={"csrf_token": "forged"},
                         allow_redirects=False) as resp:
        assert resp.status == 403


async def test_an_admin_may_open_the_dashboard(running: Running, http: aiohttp.ClientSession) -> None:
    await login(http, running.base, "ada")
    async with http.get(running.base + "/admin/reports") as resp:
        assert resp.status == 200
