"""The dashboard's page frame: the site frame (templates/base.html), the dashboard tabs, the
page title, then the page's own template (each extends templates/admin/layout.html)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from bot.web.admin.common import fmt_local
from bot.web.auth import STAFF, StaffSession
from bot.web.layout import staff_page

CSS = "/static/admin/admin.css"
TABS = (  # (href, catalog key of its label, the action that shows the tab)
    ("/admin", "admin.tab.overview", "handoff.board"), ("/admin/rota", "admin.tab.rota", "rota.edit"),
    ("/admin/board", "admin.tab.board", "handoff.board"),
    ("/admin/counselors", "admin.tab.counselors", "counselor.manage"),
    ("/admin/reports", "admin.tab.reports", "reports.view"), ("/admin/kb", "admin.tab.kb", "reports.view"),
    ("/admin/users", "admin.tab.users", "user.manage"),
    ("/admin/audit", "admin.tab.audit", "audit.view"))


@dataclass(frozen=True)
class Tab:
    href: str
    label: str  # a catalog key: the template says it in the page's language
    here: bool


def tabs_for(current: str, staff: StaffSession | None = None) -> tuple[Tab, ...]:
    """The tabs `staff` may open (all without a session); the overview tab is current only on
    /admin itself, the others on their sub-pages too."""
    return tuple(Tab(href, label, current == href or (href != "/admin" and current.startswith(href)))
                 for href, label, action in TABS if staff is None or staff.can(action))


async def admin_page(request: web.Request, template: str, title: str, *, scripts: Sequence[str] = (),
                     status: int = 200, title_values: dict[str, object] | None = None,
                     **context: object) -> web.Response:
    """Render `template` (extending admin/layout.html); `local(at)` shows a time in Beijing time.
    `title` is a catalog key (bot/web/staff_text.py), filled from `title_values`."""
    return await staff_page(request, template, title, scripts=scripts, styles=[CSS], status=status,
                            title_values=title_values,
                            tabs=tabs_for(request.path, request.get(STAFF)), local=fmt_local, **context)
