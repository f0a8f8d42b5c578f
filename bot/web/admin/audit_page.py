"""/admin/audit, for admins: the audit trail of staff actions, newest first, filtered by who, what
and when, and on request the result of `hotline audit verify` (the hash chain checked row by
row, bot/privacy/audit.py). Entries carry ids and actions, never message text."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import date, timedelta

from aiohttp import web
from sqlalchemy import Select, select

from bot.privacy.audit import VerifyResult, verify_chain
from bot.storage.models import AuditEntry
from bot.web.admin.calendar import local_midnight
from bot.web.admin.common import FieldError, local_date
from bot.web.admin.frame import admin_page
from bot.web.auth import require_staff
from bot.web.keys import CONTAINER
from bot.web.staff_text import CATALOG

LIMIT = 200  # rows on one page; narrow the filters to reach older ones
COLUMNS = ("#", "admin.audit.when", "admin.audit.who", "admin.audit.action", "admin.audit.object",
           "admin.audit.detail")  # catalog keys
GROUPS = [("rota.", "admin.audit.group.rota"), ("account.", "admin.audit.group.account"),
          ("handoff.", "admin.audit.group.handoff")]  # (filter, catalog key)
FILTERS = ("actor", "action", "object", "since", "until")
KNOWN_ACTIONS = frozenset(k for k in CATALOG if k.startswith("audit."))  # actions shown in words


def filtered(query: Mapping[str, str]) -> Select[AuditEntry]:
    """The SELECT for the typed filters, newest first; a bad date raises FieldError."""
    q = select(AuditEntry)
    if query.get("actor"):
        q = q.where(AuditEntry.actor == query["actor"])
    if action := query.get("action"):  # "rota." matches every rota action, "login" only logins
        q = q.where(AuditEntry.action.startswith(action) if action.endswith(".")
                    else AuditEntry.action == action)
    if query.get("object"):
        q = q.where(AuditEntry.object.contains(query["object"], autoescape=True))
    if query.get("since"):
        q = q.where(AuditEntry.at >= local_midnight(local_date(query["since"], date.min, "From")))
    if query.get("until"):  # the whole day typed is included
        last = local_date(query["until"], date.min, "To")
        q = q.where(AuditEntry.at < local_midnight(last + timedelta(days=1)))
    return q.order_by(AuditEntry.id.desc()).limit(LIMIT)


@require_staff("audit.view")
async def audit_page(request: web.Request) -> web.Response:
    container = request.app[CONTAINER]
    typed = {k: request.query.get(k, "").strip() for k in FILTERS}
    error, rows, check = "", [], None
    try:
        q = filtered(typed)
    except FieldError as exc:
        error = exc.message
    async with container.uow() as uow:
        if not error:
            rows = list(await uow.session.scalars(q))
        actions = sorted(set(await uow.session.scalars(select(AuditEntry.action).distinct())))
        if request.query.get("verify"):
            chain = list(await uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
            # Hashing every row is CPU work: off the event loop, as `hotline audit verify` does it.
            check = await asyncio.to_thread(verify_chain, chain)
    return await admin_page(request, "admin/audit.html", "admin.title.audit", status=400 if error else 200,
                            columns=COLUMNS, rows=rows, typed=typed, error=error,
                            groups=GROUPS, actions=actions, known_actions=KNOWN_ACTIONS,
                            check=check, limit=LIMIT, verify_text=_verify_text(check))


def _verify_text(check: VerifyResult | None) -> str:
    return "" if check is None else check.describe()
