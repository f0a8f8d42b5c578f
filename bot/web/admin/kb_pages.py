"""/admin/kb, for coordinators: every knowledge-base entry by review state with its reviewer, dates
and sources (issue 21 item 3), and what residents' ratings say (item 4): the entries most often
rated down and the closest topics of the questions the bot was not sure about.

The entries are read from their files (drafts included: a coordinator sees what awaits review);
ratings are the `feedback` rows of kind "answer" (subject: the entry id, +1 / -1) and
"answer_miss" ("not what I asked"), fallbacks those of kind "fallback" (subject: the closest topic;
never the question's text). Reviews are recorded with `hotline kb review --record` (the page says
how): an entry file is the record, so the page only reads.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Feedback
from bot.web.admin.common import today_local
from bot.web.admin.frame import admin_page
from bot.web.auth import require_staff
from bot.web.keys import CONTAINER
from bot.web.staff_text import staff_lang
from knowledge_base.feedback import Fallback, FeedbackReport, Rating, Vote, build_report
from knowledge_base.governance import ORDER, Due, review_list
from knowledge_base.loading import read_entries

ROUTE = "/admin/kb"
FEEDBACK_DAYS = 90  # the report's window: recent enough to act on, long enough to have counts
VOTES: dict[tuple[str, int], Vote] = {("answer", 1): "up", ("answer", -1): "down",
                                      ("answer_miss", -1): "not_what_i_asked"}


@dataclass(frozen=True)
class Row:
    due: Due
    topic: str
    title: str


def register(app: web.Application) -> None:
    """Add the page's route (bot/web/admin/routes.py calls this)."""
    app.router.add_get(ROUTE, kb_page)


def entry_rows(lang: str, today: date) -> tuple[list[Row], list[str]]:
    """Every entry file's review line with its title in `lang`, in state order; and unreadable files."""
    items, problems = read_entries()
    entries = {i.entry.id: i.entry for i in items}
    rows = []
    for d in review_list(items, today):
        e = entries[d.entry_id]
        rows.append(Row(d, e.topic, e.version(lang).title))
    rows.sort(key=lambda r: (ORDER.index(r.due.status), not r.due.due, r.due.entry_id))
    return rows, [str(p) for p in problems]


async def stored_report(session: AsyncSession, since: datetime, titles: dict[str, str]) -> FeedbackReport:
    """Ratings and fallbacks stored since `since`, as knowledge_base.feedback's report (the page and
    `hotline kb feedback` both read it here)."""
    q = select(Feedback.kind, Feedback.subject, Feedback.value).where(
        Feedback.kind.in_(("answer", "answer_miss", "fallback")), Feedback.at >= since)
    found = (await session.execute(q)).all()
    events: list[Rating | Fallback] = []
    for kind, subject, value in found:
        if kind == "fallback":
            events.append(Fallback("", best_topic=subject or None))
        elif (kind, value) in VOTES and subject:
            events.append(Rating(subject, VOTES[(kind, value)]))
    return build_report(events, titles)


@require_staff("reports.view")
async def kb_page(request: web.Request) -> web.Response:
    container = request.app[CONTAINER]
    lang = await staff_lang(request)
    today = today_local(container.clock.now())
    rows, broken = await asyncio.to_thread(entry_rows, lang, today)
    state = request.query.get("state", "")
    shown = [r for r in rows if r.due.status == state] if state in ORDER else rows
    async with container.uow() as uow:
        report = await stored_report(uow.session, container.clock.now() - timedelta(days=FEEDBACK_DAYS),
                                     {r.due.entry_id: r.title for r in rows})
    counts = Counter(r.due.status for r in rows)
    return await admin_page(request, "admin/kb.html", "admin.kb.title", rows=shown, states=ORDER,
                            state=state if state in ORDER else "", counts=counts, total=len(rows),
                            due=sum(r.due.due for r in rows), broken=broken, report=report,
                            days=FEEDBACK_DAYS, demo=container.settings.demo)
