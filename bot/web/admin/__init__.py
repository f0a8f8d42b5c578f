"""Coordinator dashboard at /admin: rota calendar with gaps, overrides, swaps and leave; the
counselors and their invite codes; a live board of handoffs; reports with SVG charts and CSV.

Every route is guarded by bot.web.auth (coordinators and admins); every POST carries the CSRF
token (checked by the app's CSRF middleware before any handler runs).
"""

from __future__ import annotations

from aiohttp import web


def setup_admin(app: web.Application) -> None:
    """Register the dashboard's routes on `app` (create_app calls this)."""
    from bot.web.admin import board, counselors, overview, report_pages, rota_pages

    r = app.router
    r.add_get("/admin", overview.overview)
    r.add_get("/admin/rota", rota_pages.rota_page)
    r.add_post("/admin/rota/overrides", rota_pages.add_override)
    r.add_post("/admin/rota/overrides/{override_id}/delete", rota_pages.delete_override)
    r.add_post("/admin/rota/swaps", rota_pages.create_swap)
    r.add_post("/admin/rota/swaps/{swap_id}/{verdict:approve|decline}", rota_pages.decide_swap)
    r.add_post("/admin/rota/leave", rota_pages.add_leave)
    r.add_post("/admin/rota/leave/{leave_id}/delete", rota_pages.delete_leave)
    r.add_get("/admin/board", board.board_page)
    r.add_get("/admin/api/board", board.board_api)
    r.add_get("/admin/counselors", counselors.counselors_page)
    r.add_post("/admin/counselors/{counselor_id}/invite", counselors.invite)
    r.add_get("/admin/reports", report_pages.reports_page)
    r.add_get("/admin/reports.csv", report_pages.reports_csv)


register = setup_admin  # the name bot.web.app.create_app looks for
