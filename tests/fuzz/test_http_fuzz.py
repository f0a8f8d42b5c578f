"""Every HTTP endpoint of the real aiohttp server under hostile requests, as every kind of
visitor: the answer is never a 5xx and never shows a Python error; the server keeps serving."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.server import Server
from tests.fuzz.http_client import (
    LEAKS,
    Attempt,
    Route,
    app_routes,
    bodies,
    describe,
    fill,
    path_values,
    query_strings,
)
from tests.web.conftest import Browserish

FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
VISITORS = ("resident", "li", "zhao", "admin")  # resident, counselor, coordinator, admin


@pytest.fixture
async def tabs(web: Server) -> AsyncIterator[dict[str, Browserish]]:
    made = {who: Browserish(f"http://127.0.0.1:{web.port}") for who in VISITORS}
    await made["resident"].page("/chat")
    for who in VISITORS[1:]:
        await made[who].login(who)
    yield made
    for tab in made.values():
        await tab.close()


def routes_of(web: Server) -> list[Route]:
    assert web.runner is not None
    return app_routes(web.runner.app)


@st.composite
def mutations(draw: st.DrawFn) -> dict[str, object]:
    """One hostile variation, applied to every route in turn (so no route waits for luck)."""
    body, ctype = draw(bodies())
    return {"values": draw(st.lists(path_values, min_size=3, max_size=3)), "query": draw(query_strings),
            "body": body, "ctype": ctype, "visitor": draw(st.sampled_from(VISITORS)),
            "other_method": draw(st.sampled_from([None, None, "GET", "POST", "PUT", "DELETE"])),
            "csrf": draw(st.sampled_from(["valid", "valid", "missing", "wrong"]))}


def attempt_for(route: Route, m: dict[str, object]) -> tuple[str, Attempt]:
    path = fill(route.template, list(m["values"]))  # type: ignore[call-overload]
    visitor = "resident" if path == "/logout" else str(m["visitor"])  # keep the staff tabs logged in
    method = str(m["other_method"] or route.method)
    return visitor, Attempt(method, path, str(m["query"]), m["body"], m["ctype"], str(m["csrf"]))  # type: ignore[arg-type]


def test_the_fuzzer_sees_every_kind_of_route(web: Server) -> None:
    templates = {r.template for r in routes_of(web)}

    assert {"/chat", "/chat/ws", "/login", "/console/api/handoffs/{hid}/relay", "/healthz"} <= templates
    assert any(t.startswith("/static/") for t in templates)


@FUZZ
@given(mutation=mutations())
async def test_hostile_requests_get_a_clean_answer_and_the_server_keeps_serving(
        web: Server, tabs: dict[str, Browserish], mutation: dict[str, object]) -> None:
    for route in routes_of(web):
        if route.template.endswith("/ws") and mutation["other_method"] is None:
            continue  # sockets have their own fuzz below
        visitor, attempt = attempt_for(route, mutation)
        tab = tabs[visitor]

        status, body = await attempt.send(tab.http, tab.base, tab.csrf)

        assert status < 500, (status, visitor, describe(attempt), body[:300])
        assert not LEAKS.search(body), (visitor, describe(attempt), body[:500])
    health, _ = await tabs["resident"].page("/healthz")
    assert health == 200
