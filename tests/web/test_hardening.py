"""Regressions for the outside probe's findings (issue 19): each test failed before its fix."""

from __future__ import annotations

from collections.abc import Callable

from bot.server import Server
from tests.web.conftest import CRISIS_EN, Browserish, Resident
from tests.web.test_console_api import crisis_resident, open_handoff


async def _crisis_again(r: Resident) -> None:
    await r.send(CRISIS_EN)
    await r.wait(lambda f: f["type"] == "state" and f["state"] == "waiting")


async def test_a_former_holder_reads_neither_the_next_handoff_nor_what_came_after_their_close(
        web: Server, client: Callable[[], Browserish]) -> None:
    r = await crisis_resident(client)
    li, wang = client(), client()
    await li.login("li")
    await wang.login("wang")
    first = await open_handoff(li)
    await li.api("POST", f"/console/api/handoffs/{first['id']}/accept")
    await li.api("POST", f"/console/api/handoffs/{first['id']}/relay", {"text": "Li is here."})
    await li.api("POST", f"/console/api/handoffs/{first['id']}/close", {"outcome": "resolved"})
    await r.wait(lambda f: f["type"] == "state" and f["state"] == "self_help")
    await _crisis_again(r)
    second = await open_handoff(wang)
    await wang.api("POST", f"/console/api/handoffs/{second['id']}/accept")
    await wang.api("POST", f"/console/api/handoffs/{second['id']}/relay", {"text": "Wang speaking now."})

    later, body = await li.api("GET", f"/console/api/handoffs/{second['id']}")
    old, pane = await li.api("GET", f"/console/api/handoffs/{first['id']}")
    holder, own = await wang.api("GET", f"/console/api/handoffs/{second['id']}")

    assert second["id"] != first["id"]
    assert later == 403 and "messages" not in body
    texts = [m["text"] for m in pane["messages"]]
    assert old == 200 and "Li is here." in texts and "Wang speaking now." not in texts
    assert holder == 200 and "Wang speaking now." in [m["text"] for m in own["messages"]]
