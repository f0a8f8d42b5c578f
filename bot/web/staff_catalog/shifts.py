# ruff: noqa: E501  (a catalog line holds one phrase in two languages; CJK counts double)
"""The counselor's own shifts (/console/shifts: bot/web/console_rota.py, templates/console_shifts.html,
static/console_shifts.js). Keys start with `shifts.`. Owned by the console-rota work (H3)."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {}
