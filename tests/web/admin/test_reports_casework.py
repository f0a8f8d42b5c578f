"""Casework, follow-ups, coverage against demand and the monthly station report, with exact figures
from seeded rows on SQLite and PostgreSQL (issue 17 item 9)."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.rota import RotaService
from bot.storage import rota_repo
from bot.storage.models import Conversation, Feedback, FollowUp, Handoff, Message, Resident
from bot.storage.uow import UnitOfWorkFactory
from bot.web.admin.report_casework import (
    NO_STATION,
    NOT_TAKEN,
    HandoffRow,
    build_casework,
    level_station_table,
)
from bot.web.admin.report_coverage import coverage_rows
from bot.web.admin.report_monthly import build_monthly, monthly_csv, monthly_html, parse_month
from bot.web.admin.reports import ReportError
from scheduling.model import DEFAULT_TZ
from scheduling.rotation import zone

BJ = zone(DEFAULT_TZ)
ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 3, 25, 12, 0, tzinfo=BJ)
MARCH = (datetime(2026, 3, 1, tzinfo=BJ), datetime(2026, 4, 1, tzinfo=BJ))
# hd: c1 (zh, en) days 08-20, c2 (zh) nights, 24 h one person; cy: c3 09:00-17:00 every day.
ROTA = """
stations: [{id: hd, name: 海淀区中心, level: district}, {id: cy, name: 朝阳区中心, level: district}]
counselors:
  - {id: c1, name: Chen, languages: [zh, en], station: hd, roles: [counselor], web_login: chen}
  - {id: c2, name: Li, languages: [zh], station: hd, roles: [counselor], web_login: li}
  - {id: c3, name: Wu, languages: [zh], station: cy, roles: [counselor], web_login: wu}
  - {id: k1, name: Kim, languages: [zh, en], station: hd, roles: [coordinator, counselor], web_login: kim}
rotations:
  - {id: hd-main, station: hd, members: [c1, c2], shift: 12h, start: "2026-01-05T08:00:00+08:00"}
  - {id: cy-day, station: cy, members: [c3], shift: 1d, start: "2026-01-05T00:00:00+08:00",
     hours: ["09:00-17:00"]}
"""
# Line-wide: a Chinese and an English speaker always; cy must staff itself 08:00-20:00.
DEMAND_NEEDS = """
needs:
  - {language: zh, min_staff: 1}
  - {language: en, min_staff: 1}
  - {language: zh, min_staff: 1, station: cy, hours: "08:00-20:00"}
