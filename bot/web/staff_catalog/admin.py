# ruff: noqa: E501  (a catalog line holds one phrase in two languages; CJK counts double)
"""The coordinator and admin dashboard (templates/admin/*, bot/web/admin/*.py)."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {}
