"""A reloaded chat page gets back what the live one showed: answer buttons and the counselor's alias."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.web.chat_page import pick_lang
from tests.web.conftest import CRISIS_EN, Browserish, Resident


def bot_with_buttons(f: dict) -> bool:
    return f["type"] == "msg" and f["sender"] == "bot" and bool(f["buttons"])


async def reload(tab: Browserish) -> Resident:
    """A fresh page in the same browser: it knows no sequence number, so it gets the whole transcript."""
    again = Resident(tab)
    await again.connect()
    return again


async def test_unanswered_buttons_come_back_after_a_reload_and_answered_ones_do_not(
        client: Callable[[], Browserish]) -> None:
    tab = client()
    r = Resident(tab)
    await r.connect()
    await r.send("I can't sleep at night, what can I do?")
    live = await r.wait(bot_with_buttons)
    await r.ws.close()  # type: ignore[union-attr]

    first = await reload(tab)
    shown = {m["seq"]: m for m in first.messages()}
    await first.send("thanks")
    await first.wait(lambda f: f["type"] == "ack")
    await first.wait(lambda f: f["type"] == "msg" and f["sender"] == "bot" and f["seq"] > live["seq"])
    await first.ws.close()  # type: ignore[union-attr]
    second = await reload(tab)
    later = {m["seq"]: m for m in second.messages()}

    assert shown[live["seq"]]["buttons"] == live["buttons"]
    assert later[live["seq"]]["buttons"] == []  # the resident wrote since: no stale choice


async def test_the_counselors_alias_comes_back_after_a_reload(client: Callable[[], Browserish]) -> None:
    tab = client()
    r = Resident(tab)
    await r.connect()
    await r.send(CRISIS_EN)
    await r.wait(lambda f: f["type"] == "state" and f["state"] == "waiting")
    li = client()
    await li.login("li")
    _, queue = await li.api("GET", "/console/api/queue")
    h = queue["queue"][0]
    await li.api("POST", f"/console/api/handoffs/{h['id']}/accept")
    await li.api("POST", f"/console/api/handoffs/{h['id']}/relay", {"text": "I am here with you."})
    live = await r.wait(lambda f: f["type"] == "msg" and f["sender"] == "counselor")
    await r.ws.close()  # type: ignore[union-attr]

    again = await reload(tab)
    back = [m for m in again.messages() if m["sender"] == "counselor"]

    assert live["alias"] == "Xiao Li"
    assert [(m["seq"], m["alias"]) for m in back] == [(live["seq"], "Xiao Li")]
    assert back[0]["text"] == "I am here with you."


@pytest.mark.parametrize(("query", "cookie", "header", "lang"), [
    (None, None, "en-US,en;q=0.9,zh-CN;q=0.8", "en"),
    (None, None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
    (None, None, "fr-FR,fr;q=0.9,en;q=0.7,zh;q=0.6", "en"),
    (None, None, "de, *", "zh"),                      # neither offered: the default
    (None, None, "en;q=0, zh;q=0.1", "zh"),           # q=0 means "not this one"
    (None, None, "en;q=abc, zh-TW", "zh"),            # an unreadable weight skips that entry only
    (None, "zh", "en-US", "zh"),                      # the remembered switch beats the browser
    ("en", "zh", "zh-CN", "en"),                      # an explicit ?lang= beats both
    ("xx", "yy", None, "zh"),                         # junk anywhere: the default, no error
])
def test_the_page_language(query: str | None, cookie: str | None, header: str | None, lang: str) -> None:
    assert pick_lang(query, cookie, header) == lang
