"""Headless Debian chromium (never a downloaded browser) against our real server on 127.0.0.1.

Each test saves screenshots under artifacts/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from bot.server import Server
from tests.web.conftest import start_server

CHROMIUM = "/usr/bin/chromium"
# How long a page action or wait may take before it fails. Only a failing test waits this long; the
# suite runs in 4 workers on 2 cores, where an argon2 login plus a page load took over 5 s (load 14).
WAIT_MS = 15_000
expect.set_options(timeout=WAIT_MS)  # expect()'s own default is 5 s (waits with a timeout= keep theirs)
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic"]
HAVE_CHROMIUM = Path(CHROMIUM).exists()
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
async def site(tmp_path: Path, sqlite_at_head: Path) -> AsyncIterator[Server]:
    """The server on SQLite only: the browser tests are about the pages; the HTTP and WebSocket
    tests in tests/web run on both databases. (Keeps tests/browser well under 90 s.)"""
    if not HAVE_CHROMIUM:
        pytest.skip("Debian chromium is not installed (make browser-deps)")
    shutil.copyfile(sqlite_at_head, tmp_path / "browser.db")  # a database at head, migrated once
    db_url = f"sqlite+aiosqlite:///{tmp_path}/browser.db"
    srv = await start_server(db_url, tmp_path)
    yield srv
    await srv.stop()


@pytest.fixture
async def browser(site: Server) -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        await b.close()


def url(site: Server, path: str) -> str:
    return f"http://127.0.0.1:{site.port}{path}"


class Shots:
    def __init__(self, name: str) -> None:
        self.name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)

    async def __call__(self, page: Page, suffix: str = "") -> None:
        """What the person sees: the viewport, scrolled to the newest message (sticky parts stay put)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        for sel in ("#composer", "#reply"):
            if await page.locator(sel).count() and await page.locator(sel).is_visible():
                await page.locator(sel).scroll_into_view_if_needed()
        await page.screenshot(path=str(SHOTS / f"{self.name}{suffix}.png"))


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name)


async def phone(browser: Browser) -> Page:
    """A 360 px wide phone screen: the smallest width the chat must fit."""
    ctx = await browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    ctx.set_default_timeout(WAIT_MS)
    return await ctx.new_page()


async def desk(browser: Browser) -> Page:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(WAIT_MS)
    return await ctx.new_page()


async def staff_login(page: Page, site: Server, login: str, password: str) -> None:
    await page.goto(url(site, "/login"))
    await page.fill("#login", login)
    await page.fill("#password", password)
    await page.click("#login-form button[type=submit]")
    await page.wait_for_url("**/console")