"""


def config_dir(tmp: Path) -> Path:
    """config/ with the demand model above (the rest of demand.yaml as shipped)."""
    d = tmp / "config"
    shutil.copytree(ROOT / "config", d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (d / "demand.yaml").read_text(encoding="utf-8")
    head, tail = text.split("needs:", 1)
    tail = tail.split("\n# Used only", 1)[1]
    (d / "demand.yaml").write_text(head + DEMAND_NEEDS + "# Used only" + tail, encoding="utf-8")
    return d


def bj(day: int, hour: int = 12, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BJ)


async def seed(uow: UnitOfWorkFactory, tmp: Path) -> dict[str, int]:
    """Handoffs, follow-ups and ratings in March 2026 (Beijing), plus rows just outside it."""
    rota_file = tmp / "rota.yaml"
    rota_file.write_text(ROTA, encoding="utf-8")
    await rota_repo.import_rota_file(uow, rota_file, NOW, by="test")
    ids: dict[str, int] = {}
    async with uow() as u:
        res = Resident(pseudonym="pseudo-7f3a", channel="web", created_at=bj(1))
        u.session.add(res)
        await u.session.flush()
        convs = [Conversation(resident_id=res.id, channel="web", chat_key=f"chatkey-{i}", created_at=bj(1),
                              updated_at=bj(1)) for i in range(4)]
        u.session.add_all(convs)
        await u.session.flush()
        a, b, c, d = (cv.id for cv in convs)

        def handoff(name: str, conv: int, level: str, at: datetime, wait_s: int | None, who: str | None,
                    state: str = "closed", step: int = 0) -> None:
            h = Handoff(conversation_id=conv, level=level, state=state, step=step, created_at=at,
                        counselor_id=who,
                        accepted_at=None if wait_s is None else at + timedelta(seconds=wait_s))
            u.session.add(h)
            hs.append((name, h))

        hs: list[tuple[str, Handoff]] = []
        for i, wait in enumerate((30, 60, 90)):
            handoff(f"hd-imm{i}", a, "imminent", bj(2 + i), wait, "c1")
        handoff("hd-high0", b, "high", bj(4), 100, "c1", step=1)
        handoff("hd-high1", b, "high", bj(31, 23, 30), 300, "c2")  # the last local evening of March
        handoff("cy-high", c, "high", bj(5), 50, "c3")
        handoff("cy-med", c, "medium", bj(6), 600, "c3")
        handoff("fallback", a, "imminent", bj(7), None, None, state="fallback", step=4)  # after F1
        handoff("feb", d, "high", bj(28, 23, 30, month=2), 10, "c1")  # 15:30 UTC: still February
        handoff("apr", d, "high", bj(1, 0, 30, month=4), 10, "c1")  # 2026-03-31 16:30 UTC: April here
        await u.session.flush()
        ids = {name: h.id for name, h in hs}

        def follow(handoff_name: str, who: str, kind: str, due: datetime, done: bool) -> None:
            u.session.add(FollowUp(handoff_id=ids[handoff_name], counselor_id=who, kind=kind, due_at=due,
                                   done_at=due if done else None))

        follow("hd-imm0", "c1", "24h", bj(5, 10), True)  # F1: replied next day, asked again on the 7th
        follow("hd-high0", "c1", "1w", bj(10), True)  # F2: the reply comes 10 days later: too late
        follow("hd-imm1", "c1", "1m", bj(20), False)  # F3: overdue at NOW (25th)
        follow("hd-imm2", "c1", "1m", bj(28), False)  # F4: not yet due
        follow("hd-imm2", "c1", "24h", bj(2, month=4), False)  # April: not in March
        follow("cy-high", "c3", "24h", bj(12, 10), True)  # F6: replied the same day
        for conv, at in ((a, bj(6)), (b, bj(20, 13)), (c, bj(12, 13))):
            u.session.add(Message(conversation_id=conv, sender="resident", text_enc=b"ciphertext-9q",
                                  created_at=at))
        for name, value in (("hd-high0", 5), ("hd-imm0", 0), ("cy-high", 2)):
            u.session.add(Feedback(conversation_id=a, kind="satisfaction", subject=f"handoff:{ids[name]}",
                                   value=value, at=bj(15)))
        await u.commit()
    return ids


async def test_handoffs_by_level_and_station_and_accept_times_per_level(uow: UnitOfWorkFactory,
                                                                         tmp_path: Path) -> None:
    await seed(uow, tmp_path)

    async with uow() as u:
        work = await build_casework(u.session, *MARCH, NOW)

    assert work.stations == ["cy", "hd", NOT_TAKEN]
    assert work.by_level_station["imminent"] == {"cy": 0, "hd": 3, NOT_TAKEN: 1}
    assert work.by_level_station["high"] == {"cy": 1, "hd": 2, NOT_TAKEN: 0}
    assert work.by_level_station["medium"] == {"cy": 1, "hd": 0, NOT_TAKEN: 0}
    imm, high, med = (work.accept_by_level[lvl] for lvl in ("imminent", "high", "medium"))
    assert (imm.accepted, imm.p50_s, imm.p95_s) == (3, 60.0, 90.0)  # p95: rank ceil(0.95 * 3) = 3
    assert (high.accepted, high.p50_s, high.p95_s) == (3, 100.0, 300.0)
    assert (med.accepted, med.p50_s, med.p95_s) == (1, 600.0, 600.0)
    assert work.accept_by_level["low"].p50_s is None


async def test_follow_ups_due_sent_replied_and_outcome(uow: UnitOfWorkFactory, tmp_path: Path) -> None:
    await seed(uow, tmp_path)

    async with uow() as u:
        line = (await build_casework(u.session, *MARCH, NOW)).followups
        hd = (await build_casework(u.session, *MARCH, NOW, station="hd")).followups

    assert (line.due, line.sent, line.replied, line.no_reply) == (5, 3, 2, 1)
    assert (line.asked_again, line.overdue, line.not_yet_due) == (1, 1, 1)
    assert line.by_kind == (("24h", 2, 2, 2), ("1w", 1, 1, 0), ("1m", 2, 0, 0))
    assert (hd.due, hd.sent, hd.replied, hd.asked_again, hd.overdue, hd.not_yet_due) == (4, 2, 1, 1, 1, 1)


async def test_coverage_against_demand_per_station(uow: UnitOfWorkFactory, tmp_path: Path) -> None:
    await seed(uow, tmp_path)
    rota = RotaService(uow, config_dir(tmp_path))

    rows = {r.place: r for r in await coverage_rows(rota, *MARCH)}

    # Line: needed every hour (zh and en at once count once); no English speaker 20:00-08:00 (31 x 12 h).
    assert (rows["*"].scheduled_h, rows["*"].needed_h, rows["*"].gap_h, rows["*"].missing_h) == \
        (992.0, 744.0, 372.0, 372.0)
    # hd has no need of its own; cy needs 08:00-20:00 and staffs 09:00-17:00: 4 h short a day.
    assert (rows["hd"].scheduled_h, rows["hd"].needed_h, rows["hd"].gap_h) == (744.0, 0.0, 0.0)
    assert (rows["cy"].scheduled_h, rows["cy"].needed_h, rows["cy"].gap_h) == (248.0, 372.0, 124.0)


async def test_monthly_report_of_one_station_in_its_local_month(uow: UnitOfWorkFactory,
                                                                 tmp_path: Path) -> None:
    await seed(uow, tmp_path)
    rota = RotaService(uow, config_dir(tmp_path))

    async with uow() as u:
        r = await build_monthly(u.session, rota, "hd", parse_month("2026-03"), NOW)

    assert r.start == datetime(2026, 2, 28, 16, 0, tzinfo=UTC) and len(r.per_day) == 31
    assert r.handoffs == 5 and dict(r.per_day)[date(2026, 3, 31)] == 1  # 23:30 Beijing, 15:30 UTC
    assert r.by_level["imminent"] == 3 and r.by_level["high"] == 2
    assert (r.escalations, r.fallbacks) == (1, 0)
    assert r.ratings == {"rated": 1, "skipped": 1, "satisfied_share": 1.0, "mean": 5.0}
    assert [c.place for c in r.coverage] == ["*", "hd"]
    rows = monthly_csv(r)
    assert ["time_to_accept_s_high", "p50", "200.0"] in rows
    assert ["followups", "overdue", "1"] in rows and ["coverage_gap_h", "line", "372.0"] in rows
    html = monthly_html(r)
    assert html.count("<svg") == 3 and "海淀区中心" in html
    assert "<script" not in html and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


async def test_no_message_text_or_resident_key_in_any_report(uow: UnitOfWorkFactory, tmp_path: Path) -> None:
    await seed(uow, tmp_path)
    rota = RotaService(uow, config_dir(tmp_path))
    async with uow() as u:
        r = await build_monthly(u.session, rota, "hd", parse_month("2026-03"), NOW)

    out = monthly_html(r) + str(monthly_csv(r))

    assert "ciphertext-9q" not in out and "pseudo-7f3a" not in out and "chatkey-" not in out


def test_stations_sort_by_id_then_no_station_then_not_taken() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    rows = [HandoffRow("high", st, at, None, 0, "closed") for st in (NOT_TAKEN, "hd", NO_STATION, "cy", "hd")]

    table, stations = level_station_table(rows)

    assert stations == ["cy", "hd", NO_STATION, NOT_TAKEN]
    assert table["high"] == {"cy": 1, "hd": 2, NO_STATION: 1, NOT_TAKEN: 1}


@pytest.mark.parametrize("text", ["2026-13", "2026-3", "march", "", "2026-03-01", "1999-12"])
def test_a_month_must_be_written_yyyy_mm(text: str) -> None:
    with pytest.raises(ReportError, match="YYYY-MM"):
        parse_month(text)


async def test_an_unknown_station_names_the_stations(uow: UnitOfWorkFactory, tmp_path: Path) -> None:
    await seed(uow, tmp_path)
    async with uow() as u:
        with pytest.raises(ReportError, match="stations are cy, hd"):
            await build_monthly(u.session, RotaService(uow, config_dir(tmp_path)), "xx", date(2026, 3, 1),
                                NOW)
