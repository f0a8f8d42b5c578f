"""Regressions for the outside probe's findings (issue 19): each test failed before its fix."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import aiohttp
from aiohttp.test_utils import TestServer

from bot.conversation.handoffs import PAGED_REQUESTS_PER_WINDOW
from bot.conversation.waiting import CANCEL_REQUEST
from bot.security.budget import WindowBudget
from bot.security.login_throttle import FREE_PER_LOGIN_AND_ADDRESS
from bot.server import Server
from bot.web.app import create_app
from bot.web.auth import hash_password
from bot.web.flood import FLOOD, NEW_CHATS_PER_ADDRESS, SHOWN_S
from config.emergency import load_emergency
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
    await li.api("POST", f"/console/api/handoffs/{first['id']}/close",
                 {"outcome": "resolved", "safety_check": "safety_plan"})  # an imminent chat needs one
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


async def test_an_empty_multipart_post_before_login_is_a_400(client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.page("/login")
    headers = {"Content-Type": "multipart/form-data; boundary=zz"}
    async with tab.http.post(tab.base + "/login", data=b"", headers=headers) as resp:
        status, text = resp.status, await resp.text()

    assert status == 400 and "could not be read" in text


async def test_a_hello_with_an_unreadable_last_seq_is_refused_clearly(
        client: Callable[[], Browserish]) -> None:
    r = await crisis_resident(client)  # a conversation exists, so last_seq reaches the database
    answers = []
    for last_seq in (10**30, True, 1e30, -1):
        ws = await r.tab.http.ws_connect(r.tab.base + "/chat/ws")
        await ws.send_json({"type": "hello", "last_seq": last_seq, "csrf": r.tab.csrf})
        frame = await ws.receive_json(timeout=5)
        closed = await ws.receive(timeout=5)
        answers.append((frame, ws.close_code or closed.data))
        await ws.close()

    assert all(frame == {"type": "error", "code": "bad_last_seq"} for frame, _ in answers), answers
    assert all(code != 1011 for _, code in answers), answers


async def test_dates_at_the_ends_of_the_calendar_are_a_400(client: Callable[[], Browserish]) -> None:
    zhao = client()
    await zhao.login("zhao")
    statuses = {}
    for path in ("/admin/reports?from=0001-01-01", "/admin/reports?from=9999-12-30",
                 "/admin/reports?from=0001-01-01&to=0001-01-02", "/admin/rota?date=9999-12-31&view=month",
                 "/admin/rota?date=0001-01-01&view=month", "/admin/rota?date=9999-12-31&view=week"):
        statuses[path] = (await zhao.page(path))[0]

    assert set(statuses.values()) <= {200, 400}, statuses


async def test_headers_allow_sockets_only_to_this_site_and_name_no_server_version(
        client: Callable[[], Browserish]) -> None:
    tab = client()
    async with tab.http.get(tab.base + "/chat") as resp:
        csp, server = resp.headers["Content-Security-Policy"], resp.headers.get("Server", "")

    connect = next(part.split()[1:] for part in csp.split(";") if part.split()[:1] == ["connect-src"])
    assert connect == ["'self'"]
    assert "aiohttp" not in server.lower() and "python" not in server.lower(), server


async def test_hsts_is_sent_only_where_cookies_are_secure(web: Server) -> None:
    secure = dataclasses.replace(web.container,
                                 settings=web.container.settings.model_copy(update={"cookie_secure": True}))
    seen = {}
    for name, container in (("plain", web.container), ("secure", secure)):
        async with TestServer(create_app(container), host="127.0.0.1") as srv, \
                aiohttp.ClientSession() as http, http.get(str(srv.make_url("/login"))) as resp:
            seen[name] = resp.headers.get("Strict-Transport-Security")

    assert seen["plain"] is None
    assert seen["secure"] is not None and "max-age=31536000" in seen["secure"]


def _cookie(tab: Browserish) -> str:
    return next(c.value for c in tab.http.cookie_jar if c.key == "hotline_session")


async def _queue_with(tab: Browserish, cookie: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(
            tab.base + "/console/api/queue", headers={"Cookie": f"hotline_session={cookie}",
                                                      "Accept": "application/json"}) as resp:
        return resp.status


async def test_logout_ends_the_session_even_for_a_saved_copy_of_the_cookie(
        client: Callable[[], Browserish]) -> None:
    li, other = client(), client()
    await li.login("li")
    await other.login("li")  # the same counselor on a second device
    saved = _cookie(li)
    before = await _queue_with(li, saved)

    await li.api("POST", "/logout")

    assert before == 200
    assert await _queue_with(li, saved) == 401
    assert (await other.api("GET", "/console/api/queue"))[0] == 200  # logout ends one session


async def test_a_password_change_or_deactivation_ends_every_session(
        web: Server, client: Callable[[], Browserish]) -> None:
    li, wang = client(), client()
    await li.login("li")
    await wang.login("wang")
    async with web.container.uow() as uow:
        c1, c2 = await uow.counselors.get("c1"), await uow.counselors.get("c2")
        assert c1 is not None and c2 is not None
        c1.password_hash = hash_password("a-new-password-for-li")
        c2.active = False
        await uow.commit()
    async with web.container.uow() as uow:
        c2 = await uow.counselors.get("c2")
        assert c2 is not None
        c2.active = True  # reactivated: the old cookie must stay dead
        await uow.commit()

    assert (await li.api("GET", "/console/api/queue"))[0] == 401
    assert (await wang.api("GET", "/console/api/queue"))[0] == 401


async def test_a_guesser_elsewhere_slows_only_themself_and_the_owner_is_told(
        web: Server, client: Callable[[], Browserish]) -> None:
    guesser, owner = client(), client()
    await guesser.http.close()  # the guesser comes from another address on the loopback
    guesser.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                         connector=aiohttp.TCPConnector(local_addr=("127.0.0.2", 0)))
    tries = [await guesser.login("li", f"guess-{n}") for n in range(FREE_PER_LOGIN_AND_ADDRESS)]
    slowed = await guesser.login("li")  # even the right password waits its turn from there

    owner_in = await owner.login("li")
    async with web.container.uow() as uow:
        logins = [e.detail for e in await uow.audit.all() if e.action == "login"]

    assert tries == [401] * FREE_PER_LOGIN_AND_ADDRESS and slowed == 429
    assert owner_in == 302
    assert logins[-1]["failed_before"] == FREE_PER_LOGIN_AND_ADDRESS


# ---- finding 4: a flood of new anonymous chats from one address ---------------------------------
async def _new_chat(web: Server, address: str, cookies: aiohttp.CookieJar | None = None) -> tuple[int, str]:
    """GET /chat as a fresh browser (or one with `cookies`) behind the proxy, from `address`."""
    jar = cookies if cookies is not None else aiohttp.CookieJar(unsafe=True)  # an empty jar is falsy
    async with aiohttp.ClientSession(cookie_jar=jar) as http, \
            http.get(f"http://127.0.0.1:{web.port}/chat", headers={"X-Forwarded-For": address}) as resp:
        return resp.status, await resp.text()


async def test_new_chats_from_one_address_past_the_budget_get_the_numbers_and_no_identity(
        web: Server) -> None:
    """Regression (probe): 15 fresh cookies from one address opened 15 chats and 15 imminent
    handoffs. Past the budget a new chat gets a 429 page with the emergency numbers; another
    address, and a resident whose chat is already open there, go on as before."""
    first_number = load_emergency(web.container.settings.config_dir).lines[0].number
    regular = aiohttp.CookieJar(unsafe=True)
    assert (await _new_chat(web, "203.0.113.7", regular))[0] == 200  # a resident already chatting

    statuses = [(await _new_chat(web, "203.0.113.7"))[0] for _ in range(NEW_CHATS_PER_ADDRESS + 4)]
    status, page = await _new_chat(web, "203.0.113.7")

    left = NEW_CHATS_PER_ADDRESS - 1  # the first chat from there was the regular resident's
    assert statuses[:left] == [200] * left and set(statuses[left:]) == {429}
    assert status == 429 and first_number in page and "few minutes" in page
    assert (await _new_chat(web, "198.51.100.9"))[0] == 200
    assert (await _new_chat(web, "203.0.113.7", regular))[0] == 200
    assert web.runner is not None
    assert web.runner.app[FLOOD].snapshot() == {"new_chats_refused": 6, "flooding_addresses": 1,
                                                "window_s": int(SHOWN_S)}


def test_a_budget_comes_back_as_its_window_slides() -> None:
    now = [0.0]
    budget = WindowBudget(limit=2, window_s=60, clock=lambda: now[0])

    taken = [budget.take("a"), budget.take("a"), budget.take("a"), budget.take("b")]
    now[0] = 59.0
    still = budget.take("a")
    now[0] = 60.5
    again = budget.take("a")

    assert taken == [True, True, False, True] and not still and again


async def test_cookies_are_secure_by_default_outside_demo_mode(web: Server) -> None:
    """Regression (probe finding 7): cookie_secure was off unless set, so a deployment that forgot
    it sent session cookies over plain HTTP, with no HSTS. Now unset means on, except in demo mode."""
    seen = {}
    for name, update in (("default", {"cookie_secure": None, "demo": False}),
                         ("demo", {"cookie_secure": None, "demo": True}),
                         ("forced off", {"cookie_secure": False, "demo": False})):
        settings = web.container.settings.model_copy(update=update)
        container = dataclasses.replace(web.container, settings=settings)
        async with TestServer(create_app(container), host="127.0.0.1") as srv, \
                aiohttp.ClientSession() as http, http.get(str(srv.make_url("/chat"))) as resp:
            cookie = resp.headers.get("Set-Cookie", "")
            seen[name] = ("Secure" in cookie, "Strict-Transport-Security" in resp.headers, bool(cookie))

    assert seen == {"default": (True, True, True), "demo": (False, False, True),
                    "forced off": (False, False, True)}


# ---- finding 4: a flood is visible on the board -------------------------------------------------
async def test_the_board_shows_refused_new_chats_and_requests_that_paged_nobody_but_no_address(
        web: Server, client: Callable[[], Browserish]) -> None:
    """Regression (probe): FloodWatch counted refusals 'for the board', which never showed them, and
    nothing bounded one chat's requests. The board now says both for the last hour; never an address."""
    zhao = client()
    await zhao.login("zhao")
    _, calm = await zhao.page("/admin/board")
    for _ in range(NEW_CHATS_PER_ADDRESS + 2):
        await _new_chat(web, "203.0.113.7")
    r = await crisis_resident(client)
    for n in range(PAGED_REQUESTS_PER_WINDOW):
        await r.ws.send_json({"type": "button", "cid": f"w{n}", "data": CANCEL_REQUEST})  # type: ignore[union-attr]
        await r.wait(lambda f: f["type"] == "state" and f["state"] == "self_help")
        await _crisis_again(r)  # the last one is past the budget

    _, board = await zhao.page("/admin/board")
    _, api = await zhao.api("GET", "/admin/api/board")
    flood = board.split('id="flood"')[1].split("</section>")[0]

    assert 'id="flood"' in calm and "No flood" in calm
    assert "2 new chats refused from 1 address(es)" in flood
    assert "1 requests for a counselor paged nobody" in flood
    assert "203.0.113.7" not in board and "203.0.113.7" not in str(api)
    assert api["flood"] == {"new_chats_refused": 2, "flooding_addresses": 1, "unpaged_requests": 1,
                            "paged_per_hour": PAGED_REQUESTS_PER_WINDOW, "window_min": 60}
    unpaged = [row for row in api["rows"] if not row["accepted"]]
    assert [(row["level"], row["state"], row["offered_to"]) for row in unpaged] == [
        ("imminent", "fallback", "")]


