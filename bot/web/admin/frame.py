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
TABS = (  # (href, label, the action that shows the tab)
    ("/admin", "Overview", "handoff.board"), ("/admin/rota", "Rota", "rota.edit"),
    ("/admin/board", "Live board", "handoff.board"), ("/admin/counselors", "Counselors", "counselor.manage"),
    ("/admin/reports", "Reports", "reports.view"), ("/admin/users", "Accounts", "user.manage"),
    ("/admin/audit", "Audit trail", "audit.view"))


@dataclass(frozen=True)
class Tab:
    href: str
    label: str
    here: bool


def tabs_for(current: str, staff: StaffSession | None = None) -> tuple[Tab, ...]:
    """The tabs `staff` may open (all without a session); the overview tab is current only on
    /admin itself, the others on their sub-pages too."""
    return tuple(Tab(href, label, current == href or (href != "/admin" and current.startswith(href)))
                 for href, label, action in TABS if staff is None or staff.can(action))


async def admin_page(request: web.Request, template: str, title: str, *, scripts: Sequence[str] = (),
                     status: int = 200, **context: object) -> web.Response:
    """Render `template` (extending admin/layout.html); `local(at)` shows a time in Beijing time."""
    return await staff_page(request, template, title, scripts=scripts, styles=[CSS], status=status,
                            tabs=tabs_for(request.path, request.get(STAFF)), local=fmt_local, **context)
