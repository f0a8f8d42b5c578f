"""The frame every staff page shares (console, dashboard, login, errors): templates/base.html
with role-aware navigation and logout, the CSRF token in a meta tag for scripts, and only
external scripts and styles (CSP).

    return await staff_page(request, "admin/board.html", "Live board", rows=rows)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from bot.web.auth import StaffSession, csrf_token, current_staff
from bot.web.templating import respond

NAV = (  # (href, label, any of these actions shows the link)
    ("/console", "Console", ("handoff.queue",)),
    ("/admin", "Dashboard", ("rota.edit", "reports.view", "handoff.board")),
)
BASE_CSS = "/static/base.css"


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


def frame_for(staff: StaffSession | None, title: str, csrf: str = "", current: str = "",
              scripts: Sequence[str] = (), styles: Sequence[str] = ()) -> Frame:
    if staff is None:
        return Frame(title, csrf, scripts=scripts, stylesheets=(BASE_CSS, *styles))
    nav = tuple(NavLink(href, label, current.startswith(href)) for href, label, actions in NAV
                if any(staff.can(a) for a in actions))
    who = f"{staff.name} ({', '.join(sorted(staff.roles))})"
    return Frame(title, csrf, who, nav, scripts, (BASE_CSS, *styles))


async def staff_page(request: web.Request, template: str, title: str, *, scripts: Sequence[str] = (),
                     styles: Sequence[str] = (), status: int = 200, **context: object) -> web.Response:
    """Render `template` (which extends base.html) for the current staff member, or nobody."""
    frame = frame_for(await current_staff(request), title, await csrf_token(request), request.path,
                      scripts, styles)
    return respond(request, template, {"frame": frame, **context}, status)
