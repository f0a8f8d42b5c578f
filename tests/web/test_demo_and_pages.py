"""Demo seeding for `make run`, and what the resident page promises before any script runs."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from bot.demo import DEMO_STAFF, DemoStaff, banner, demo_passwords, seed, seed_staff
from bot.server import Server
from tests.web.conftest import Browserish


async def test_demo_logins_work_and_stay_the_same_across_restarts(
        web: Server, tmp_path: Path, client: Callable[[], Browserish]) -> None:
    staff = (DemoStaff("d-k", "demo-k", "Demo K", "K", ("coordinator", "counselor")),
             DemoStaff("d-c", "demo-c", "Demo C", "C", ("counselor",)))
    logins = [s.login for s in staff]
    first = demo_passwords(tmp_path / "var", logins)
    await seed_staff(web.container.uow, staff, first)

    again = demo_passwords(tmp_path / "var", logins)
    await seed_staff(web.container.uow, staff, again)  # a restart seeds again
    tab = client()
    status = await tab.login("demo-k", again["demo-k"])

    assert again == first and status == 302
    assert oct((tmp_path / "var" / "demo_logins.json").stat().st_mode & 0o777) == "0o600"


async def test_the_demo_seeds_the_demo_rota_and_its_staff_can_log_in(
        web: Server, client: Callable[[], Browserish]) -> None:
    accounts = await seed(web.container)
    again = await seed(web.container)  # `make run` a second time

    logins = {s.login: pw for s, pw in accounts}
    tab = client()
    status = await tab.login("coordinator1", logins["coordinator1"])
    async with web.container.uow() as uow:
        c6 = await uow.counselors.get("c6")

    assert {"counselor1", "coordinator1", "demo-admin"} <= set(logins) and again == accounts
    assert status == 302 and tab.landing == "/console"
    assert c6 is not None and c6.alias == "C6" and c6.station_id == "bj-city"  # no name shown


def test_the_demo_banner_prints_every_login_with_its_password() -> None:
    accounts = [(s, f"pw-{s.login}") for s in DEMO_STAFF]

    text = banner("http://127.0.0.1:8080", accounts)

    assert "http://127.0.0.1:8080/chat" in text and "http://127.0.0.1:8080/console" in text
    for s, pw in accounts:
        assert re.search(rf"{s.login}\s+{pw}", text)


async def test_the_chat_page_shows_every_emergency_number_without_scripts(
        web: Server, client: Callable[[], Browserish]) -> None:
    _, body = await client().page("/chat")

    for number in ("12356", "010-82951332", "110", "120"):
        assert f'href="tel:{number}"' in body
    assert '<label for="text">' in body and 'role="log"' in body and 'aria-live="polite"' in body
    assert f'maxlength="{web.container.settings.max_message_chars}"' in body
    assert 'id="quick-exit"' in body and 'data-exit="/leave"' in body


async def test_the_quick_exit_page_says_nothing_of_a_support_service(
        client: Callable[[], Browserish]) -> None:
    """What lands on screen after quick exit. It no longer unlinks the chat itself (a plain GET
    must not: tests/web/test_hardening.py); the button's beacon does (the next test)."""
    tab = client()
    await tab.page("/chat")

    status, neutral = await tab.page("/leave")

    assert status == 200 and "hotline" not in neutral.lower() and "support" not in neutral.lower()


async def test_the_unlink_beacon_needs_the_token_and_forgets_the_chat_link(
        client: Callable[[], Browserish]) -> None:
    tab = client()
    await tab.page("/chat")
    async with tab.http.post(tab.base + "/chat/unlink", data={"csrf_token": "forged"}) as resp:
        forged = resp.status
    async with tab.http.post(tab.base + "/chat/unlink", data={"csrf_token": tab.csrf}) as resp:
        real = resp.status
    async with tab.http.get(tab.base + "/chat/ws") as resp:
        ws_status = resp.status

    assert forged == 403 and real == 204 and ws_status == 403
