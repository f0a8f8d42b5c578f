"""Console alerts in headless chromium: a new high or imminent chat rings and raises a desktop
notification that carries no resident words; a held chat with unseen resident lines is marked."""

from __future__ import annotations

import asyncio

from playwright.async_api import Browser, Page, expect

from bot.server import Server
from tests.browser.conftest import SHOTS, WAIT_MS, Shots, staff_login, url
from tests.browser.test_console_casework import crisis, phone390
from tests.browser.test_web_faces import say
from tests.web.conftest import PASSWORDS

# Records what the page asks of the browser: notifications (granted) and tones played.
RECORDER = """
window.__notes = [];
window.__tones = 0;
(function () {
  function N(title, opts) { window.__notes.push({ title: title, body: (opts || {}).body || '' }); }
  N.permission = 'granted';
  N.requestPermission = function () { return Promise.resolve('granted'); };
  window.Notification = N;
  var Real = window.AudioContext;
  window.AudioContext = function () {
    var ctx = new Real();
    var make = ctx.createOscillator.bind(ctx);
    ctx.createOscillator = function () { window.__tones += 1; return make(); };
    return ctx;
  };
}());
"""


async def console_with_recorder(browser: Browser, site: Server) -> Page:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(WAIT_MS)
    await ctx.add_init_script(RECORDER)
    page = await ctx.new_page()
    await staff_login(page, site, "li", PASSWORDS["li"])
    await expect(page.locator("#queue")).to_contain_text("Nobody is waiting.")
    return page


async def test_a_new_crisis_chat_rings_and_notifies_without_the_residents_words(
        site: Server, browser: Browser, shot: Shots) -> None:
    li = await console_with_recorder(browser, site)

    await crisis(browser, site)
    await expect(li.locator("#queue li.level-imminent")).to_have_count(1)
    await li.wait_for_function("window.__notes.length === 1")
    notes = await li.evaluate("window.__notes")
    tones = await li.evaluate("window.__tones")
    title = await li.title()

    assert notes[0]["title"] == "New IMMINENT chat #1"
    assert "pills" not in (notes[0]["title"] + notes[0]["body"]).lower()
    assert tones >= 1 and title.startswith("(1) ")
    await expect(li.locator("#alerts-state")).to_contain_text("Desktop alerts on")
    await shot(li)


async def test_a_held_chat_with_an_unseen_resident_line_is_marked_until_opened(
        site: Server, browser: Browser, shot: Shots) -> None:
    li = await console_with_recorder(browser, site)
    first = await crisis(browser, site)
    await li.locator("#queue li .accept").first.click()
    await expect(li.locator("#pane-h")).to_have_text("Chat #1")
    await crisis(browser, site)
    await li.locator("#queue li .accept").first.click()
    await expect(li.locator("#pane-h")).to_have_text("Chat #2")

    await say(first, "are you still there?")
    mark = li.locator('#mine li[data-handoff="1"] .unread')
    await expect(mark).to_be_visible()
    await expect(li.locator('#mine li[data-handoff="2"] .unread')).to_have_count(0)  # shown in the pane
    await li.evaluate("window.scrollTo(0, 0)")
    await li.screenshot(path=str(SHOTS / f"{shot.name}-unread.png"))  # the queue column, not the reply box
    await li.get_by_role("button", name="Open chat 1").click()

    await expect(li.locator("#transcript li.from-resident").last).to_contain_text("are you still there?")
    await expect(mark).to_have_count(0)


async def test_a_chat_offered_to_me_by_name_rings_even_at_medium(
        site: Server, browser: Browser, shot: Shots) -> None:
    """A resident asks for a person (medium): the first escalation step offers the chat to the
    on-duty primary by name, and that counselor's console rings (a medium chat offered to
    everyone would not); the notification names the level and number only."""
    li = await console_with_recorder(browser, site)
    resident = await phone390(browser)
    await resident.goto(url(site, "/chat?lang=en"))

    await say(resident, "hello")
    await resident.get_by_role("button", name="Talk to a person").first.click()
    await expect(li.locator("#queue li")).to_have_count(1)
    notes: list[dict[str, str]] = []
    for _ in range(50):  # polled from here: the page's CSP forbids wait_for_function's eval
        notes = await li.evaluate("window.__notes")
        if notes:
            break
        await asyncio.sleep(0.1)

    assert [n["title"] for n in notes] == ["New MEDIUM chat #1"]
    await shot(li)