# ---- finding 7: a plain GET /leave unlinked a resident's chat -------------------------------------
async def test_a_plain_get_of_the_exit_page_keeps_the_chat_and_only_the_button_unlinks(
        client: Callable[[], Browserish]) -> None:
    """Regression (probe finding 7): any GET /leave dropped the resident's token (a link prefetch,
    an image tag on another site, a link followed by mistake), so the chat was out of reach. Now
    the page changes nothing; the quick-exit button's POST to /chat/unlink (CSRF-checked) unlinks."""
    r = await crisis_resident(client)
    tab = r.tab
    fetches = ({}, {"Sec-Purpose": "prefetch"}, {"Sec-Fetch-Dest": "image", "Sec-Fetch-Site": "cross-site"})
    cookies_set = []
    for headers in fetches:
        async with tab.http.get(tab.base + "/leave", headers=headers) as resp:
            cookies_set.append((resp.status, "Set-Cookie" in resp.headers))
    _, after_gets = await tab.api("GET", "/chat/state")
    async with tab.http.post(tab.base + "/chat/unlink", data={"csrf_token": "forged"}) as resp:
        forged = resp.status
    _, after_forged = await tab.api("GET", "/chat/state")
    async with tab.http.post(tab.base + "/chat/unlink", data={"csrf_token": tab.csrf}) as resp:
        pressed = resp.status
    _, after_button = await tab.api("GET", "/chat/state")

    assert cookies_set == [(200, False)] * len(fetches)
    assert after_gets["state"] == "waiting"
    assert forged == 403 and after_forged["state"] == "waiting"
    assert pressed == 204 and after_button["state"] == "new"
