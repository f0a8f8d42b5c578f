"""Content governance: which entries may be served, which are due for review, and recording a review.

States (model.ReviewStatus): draft -> project_reviewed (an editor checked it; clinical review
pending) -> clinically_reviewed (a clinician signed it off) -> published (released to residents).
Outside demo mode only published entries are served. Every served entry that no clinician has
reviewed carries an honest footer (`pending_footer`).

A review is recorded by rewriting the entry's one-line `review: {...}` mapping in place, so the
rest of the hand-written file (comments, block scalars, order) is left exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.loading import Loaded, parse_entry
from knowledge_base.model import Entry, Review, ReviewStatus

SERVED_STATUS: ReviewStatus = "published"
CLINICAL: frozenset[str] = frozenset({"clinically_reviewed", "published"})
ORDER: tuple[ReviewStatus, ...] = ("draft", "project_reviewed", "clinically_reviewed", "published")
REVIEW_LINE = re.compile(r"^review:[ \t]*\{.*\}[ \t]*$", re.M)

FOOTER = {
    "zh": "（说明：本条内容由项目编写，尚待临床专业人员审核。）",
    "en": "(Note: written by the project team; clinical review pending.)",
}
DEMO_FOOTER = {
    "zh": "（演示模式：未发布的内容也会显示。）",
    "en": "(Demo mode: unpublished content is shown.)",
}


def servable(entries: Sequence[Entry], demo: bool) -> list[Entry]:
    """The entries the bot may answer from: published ones, or all of them in demo mode."""
    return list(entries) if demo else [e for e in entries if e.review.status == SERVED_STATUS]


def footer(entry: Entry, lang: str, demo: bool) -> str:
    """The honest note under an answer: clinical review pending, and demo mode when unpublished."""
    parts = []
    if entry.review.status not in CLINICAL:
        parts.append(FOOTER[lang])
    if demo and entry.review.status != SERVED_STATUS:
        parts.append(DEMO_FOOTER[lang])
    return "\n".join(parts)


@dataclass(frozen=True)
class Due:
    """One entry in the review list."""

    entry_id: str
    path: Path
    status: ReviewStatus
    reviewed: date
    next_review: date | None
    due: bool
    sources: tuple[str, ...]
    reviewer: str | None = None
    reviewer_role: str = ""


def review_list(items: Sequence[Loaded], today: date) -> list[Due]:
    """Every entry with its state; due when never clinically reviewed, undated or past its date."""
    out = []
    for item in items:
        r = item.entry.review
        due = r.status not in CLINICAL or r.next_review is None or r.next_review <= today
        out.append(Due(item.entry.id, item.path, r.status, r.date, r.next_review, due,
                       tuple(item.entry.sources), r.reviewer, r.reviewer_role))
    return sorted(out, key=lambda d: (not d.due, ORDER.index(d.status), d.next_review or date.min,
                                      d.entry_id))


def review_line(r: Review) -> str:
    """The one-line YAML mapping for a review (keys in a fixed order, strings quoted)."""
    fields: dict[str, object] = {"status": r.status, "reviewer_role": r.reviewer_role}
    if r.reviewer is not None:
        fields["reviewer"] = r.reviewer
    fields["date"] = r.date
    if r.next_review is not None:
        fields["next_review"] = r.next_review
    body = yaml.safe_dump(fields, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000)
    return "review: " + body.strip()


def record_review(path: Path, status: ReviewStatus, reviewer: str, role: str, on: date,
                  interval_days: int) -> Entry:
    """Write a review into an entry file and return the entry as read back.

    Any state may be recorded, backwards too (published -> draft when a clinician withdraws it).
    The file is re-validated after writing; if it no longer reads back as written, the old text is
    restored and KnowledgeBaseError raised, so nothing is lost.
    """
    old_text = path.read_text(encoding="utf-8")
    entry, problems = parse_entry(path)
    if entry is None:
        raise KnowledgeBaseError(f"{path}: cannot record a review in a broken entry: {problems[0]}")
    matches = REVIEW_LINE.findall(old_text)
    if len(matches) != 1:
        raise KnowledgeBaseError(f"{path}: expected one line 'review: {{...}}' to rewrite")
    new = Review(status=status, reviewer_role=role, reviewer=reviewer, date=on,
                 next_review=on + timedelta(days=interval_days))
    path.write_text(REVIEW_LINE.sub(lambda _: review_line(new), old_text, count=1), encoding="utf-8")
    written, problems = parse_entry(path)
    if written is None or written.review != new:
        path.write_text(old_text, encoding="utf-8")
        raise KnowledgeBaseError(f"{path}: review not recorded ({problems[0] if problems else 'mismatch'})")
    return written
