"""Every HTTP route for every role (resident, counselor, coordinator, admin): allowed exactly
where bot.security.roles says so, refused (401/403 or a redirect to /login) everywhere else.

Routes come from the app's router, so a new route that this table does not know fails
`test_every_route_is_in_the_matrix` until someone decides who may open it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.security.roles import allowed, staff_actor
from bot.server import Server
from tests.web.conftest import STAFF, Browserish

PUBLIC = "public"
# Public, but their own answer is a 401 (wrong password) or a redirect to /login (logged out):
# for these only a 403 or a 5xx would be wrong.
LOGIN_FLOW = "login flow"
# Open to no session at all: only Telegram, which sends the webhook's secret header, gets in.
TELEGRAM_SECRET = "telegram secret"
# (method, route template) -> the actions its guard requires, or PUBLIC. HEAD follows GET.
MATRIX: dict[tuple[str, str], tuple[str, ...] | str] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    # Prometheus text: admins, or the scraper's bearer token (tests/web/test_health.py); never text.
    ("GET", "/metrics"): ("metrics.read",),
    ("GET", "/static/{filename}"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): LOGIN_FLOW,
    ("POST", "/logout"): LOGIN_FLOW,
    ("GET", "/chat"): PUBLIC,
    ("GET", "/chat/ws"): PUBLIC,
    ("GET", "/chat/state"): PUBLIC,
    ("POST", "/chat/unlink"): PUBLIC,
    ("GET", "/leave"): PUBLIC,
    ("POST", "/telegram/webhook"): TELEGRAM_SECRET,
    ("GET", "/console"): ("handoff.queue",),
    ("GET", "/console/ws"): ("handoff.queue",),
    ("GET", "/console/api/queue"): ("handoff.queue",),
    ("GET", "/console/api/handoffs/{hid}"): ("handoff.queue", "conversation.read"),
    ("POST", "/console/api/duty"): ("duty.toggle",),
    ("POST", "/console/api/handoffs/{hid}/accept"): ("handoff.accept",),
    ("POST", "/console/api/handoffs/{hid}/relay"): ("handoff.relay",),
    ("POST", "/console/api/handoffs/{hid}/close"): ("handoff.close",),
    ("GET", "/console/api/colleagues"): ("handoff.transfer",),
    ("GET", "/console/api/followups"): ("handoff.queue",),
    ("GET", "/console/api/handoffs/{hid}/history"): ("handoff.queue", "conversation.read"),
    ("POST", "/console/api/handoffs/{hid}/decline"): ("handoff.decline",),
    ("POST", "/console/api/handoffs/{hid}/transfer"): ("handoff.transfer",),
    ("POST", "/console/api/handoffs/{hid}/handback"): ("handoff.handback",),
    ("GET", "/console/api/supervise"): ("handoff.supervise",),
    ("GET", "/console/api/handoffs/{hid}/watch"): ("handoff.supervise", "conversation.read"),
    ("POST", "/console/api/handoffs/{hid}/join"): ("handoff.supervise", "conversation.read"),
    ("POST", "/console/api/handoffs/{hid}/supervisor-relay"): ("handoff.supervise", "handoff.relay"),
    ("GET", "/admin"): ("handoff.board",),
    ("GET", "/admin/rota"): ("rota.edit",),
    ("POST", "/admin/rota/overrides"): ("rota.override",),
    ("POST", "/admin/rota/overrides/{override_id}/delete"): ("rota.override",),
    ("POST", "/admin/rota/swaps"): ("rota.swap_approve",),
    ("POST", "/admin/rota/swaps/{swap_id}/{verdict}"): ("rota.swap_approve",),
    ("POST", "/admin/rota/leave"): ("rota.edit",),
    ("POST", "/admin/rota/leave/{leave_id}/delete"): ("rota.edit",),
    ("GET", "/admin/rota/rotations"): ("rota.edit",),
    ("POST", "/admin/rota/rotations"): ("rota.edit",),
    ("GET", "/admin/rota/rotations/{rotation_id}"): ("rota.edit",),
    ("POST", "/admin/rota/rotations/{rotation_id}"): ("rota.edit",),
    ("POST", "/admin/rota/rotations/{rotation_id}/delete"): ("rota.edit",),
    ("POST", "/admin/rota/undo"): ("rota.edit",),
    ("GET", "/admin/board"): ("handoff.board",),
    ("GET", "/admin/api/board"): ("handoff.board",),
    ("GET", "/admin/board/assign/{hid}"): ("handoff.assign",),
    ("POST", "/admin/board/assign/{hid}"): ("handoff.assign",),
    ("GET", "/admin/counselors"): ("counselor.manage",),
    ("POST", "/admin/counselors/{counselor_id}/invite"): ("invite.create",),
    ("GET", "/admin/reports"): ("reports.view",),
    ("GET", "/admin/kb"): ("reports.view",),
    ("GET", "/admin/reports.csv"): ("reports.view", "export"),
    ("GET", "/admin/users"): ("user.manage",),
    ("POST", "/admin/users"): ("user.manage",),
    ("GET", "/admin/users/{counselor_id}"): ("user.manage",),
    ("POST", "/admin/users/{counselor_id}"): ("user.manage",),
    ("POST", "/admin/users/{counselor_id}/deactivate"): ("user.manage",),
    ("POST", "/admin/users/{counselor_id}/reactivate"): ("user.manage",),
    ("POST", "/admin/users/{counselor_id}/password-code"): ("user.manage",),
    ("GET", "/admin/audit"): ("audit.view",),
    # Set a password with an admin's one-time code: no login (the code is the proof).
    ("GET", "/password"): PUBLIC,
    ("POST", "/password"): PUBLIC,
    # My shifts (bot/web/console_rota.py): the counselor's own duty and requests.
    ("GET", "/console/shifts"): ("swap.request",),
    ("POST", "/console/shifts/swap"): ("swap.request",),
    ("POST", "/console/shifts/swaps/{swap_id}/{answer}"): ("swap.request",),
    ("POST", "/console/shifts/leave"): ("swap.request",),
    ("POST", "/console/shifts/{kind}/{request_id}/withdraw"): ("swap.request",),
    ("POST", "/console/shifts/calendar"): ("swap.request",),
    ("POST", "/console/shifts/calendar/revoke"): ("swap.request",),
    ("POST", "/admin/rota/leave-requests/{request_id}/{verdict}"): ("rota.edit",),
    # A calendar app fetches the feed without a login: the token in the URL is the secret.
    ("GET", "/ical/{token}.ics"): PUBLIC,
}
ROLES = {"resident": None, "counselor": "li", "coordinator": "zhao", "admin": "admin"}
# Ids that exist nowhere: an allowed request reaches the handler and gets 404 or 400, never 403.
FILL = {"hid": "999999", "override_id": "999999", "swap_id": "999999", "verdict": "approve",
        "counselor_id": "nobody", "leave_id": "999999", "rotation_id": "nobody", "filename": "base.css",
        "request_id": "nobody", "token": "no-such-token", "kind": "leave",
        "answer": "agree"}


def route_table(app: Any) -> dict[tuple[str, str], Any]:
    """(method, template) -> handler for every route the app serves (HEAD folded into GET)."""
    table = {}
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        template = info.get("formatter") or info.get("path") or info.get("prefix", "") + "/{filename}"
        template = re.sub(r"\{(\w+):[^}]*\}", r"{\1}", template)
        if route.method != "HEAD":
            table[(route.method, template)] = route.handler
    return table


def declared_actions(handler: Any) -> tuple[str, ...] | None:
    """The actions a `@require_staff(...)` handler declares (read from its closure), else None."""
    code = getattr(handler, "__code__", None)
    if code is None or "actions" not in code.co_freevars or not hasattr(handler, "__wrapped__"):
        return None
    return tuple(handler.__closure__[code.co_freevars.index("actions")].cell_contents)


def expected_allowed(role: str, guard: tuple[str, ...] | str) -> bool:
    if guard in (PUBLIC, LOGIN_FLOW):
        return True
    if guard == TELEGRAM_SECRET:
        return False  # no role's cookie opens it (bot/cluster/webhook.py checks the secret)
    if role == "resident":
        return False  # no staff action is open to residents
    roles = next(s.roles for s in STAFF if s.login == ROLES[role])
    return all(allowed(staff_actor("x", list(roles)), action) for action in guard)


def path_for(template: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: FILL[m.group(1)], template)


def refused(status: int, location: str) -> bool:
    return status in (401, 403) or (status in (302, 303) and location.startswith("/login"))


async def outcome(tab: Browserish, method: str, template: str) -> tuple[int, str]:
    """(status, Location) of one request with this tab's cookies and CSRF token."""
    url = tab.base + path_for(template)
    if template.endswith("/ws"):
        try:
            ws = await tab.http.ws_connect(url)
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status, (exc.headers or {}).get("Location", "")
        await ws.close()
        return 101, ""
    headers = {"X-CSRF-Token": tab.csrf}
    if "/api/" in template:
        headers["Accept"] = "application/json"
    body = {"csrf_token": tab.csrf} if method == "POST" and "/api/" not in template else None
    async with tab.http.request(method, url, headers=headers, data=body, allow_redirects=False,
                                json={} if method == "POST" and body is None else None) as resp:
        return resp.status, resp.headers.get("Location", "")


