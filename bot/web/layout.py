"""The shared page frame for staff pages (console, dashboard, login): a header with role-aware
navigation and logout, the CSRF token in a meta tag for scripts, only external scripts and styles.

    return await page(request, "Rota", body_html, scripts=["/static/admin/rota.js"])

`body_html` is trusted markup: escape every value from the database or a person with `esc`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from aiohttp import web

from bot.web.auth import StaffSession, csrf_token, current_staff

esc = html.escape
NAV = (  # (href, label, any of these actions shows the link)
    ("/console", "Console", ("handoff.queue",)),
    ("/admin", "Dashboard", ("rota.edit", "reports.view", "handoff.board")),
)


def nav_html(staff: StaffSession | None, csrf: str, current: str = "") -> str:
    if staff is None:
        return '<nav aria-label="Main"><a href="/login">Staff login</a></nav>'
    links = []
    for href, label, actions in NAV:
        if any(staff.can(a) for a in actions):
            here = ' aria-current="page"' if current.startswith(href) else ""
            links.append(f'<a href="{href}"{here}>{label}</a>')
    logout = ('<form method="post" action="/logout" class="inline">'
              f'<input type="hidden" name="csrf_token" value="{esc(csrf)}">'
              '<button type="submit" class="link">Log out</button></form>')
    who = f'<span class="who">{esc(staff.name)} ({esc(", ".join(sorted(staff.roles)))})</span>'
    return f'<nav aria-label="Main">{"".join(links)}{who}{logout}</nav>'


def render_page(title: str, body: str, staff: StaffSession | None = None, csrf: str = "",
                scripts: Sequence[str] = (), styles: Sequence[str] = (), current: str = "",
                lang: str = "en", body_class: str = "staff") -> str:
    """A whole HTML document. Scripts load deferred; no inline script or style (CSP)."""
    head_links = "".join(f'<link rel="stylesheet" href="{esc(s)}">'
                         for s in ("/static/base.css", *styles))
    head_scripts = "".join(f'<script src="{esc(s)}" defer></script>' for s in scripts)
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="csrf-token" content="{esc(csrf)}">'
        f"<title>{esc(title)} · hotline</title>{head_links}{head_scripts}</head>"
        f'<body class="{esc(body_class)}"><a class="skip" href="#main">Skip to content</a>'
        f'<header class="top"><span class="brand">hotline</span>{nav_html(staff, csrf, current)}</header>'
        f'<main id="main" tabindex="-1">{body}</main></body></html>'
    )


async def page(request: web.Request, title: str, body: str, scripts: Sequence[str] = (),
               styles: Sequence[str] = (), status: int = 200) -> web.Response:
    """Render `body` inside the frame for the current staff member (or none)."""
    staff = await current_staff(request)
    text = render_page(title, body, staff, await csrf_token(request), scripts, styles,
                       current=request.path)
    return web.Response(text=text, status=status, content_type="text/html")
