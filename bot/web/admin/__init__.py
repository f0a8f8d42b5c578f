"""Coordinator dashboard at /admin: rota calendar with gaps, overrides, swaps and leave; the
counselors and their invite codes; a live board of handoffs; reports with SVG charts and CSV.

Every route (bot/web/admin/routes.py) is guarded by bot.web.auth (coordinators and admins); every
POST carries the CSRF token (checked by the app's CSRF middleware before any handler runs).
"""
