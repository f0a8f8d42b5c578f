"""The dashboard's routes (create_app registers them)."""

from __future__ import annotations

from aiohttp import web

from bot.services.rota import RotaService
from bot.web.admin import (
    audit_page,
    board,
    board_form,
    counselors,
    kb_pages,
    overview,
    password,
    report_pages,
    rota_pages,
    rotation_pages,
    users,
)
from bot.web.admin.rota_source import ROTA
from bot.web.keys import CONTAINER


def register(app: web.Application) -> None:
    container = app[CONTAINER]
    app[ROTA] = RotaService(container.uow, container.settings.config_dir)
    r = app.router
    r.add_get("/admin", overview.overview)
    kb_pages.register(app)
    r.add_get("/admin/rota", rota_pages.rota_page)
    r.add_post("/admin/rota/overrides", rota_pages.add_override)
    r.add_post("/admin/rota/overrides/{override_id}/delete", rota_pages.delete_override)
    r.add_post("/admin/rota/swaps", rota_pages.create_swap)
    r.add_post("/admin/rota/swaps/{swap_id}/{verdict:approve|decline}", rota_pages.decide_swap)
    r.add_post("/admin/rota/leave", rota_pages.add_leave)
    r.add_post("/admin/rota/leave/{leave_id}/delete", rota_pages.delete_leave)
    r.add_get("/admin/rota/rotations", rotation_pages.rotations_page)
    r.add_post("/admin/rota/rotations", rotation_pages.create_rotation)
    r.add_get("/admin/rota/rotations/{rotation_id}", rotation_pages.rotation_page)
    r.add_post("/admin/rota/rotations/{rotation_id}", rotation_pages.save_rotation)
    r.add_post("/admin/rota/rotations/{rotation_id}/delete", rotation_pages.delete_rotation)
    r.add_post("/admin/rota/undo", rotation_pages.undo)
    r.add_get("/admin/board", board.board_page)
    r.add_get("/admin/api/board", board.board_api)
    r.add_get("/admin/board/assign/{hid}", board_form.assign_page)
    r.add_post("/admin/board/assign/{hid}", board_form.assign_post)
    r.add_get("/admin/counselors", counselors.counselors_page)
    r.add_post("/admin/counselors/{counselor_id}/invite", counselors.invite)
    r.add_get("/admin/reports", report_pages.reports_page)
    r.add_get("/admin/reports.csv", report_pages.reports_csv)
    r.add_get("/admin/users", users.users_page)
    r.add_post("/admin/users", users.create_user)
    r.add_get("/admin/users/{counselor_id}", users.user_page)
    r.add_post("/admin/users/{counselor_id}", users.save_user)
    r.add_post("/admin/users/{counselor_id}/deactivate", users.deactivate_user)
    r.add_post("/admin/users/{counselor_id}/reactivate", users.reactivate_user)
    r.add_post("/admin/users/{counselor_id}/password-code", users.password_code)
    r.add_get("/admin/audit", audit_page.audit_page)
    # Open without a login (the one-time code is the proof), like /login.
    r.add_get("/password", password.password_get)
    r.add_post("/password", password.password_post)
