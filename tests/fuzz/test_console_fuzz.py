"""The counselor console on a live handoff under hostile bodies: relay, duty, close and the chat
pane answer cleanly (never 5xx, never a Python error), and the chat still works afterwards."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.server import Server
from tests.fuzz.http_client import LEAKS, json_values
from tests.fuzz.strategies import hostile_text
from tests.web.conftest import CRISIS_EN, Browserish, Resident

FUZZ = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@dataclass
class Live:
    resident: Resident
    counselor: Browserish
    hid: int


@pytest.fixture
async def live(web: Server) -> AsyncIterator[Live]:
    base = f"http://127.0.0.1:{web.port}"
    resident, counselor = Resident(Browserish(base)), Browserish(base)
    await resident.connect()
    await resident.send(CRISIS_EN)
    await resident.wait(lambda f: f["type"] == "state" and f["state"] == "waiting")
    await counselor.login("li")
    _, queue = await counselor.api("GET", "/console/api/queue")
    hid = queue["queue"][0]["id"]
    assert (await counselor.api("POST", f"/console/api/handoffs/{hid}/accept"))[0] == 200
    yield Live(resident, counselor, hid)
    await resident.tab.close()
    await counselor.close()


bodies = st.one_of(
    st.builds(lambda t: {"text": t}, hostile_text),
    st.builds(lambda o, f: {"outcome": o, "followup": f}, st.one_of(st.sampled_from(["", "x", "RESOLVED"]),
                                                                    json_values), json_values),
    st.builds(lambda a: {"available": a}, json_values),
    json_values,
)


@FUZZ
@given(action=st.sampled_from(["relay", "close", "duty", "accept"]), body=bodies)
async def test_hostile_console_bodies_on_a_live_chat_get_clean_answers(live: Live, action: str,
                                                                      body: Any) -> None:
    path = "/console/api/duty" if action == "duty" else f"/console/api/handoffs/{live.hid}/{action}"
    if action == "close" and isinstance(body, dict) and body.get("outcome") in ("resolved", "referred"):
        body = {**body, "outcome": "not-an-outcome"}  # keep the chat open for the next example

    status, answer = await live.counselor.api("POST", path, body)

    text = answer if isinstance(answer, str) else json.dumps(answer)
    assert status < 500 and not LEAKS.search(text), (status, text[:300])
    status, pane = await live.counselor.api("GET", f"/console/api/handoffs/{live.hid}")
    assert status == 200 and pane["mine"], pane