@pytest.fixture
async def tabs(web: Server) -> AsyncIterator[dict[str, Browserish]]:
    made = {role: Browserish(f"http://127.0.0.1:{web.port}") for role in ROLES}
    for role, tab in made.items():
        await tab.page("/chat")  # everyone may open the chat; it sets the resident cookie
        if ROLES[role]:
            await tab.login(ROLES[role])
    yield made
    for tab in made.values():
        await tab.close()


def test_every_route_is_in_the_matrix(web: Server) -> None:
    assert web.runner is not None
    served = route_table(web.runner.app)

    unknown = sorted(set(served) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(served))

    assert not unknown, f"new routes: add them to MATRIX with the actions their guard requires: {unknown}"
    assert not stale, f"MATRIX lists routes the app no longer serves: {stale}"


def test_the_matrix_agrees_with_each_routes_declared_guard(web: Server) -> None:
    assert web.runner is not None
    served = route_table(web.runner.app)

    declared = {key: declared_actions(h) for key, h in served.items() if declared_actions(h) is not None}

    assert declared, "no route declares its guard with @require_staff any more: re-read bot/web/auth.py"
    assert {key: MATRIX[key] for key in declared} == declared


def test_residents_never_reach_console_or_admin_and_counselors_never_reach_admin() -> None:
    staff_only = [(k, g) for k, g in MATRIX.items() if k[1].startswith(("/console", "/admin"))]
    admin_pages = [(k, g) for k, g in staff_only if k[1].startswith("/admin")]

    assert staff_only and admin_pages
    assert not any(expected_allowed("resident", g) for _, g in staff_only)
    assert not any(expected_allowed("counselor", g) for _, g in admin_pages)


@pytest.mark.parametrize("role", list(ROLES))
async def test_each_route_allows_exactly_the_roles_its_guard_names(
        web: Server, tabs: dict[str, Browserish], role: str) -> None:
    tab = tabs[role]
    wrong = []
    # /logout last: it ends this tab's session.
    for (method, template), guard in sorted(MATRIX.items(), key=lambda kv: kv[0][1] == "/logout"):
        for verb in ((method, "HEAD") if method == "GET" and not template.endswith("/ws") else (method,)):
            status, location = await outcome(tab, verb, template)

            should = expected_allowed(role, guard)
            if guard == LOGIN_FLOW:
                no = status == 403
            elif guard == TELEGRAM_SECRET:  # 403 without the secret, 404 where webhook mode is off
                no = status in (403, 404)
            else:
                no = refused(status, location)
            if status >= 500 or no == should:
                wrong.append(f"{verb} {template}: {status} {location} (expected "
                             f"{'allowed' if should else 'refused'})")

    assert not wrong, "\n".join(wrong)
