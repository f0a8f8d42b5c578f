"""The dashboard's page frame: the site frame (templates/base.html), the dashboard tabs, the
page title, then the page's own template (each extends templates/admin/layout.html)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from bot.web.admin.common import fmt_local
from bot.web.layout import staff_page

CSS = "/static/admin/admin.css"
TABS = (("/admin", "Overview"), ("/admin/rota", "Rota"), ("/admin/board", "Live board"),
        ("/admin/counselors", "Counselors"), ("/admin/reports", "Reports"))


@dataclass(frozen=True)
class Tab:
    href: str
    label: str
    here: bool


def tabs_for(current: str) -> tuple[Tab, ...]:
    """The overview tab is current only on /admin itself; the others on their sub-pages too."""
    return tuple(Tab(href, label, current == href or (href != "/admin" and current.startswith(href)))
                 for href, label in TABS)


async def admin_page(request: web.Request, template: str, title: str, *, scripts: Sequence[str] = (),
                     status: int = 200, **context: object) -> web.Response:
    """Render `template` (extending admin/layout.html); `local(at)` shows a time in Beijing time."""
    return await staff_page(request, template, title, scripts=scripts, styles=[CSS], status=status,
                            tabs=tabs_for(request.path), local=fmt_local, **context)
