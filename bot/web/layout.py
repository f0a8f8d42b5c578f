"""The frame every staff page shares (console, dashboard, login, errors): templates/base.html
with role-aware navigation and logout, the language switch (bot/web/staff_text.py), the CSRF
token in a meta tag for scripts, and only external scripts and styles (CSP).

    return await staff_page(request, "admin/board.html", "admin.board.title", rows=rows)

The title is a catalog key (words in the page's language); a title that is no key shows as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from bot.web.auth import StaffSession, csrf_token, current_staff
from bot.web.staff_text import CATALOG, LANGS, label, remember_switch, request_lang, switch_href, text
from bot.web.templating import respond

NAV = (  # (href, catalog key, any of these actions shows the link)
    ("/console", "page.console", ("handoff.queue",)),
    ("/admin", "page.dashboard", ("rota.edit", "reports.view", "handoff.board")),
)
BASE_CSS = "/static/base.css"
# Titles given in English by handlers outside the staff-text work (console.py, login.py).
TITLE_KEYS = {"Console": "page.console", "Log in": "page.login", "Set your password": "page.password"}


@dataclass(frozen=True)
class NavLink:
    href: str
    label: str
    here: bool


@dataclass(frozen=True)
class Frame:
    """What base.html needs besides the page's own content."""

    title: str
    csrf: str = ""
    who: str = ""  # "Name (role, role)" of the staff member logged in; "" for nobody
    nav: tuple[NavLink, ...] = ()
    scripts: Sequence[str] = ()
    stylesheets: Sequence[str] = (BASE_CSS,)
    lang: str = "en"
    body_class: str = "staff"
    switch: tuple[NavLink, ...] = ()  # the language switch: one link per language, `here` = shown now


def title_text(title: str, lang: str, values: dict[str, object] | None = None) -> str:
    """A title that is a catalog key (or an English title TITLE_KEYS knows) in `lang`; else as it is."""
    key = TITLE_KEYS.get(title, title)
    return text(key, lang, **(values or {})) if key in CATALOG else title


def frame_for(staff: StaffSession | None, title: str, csrf: str = "", current: str = "",
              scripts: Sequence[str] = (), styles: Sequence[str] = (), lang: str = "en",
              switch: tuple[NavLink, ...] = (), title_values: dict[str, object] | None = None) -> Frame:
    words = title_text(title, lang, title_values)
    if staff is None:
        return Frame(words, csrf, scripts=scripts, stylesheets=(BASE_CSS, *styles), lang=lang, switch=switch)
    nav = tuple(NavLink(href, text(key, lang), current.startswith(href)) for href, key, actions in NAV
                if any(staff.can(a) for a in actions))
    roles = text("common.list_sep", lang).join(label("role", r, lang) for r in sorted(staff.roles))
    who = text("common.who", lang, name=staff.name, roles=roles)
    return Frame(words, csrf, who, nav, scripts, (BASE_CSS, *styles), lang, switch=switch)


async def staff_page(request: web.Request, template: str, title: str, *, scripts: Sequence[str] = (),
                     styles: Sequence[str] = (), status: int = 200,
                     title_values: dict[str, object] | None = None, **context: object) -> web.Response:
    """Render `template` (which extends base.html) for the current staff member, or nobody, in
    the request's language; a `?lang=` switch is remembered. `title_values` fill the title's
    `{name}` places."""
    staff = await current_staff(request)
    lang = await request_lang(request, staff.counselor_id if staff else None)
    switch = tuple(NavLink(switch_href(request, code), text(f"common.lang.{code}", lang), code == lang)
                   for code in LANGS)
    frame = frame_for(staff, title, await csrf_token(request), request.path, scripts, styles, lang, switch,
                      title_values)
    response = respond(request, template, {"frame": frame, **context}, status)
    remember_switch(request, response)
    return response
