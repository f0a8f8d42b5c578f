"""A coordinator on the live board, in headless Debian chromium at 1280 and 1024 px: sees who is
on duty but unreachable; opens a waiting chat's form, which goes stale (the chat was accepted while
it was open: the reason shows beside it and the note stays); moves the now held chat (refused
while the chosen counselor is unreachable, done once he signs in); assigns another waiting chat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Browser, Page, expect

from bot.server import Server
from bot.services.staff import ActionRequest, StaffAction
from bot.storage.models import Conversation, Handoff
from tests.browser.conftest import WAIT_MS, Shots, staff_login, url
from tests.web.conftest import PASSWORDS

pytestmark = pytest.mark.browser
NOTE = "Asked for a woman counselor; 英语也可以."


async def waiting_chat(site: Server, key: str, level: str) -> int:
    container = site.container
    now = container.clock.now()
    async with container.uow() as uow:
        resident = await uow.residents.get_or_create(f"p-{key}", "web", now)
        conv = await uow.conversations.add(Conversation(resident_id=resident.id, channel="web", chat_key=key,
                                                        created_at=now, updated_at=now, state="waiting"))
        h = Handoff(conversation_id=conv.id, state="offered", level=level, step=0, version=1,
                    policy=await container.rota.policy_for(level), created_at=now - timedelta(seconds=75),
                    offered_to=["c1"], declined_by=[], lang="zh", next_step_at=now + timedelta(minutes=5))
        uow.session.add(h)
        await uow.commit()
        return h.id


async def coordinator(browser: Browser, site: Server, width: int) -> Page:
    ctx = await browser.new_context(viewport={"width": width, "height": 800})
    ctx.set_default_timeout(WAIT_MS)
    page = await ctx.new_page()
    await staff_login(page, site, "zhao", PASSWORDS["zhao"])
    return page


async def test_a_coordinator_assigns_and_moves_chats_from_the_live_board(
        site: Server, browser: Browser, shot: Shots) -> None:
    first = await waiting_chat(site, "k-first", "high")
    second = await waiting_chat(site, "k-second", "medium")
    li = await (await browser.new_context()).new_page()
    await staff_login(li, site, "li", PASSWORDS["li"])  # Li Na signed in; Wang Qiang is not
    page = await coordinator(browser, site, 1280)

    await page.goto(url(site, "/admin/board"))
    people = page.locator("#people-rows")
    await expect(people.locator("tr").first).to_contain_text("Wang Qiang")
    await expect(people.locator("tr").first).to_contain_text("not signed in and no Telegram")
    await expect(people).to_contain_text("Li Na")
    await shot(page, "-1280-board")

    await page.locator(f'a[href="/admin/board/assign/{first}"]').click()
    await page.select_option("#assign-to", "c2")
    await page.fill("#assign-note", NOTE)
    await shot(page, "-1280-form")
    # While the form is open, Li Na accepts the chat from her console.
    await site.container.actions.perform("c1", ActionRequest(StaffAction.ACCEPT, first))
    await page.click("#assign-submit")
    await expect(page.locator("#assign-error")).to_contain_text("changed since the board was drawn")
    await expect(page.locator("#assign-note")).to_have_value(NOTE)
    await expect(page.locator("#assign-chat")).to_contain_text("held by Li Na")
    await shot(page, "-1280-stale")

    await page.select_option("#assign-to", "c2")  # the form now moves the held chat
    await page.click("#assign-submit")
    # Wang Qiang is on duty but nothing reaches him: a held chat is not moved to him.
    await expect(page.locator("#assign-error")).to_contain_text("Nothing reaches that counselor now")
    await expect(page.locator("#assign-note")).to_have_value(NOTE)
    await shot(page, "-1280-unreachable")
    wang = await (await browser.new_context()).new_page()
    await staff_login(wang, site, "wang", PASSWORDS["wang"])
    await page.click("#assign-submit")
    await page.wait_for_url(f"**/admin/board?assigned={first}&to=c2")
    await expect(page.locator(".notice")).to_contain_text(f"Chat #{first} is now with Wang Qiang.")
    await expect(page.locator("#board-rows")).to_contain_text("Wang Qiang")
    await shot(page, "-1280-moved")

    narrow = await coordinator(browser, site, 1024)
    await narrow.goto(url(site, "/admin/board"))
    await shot(narrow, "-1024-board")
    await narrow.locator(f'a[href="/admin/board/assign/{second}"]').click()
    await narrow.select_option("#assign-to", "c2")
    await narrow.click("#assign-submit")
    await narrow.wait_for_url(f"**/admin/board?assigned={second}&to=c2")
    await expect(narrow.locator(".notice")).to_contain_text(f"Chat #{second} offered to Wang Qiang: it keeps")
    await expect(narrow.locator("#board-rows tr").first).to_contain_text("Li Na, Wang Qiang")
    await shot(narrow, "-1024-assigned")
    async with site.container.uow() as uow:
        moved, offered = await uow.handoffs.get(first), await uow.handoffs.get(second)
    assert moved is not None and (moved.state, moved.counselor_id) == ("active", "c2")
    assert offered is not None and offered.state == "offered" and offered.offered_to == ["c1", "c2"]
