"""Staff pages in Chinese and English (issue 16 item 13, issue 17 item 10): one catalog of
(zh, en) pairs (bot/web/staff_text.py), every key a page or console.js asks for exists in both
languages, codes are shown as words, and the language switch is remembered."""

from __future__ import annotations

import re
import string
from pathlib import Path

import aiohttp
import pytest

from bot.conversation.states import FollowUpKind, HandoffState, NoteKind, Outcome, SafetyCheck
from bot.server import Server
from bot.web.staff_text import CATALOG, browser_lang, label, text, texts_json
from scheduling.model import Layer, SwapState
from tests.web.conftest import PASSWORDS
from triage.levels import LEVELS

WEB = Path(__file__).resolve().parents[2] / "bot" / "web"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
_KEY = r"""([a-z_0-9]+(?:\.[a-z_0-9-]+)+)['"](?!\s*[~+])"""  # a whole key, not a prefix the code completes
_KEY_IN_TEMPLATE = re.compile(r"""\bt\(\s*['"]""" + _KEY)
_KEY_IN_JS = re.compile(r"""\bT\(\s*['"]""" + _KEY)


def _placeholders(s: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(s) if name}


def test_every_entry_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in CATALOG.items():
        assert zh.strip() and en.strip(), key
        assert _placeholders(zh) == _placeholders(en), key
        assert not {"<", "&"} & set(zh + en), key  # templates trust the catalog's words as markup


def test_every_key_a_template_or_the_console_script_names_is_in_the_catalog() -> None:
    asked = {(p.name, k) for p in WEB.glob("templates/**/*.html")
             for k in _KEY_IN_TEMPLATE.findall(p.read_text())}
    asked |= {(p.name, k) for p in WEB.glob("static/**/*.js") for k in _KEY_IN_JS.findall(p.read_text())}
    assert len(asked) > 50
    assert sorted((f, k) for f, k in asked if k not in CATALOG) == []


@pytest.mark.parametrize(("kind", "codes"), [
    ("state", list(HandoffState)), ("outcome", list(Outcome)), ("safety", list(SafetyCheck)),
    ("followup", list(FollowUpKind)), ("note", list(NoteKind)), ("layer", list(Layer)),
    ("swap", list(SwapState)), ("level", list(LEVELS))])
def test_every_code_has_a_label_in_both_languages(kind: str, codes: list[str]) -> None:
    for code in codes:
        assert f"{kind}.{code}" in CATALOG, (kind, code)
        assert label(kind, code, "zh") != str(code)


def test_a_code_is_shown_as_words_and_an_unknown_one_as_it_is() -> None:
    assert label("layer", Layer.LEAVE_COVER, "zh") == "顶替请假"
    assert label("state", "offered", "en") == "Offered"
    assert label("state", "no-such-state", "zh") == "no-such-state"
    assert text("console.chat_n", "zh", id=7) == "对话 #7"


def test_the_scripts_dictionary_cannot_end_its_script_block() -> None:
    dumped = str(texts_json(("console.",), "en"))
    assert "<" not in dumped and ">" not in dumped
    assert '"console.accept": "Accept"' in dumped


@pytest.mark.parametrize(("header", "lang"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("en-US,en;q=0.9", "en"), ("fr-FR,en;q=0.5,zh;q=0.7", "zh"),
    ("fr-FR", None), ("", None), (None, None), ("en;q=bad,zh", "zh")])
def test_the_browser_language_is_zh_or_en_by_weight_or_none(header: str | None, lang: str | None) -> None:
    assert browser_lang(header) == lang


async def _login(http: aiohttp.ClientSession, base: str, who: str) -> None:
    async with http.get(f"{base}/login") as resp:
        token = re.search(r'name="csrf-token" content="([^"]+)"', await resp.text())
    assert token
    form = {"login": who, "password": PASSWORDS[who], "csrf_token": token.group(1)}
    async with http.post(f"{base}/login", data=form, allow_redirects=False) as resp:
        assert resp.status == 302


def visible(html: str) -> str:
    """The words a person reads: no script blocks, no tags, no attribute values."""
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


async def test_the_console_follows_the_browser_and_remembers_the_switch(web: Server) -> None:
    base = f"http://127.0.0.1:{web.port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers=ZH) as http:
        await _login(http, base, "li")
        async with http.get(f"{base}/console") as resp:
            page = await resp.text()
        assert '<html lang="zh">' in page and "等待接待的居民" in page and "Waiting residents" not in page
        assert '"console.accept": "接手"' in page  # the script's words, in the page's language

        async with http.get(f"{base}/console?lang=en") as resp:  # the switch
            page = await resp.text()
            paths = sorted(c["path"] for c in resp.cookies.values()) if resp.cookies else []
        assert '<html lang="en">' in page and "Waiting residents" in page
        assert "hl" in resp.cookies and paths  # remembered for the staff paths

        async with http.get(f"{base}/admin") as resp:  # another staff page, no ?lang: still English
            assert '<html lang="en">' in await resp.text()
        async with http.get(f"{base}/console") as resp:
            assert '<html lang="en">' in await resp.text()
        async with http.get(f"{base}/chat") as resp:  # the resident chat keeps its own choice
            assert '<html lang="zh">' in await resp.text()


async def test_an_account_language_decides_when_the_browser_names_neither(web: Server) -> None:
    base = f"http://127.0.0.1:{web.port}"
    async with web.container.uow() as uow:
        c = await uow.counselors.get("c2")
        assert c is not None
        c.languages = ["en", "zh"]
        await uow.commit()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                     headers={"Accept-Language": "fr-FR"}) as http:
        await _login(http, base, "wang")
        async with http.get(f"{base}/console") as resp:
            assert '<html lang="en">' in await resp.text()
        async with http.get(f"{base}/console", headers=ZH) as resp:  # the browser's word comes first
            assert '<html lang="zh">' in await resp.text()



async def test_a_wrong_password_is_said_in_the_login_pages_language(web: Server) -> None:
    base = f"http://127.0.0.1:{web.port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers=ZH) as http:
        async with http.get(f"{base}/login") as resp:
            token = re.search(r'name="csrf-token" content="([^"]+)"', await resp.text())
        assert token
        form = {"login": "li", "password": "not-her-password", "csrf_token": token.group(1)}
        async with http.post(f"{base}/login", data=form) as resp:
            page = await resp.text()
    assert resp.status == 401 and "账号或密码错误。" in page and "Login or password is wrong." not in page


async def test_an_error_page_speaks_the_browsers_language_and_the_remembered_switch(web: Server) -> None:
    """The error page reads its language from the request alone (cookie, then Accept-Language,
    then Chinese): it must answer while the database is away."""
    base = f"http://127.0.0.1:{web.port}"
    async with aiohttp.ClientSession(headers=ZH) as http, http.get(f"{base}/nope") as resp:
        zh = await resp.text()
    async with aiohttp.ClientSession(headers={"Accept-Language": "en-GB"}) as http, \
            http.get(f"{base}/nope") as resp:
        en = await resp.text()
    async with aiohttp.ClientSession(headers=ZH, cookies={"hl": "en"}) as http, \
            http.get(f"{base}/nope") as resp:
        remembered = await resp.text()
    async with aiohttp.ClientSession() as http, http.get(f"{base}/nope") as resp:
        neither = await resp.text()

    assert resp.status == 404
    assert '<html lang="zh">' in zh and "这里没有页面。" in zh
    assert '<html lang="en">' in en and "There is no page here." in en
    assert "There is no page here." in remembered
    assert "这里没有页面。" in neither
