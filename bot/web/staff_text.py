"""Staff pages (console, dashboard, login, errors) in Chinese and English.

Every word a staff page shows comes from one catalog: keys to a (zh, en) pair, one module per
area under bot/web/staff_catalog/ (`common`, `console`, `admin`, `labels` ...), merged here.

- Templates: `t('console.accept')`, `t('admin.board.waited', minutes=3)` (`{minutes}` in the text),
  and `label('state', h.state)` for a code from the database (a handoff state, a risk level, a
  shift kind...): its words, never the raw code. Both read the page's language from `frame.lang`
  (or a `lang` variable for a piece rendered on its own; English without either).
- Python: `text(key, lang, **values)` and `label(kind, code, lang)`.
- Scripts: the page embeds `texts_json(('console.',), lang)` in a `<script type="application/json">`
  block (data, not code: the CSP allows it); the script reads it and looks keys up the same way.

The language of a request (`request_lang`): `?lang=` (the switch on every staff page, remembered
in the `hl` cookie for /console, /admin and /login), then that cookie, then the browser's
Accept-Language when it names zh or en, then the account's first language, else Chinese: this is
a Beijing network, Chinese first.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable

import jinja2
from aiohttp import web
from markupsafe import Markup

from bot.web.auth import STAFF
from bot.web.keys import CONTAINER
from bot.web.staff_catalog import CATALOG, Entry
from bot.web.templating import ENV

log = logging.getLogger(__name__)
LANGS = ("zh", "en")
COOKIE = "hl"
COOKIE_PATHS = ("/console", "/admin", "/login")  # not /chat: the resident's own switch stays theirs
COOKIE_AGE_S = 365 * 24 * 3600
_LANG: web.RequestKey[str] = web.RequestKey("staff_lang")

__all__ = ["CATALOG", "Entry", "label", "remember_switch", "request_lang", "text", "texts_json"]


def text(key: str, lang: str, **values: object) -> str:
    """The words for `key` in `lang`, with `{name}` filled from `values`. An unknown key shows as
    itself (and is logged): a page still works, and the zh page test finds it."""
    if not key:
        return ""
    entry = CATALOG.get(key)
    if entry is None:
        log.warning("staff text: no catalog entry %r", key)
        return key
    words = entry[lang == "en"]
    return words.format(**values) if values else words


def label(kind: str, code: object, lang: str) -> str:
    """Words for a code of `kind` (`label('state', 'offered', 'zh')` -> 已分派): the key
    `kind.code`. An empty code is ""; a code the catalog lacks shows as it is (and is logged)."""
    if code is None or code == "":
        return ""
    value = getattr(code, "value", code)
    key = f"{kind}.{value}"
    if key not in CATALOG:
        log.warning("staff text: no label %r", key)
        return str(value)
    return text(key, lang)


def texts_json(prefixes: Iterable[str], lang: str) -> Markup:
    """The catalog entries under `prefixes` in `lang` as JSON for a `<script type="application/json">`
    block: `<`, `>` and `&` are escaped so no text can end the block."""
    wanted = tuple(prefixes)
    chosen = {k: v[lang == "en"] for k, v in CATALOG.items() if k.startswith(wanted)}
    dumped = json.dumps(chosen, ensure_ascii=False, sort_keys=True)
    safe = dumped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # noqa: S704 (JSON with every markup character escaped)


def _lang_of(ctx: jinja2.runtime.Context) -> str:
    frame = ctx.get("frame")
    lang = getattr(frame, "lang", None) or ctx.get("lang")
    return lang if lang in LANGS else "en"


@jinja2.pass_context
def _t(ctx: jinja2.runtime.Context, key: str, **values: object) -> Markup:
    """In a template: the catalog's words are trusted markup (an apostrophe stays one), the values
    filled into them are escaped."""
    words = text(key, _lang_of(ctx))
    return Markup(words).format(**values) if values else Markup(words)  # noqa: S704 (catalog text; values escaped)


@jinja2.pass_context
def _label(ctx: jinja2.runtime.Context, kind: str, code: object) -> str:
    return label(kind, code, _lang_of(ctx))


# What handlers and services still say in English (login, auth, security, form refusals): the
# English words -> their catalog key (keys error.*, form.* and login.wrong), so a Chinese page
# says them in Chinese. A message with a value inside (a name, a date) is not among them.
SERVER_MESSAGES = {en: key for key, (_, en) in CATALOG.items()
                   if key.startswith(("error.", "form.")) or key == "login.wrong"}
_THROTTLED = re.compile(r"Too many failed attempts from here\. Wait (\d+) seconds")


def server_text(message: str, lang: str) -> str:
    """A message a handler gave in English (common.SERVER_MESSAGES), in `lang`; unknown ones as they are."""
    if lang == "en":
        return message
    if (key := SERVER_MESSAGES.get(message)) is not None:
        return text(key, lang)
    if (m := _THROTTLED.match(message)) is not None:
        return text("login.throttled", lang, wait=m.group(1))
    return message


@jinja2.pass_context
def _server_text(ctx: jinja2.runtime.Context, message: str) -> str:
    return server_text(message, _lang_of(ctx))


@jinja2.pass_context
def _texts(ctx: jinja2.runtime.Context, *prefixes: str) -> Markup:
    return texts_json(prefixes, _lang_of(ctx))


def install(env: jinja2.Environment) -> None:
    """Give every template `t`, `label` and `texts_json` (and `t` as a filter: `keys|map("t")`)."""
    env.globals.update(t=_t, label=_label, texts_json=_texts)
    env.filters["t"] = _t
    env.filters["said"] = _server_text  # `{{ error|said }}`: a handler's English message, in the page's words


def browser_lang(accept_language: str | None) -> str | None:
    """zh or en, whichever Accept-Language weighs higher (the earlier on a tie; the resident
    chat's rule, bot/web/chat_page.py pick_lang); None when it names neither."""
    best, best_q = None, 0.0
    for order, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        base, params = tag.strip().lower().split("-")[0], params.strip()
        try:
            q = float(params[2:]) if params.startswith("q=") else 1.0
        except ValueError:
            continue
        if base in LANGS and q - order * 1e-6 > best_q:
            best, best_q = base, q - order * 1e-6
    return best


async def request_lang(request: web.Request, staff_id: str | None = None) -> str:
    """This request's language (see the module's docstring); worked out once per request."""
    if _LANG in request:
        return request[_LANG]
    lang = next((c for c in (request.query.get("lang"), request.cookies.get(COOKIE)) if c in LANGS), None)
    lang = lang or browser_lang(request.headers.get("Accept-Language"))
    if lang is None and staff_id is not None:
        async with request.app[CONTAINER].uow() as uow:
            c = await uow.counselors.get(staff_id)
        lang = next((x for x in (c.languages or []) if x in LANGS), None) if c is not None else None
    request[_LANG] = lang or "zh"
    return request[_LANG]


async def staff_lang(request: web.Request) -> str:
    """The language of a request a `require_staff` guard let through (its account's language counts)."""
    staff = request.get(STAFF)
    return await request_lang(request, staff.counselor_id if staff is not None else None)


def switch_href(request: web.Request, lang: str) -> str:
    """The address of this page in `lang` (a page answering a form links to itself by GET)."""
    if request.method != "GET":
        return f"{request.path}?lang={lang}"
    return str(request.rel_url.update_query(lang=lang))


def remember_switch(request: web.Request, response: web.StreamResponse) -> None:
    """A `?lang=` choice is remembered on every staff path (a cookie per path, so the resident
    chat's own `hl` cookie on /chat is never overridden)."""
    lang = request.query.get("lang")
    if lang not in LANGS:
        return
    for path in COOKIE_PATHS:
        cookie = f"{COOKIE}={lang}; Max-Age={COOKIE_AGE_S}; Path={path}; SameSite=Lax"
        response.headers.add("Set-Cookie", cookie)


install(ENV)  # every page renders through the one environment (bot/web/templating.py)
