"""Report figures on a real database (SQLite and PostgreSQL) from rows with known times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.storage.models import Conversation, Feedback, Handoff, Resident
from bot.storage.uow import UnitOfWorkFactory
from bot.web.admin.reports import (
    ReportError,
    build_report,
    clipped_hours,
    csv_rows,
    local_range,
    median,
    percentile_nearest_rank,
)

# Monday 2026-03-02 00:00 in Beijing is Sunday 16:00 UTC.
WEEK1 = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)


async def seed(uow: UnitOfWorkFactory) -> None:
    """Three conversations in week 1, one in week 2; 20 accepted handoffs with waits 10..200 s."""
    async with uow() as u:
        resident = Resident(pseudonym="p1", channel="web", created_at=WEEK1)
        u.session.add(resident)
        await u.session.flush()
        convs = []
        for day in (0, 1, 6, 8):
            at = WEEK1 + timedelta(days=day, hours=3)
            convs.append(Conversation(resident_id=resident.id, channel="web", chat_key=f"k{day}",
                                      created_at=at, updated_at=at))
        u.session.add_all(convs)
        await u.session.flush()
        for i in range(20):
            created = WEEK1 + timedelta(days=1, minutes=i)
            u.session.add(Handoff(conversation_id=convs[0].id, state="closed",
                                  level="high" if i % 2 else "imminent", created_at=created,
                                  accepted_at=created + timedelta(seconds=10 * (i + 1)),
                                  step=1 if i < 3 else 0))
        u.session.add(Handoff(conversation_id=convs[1].id, state="fallback", level="medium",
                              created_at=WEEK1 + timedelta(days=2), step=3))
        # Outside the range: must not count anywhere.
        u.session.add(Handoff(conversation_id=convs[1].id, state="fallback", level="high",
                              created_at=WEEK1 - timedelta(days=1), step=2))
        for kind, value in (("answer", 1), ("answer", 1), ("answer", -1), ("counselor", 1),
                            ("satisfaction", 5), ("satisfaction", 2), ("satisfaction", 0)):
            u.session.add(Feedback(conversation_id=convs[0].id, kind=kind, value=value,
                                   at=WEEK1 + timedelta(days=3)))
        await u.commit()


async def test_report_counts_exact_figures_from_the_database(uow: UnitOfWorkFactory) -> None:
    await seed(uow)
    start, end = local_range(date(2026, 3, 2), date(2026, 3, 15))

    async with uow() as u:
        report = await build_report(u.session, start, end)

    assert report.conversations_per_week == [(date(2026, 3, 2), 3), (date(2026, 3, 9), 1)]
    assert report.handoffs_by_level["imminent"] == 10
    assert report.handoffs_by_level["high"] == 10
    assert report.handoffs_by_level["medium"] == 1
    assert report.handoffs == 21
    assert report.median_accept_s == 105.0  # mean of 100 and 110
    assert report.p95_accept_s == 190.0  # rank ceil(0.95 * 20) = 19
    assert report.escalations == 4  # three went past step 0, plus the fallback
    assert report.fallbacks == 1
    assert (report.satisfaction["answer"].up, report.satisfaction["answer"].down) == (2, 1)
    assert report.satisfaction["counselor"].up == 1
    # 1-5 ratings after a counselor's chat: a 2 is not "helpful", a skip (0) is not a rating
    assert "satisfaction" not in report.satisfaction
    assert report.ratings == {"rated": 2, "skipped": 1, "satisfied_share": 0.5, "mean": 3.5}


async def test_an_empty_range_has_zero_weeks_and_no_accept_times(uow: UnitOfWorkFactory) -> None:
    start, end = local_range(date(2026, 3, 2), date(2026, 3, 8))

    async with uow() as u:
        report = await build_report(u.session, start, end)

    assert report.conversations_per_week == [(date(2026, 3, 2), 0)]
    assert report.median_accept_s is None and report.p95_accept_s is None


def test_median_of_an_odd_count_is_the_middle_value() -> None:
    assert median([30.0, 10.0, 20.0]) == 20.0


def test_p95_is_a_value_that_happened() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile_nearest_rank(values, 95) == 95.0
    assert percentile_nearest_rank([7.0], 95) == 7.0


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ReportError):
        local_range(date(2026, 3, 9), date(2026, 3, 2))


def test_coverage_hours_count_only_the_part_inside_the_range() -> None:
    start = datetime(2026, 3, 2, tzinfo=UTC)
    spans = [("hd", start - timedelta(hours=4), start + timedelta(hours=8)),
             ("hd", start + timedelta(hours=20), start + timedelta(hours=30)),
             ("cy", start + timedelta(hours=1), start + timedelta(hours=3))]

    hours = clipped_hours(spans, start, start + timedelta(days=1))

    assert hours == {"cy": 2.0, "hd": 12.0}


async def test_csv_rows_carry_every_figure(uow: UnitOfWorkFactory) -> None:
    await seed(uow)
    start, end = local_range(date(2026, 3, 2), date(2026, 3, 15))
    async with uow() as u:
        report = await build_report(u.session, start, end)

    rows = csv_rows(report)

    assert ["time_to_accept_s", "p95", "190.0"] in rows
    assert ["fallbacks", "count", "1"] in rows
    assert ["counselor_rating", "satisfied_share", "0.50"] in rows
