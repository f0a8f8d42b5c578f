"""The service directory: hours checked against an injected clock in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from knowledge_base import load_directory
from knowledge_base.services import Directory, services_answer
from tests.knowledge_base.conftest import at


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory()


def test_every_station_is_marked_demo_and_the_24_hour_lines_are_listed(directory: Directory) -> None:
    assert directory.stations and all(s.demo for s in directory.stations)
    assert [ln.number for ln in directory.lines] == ["12356", "010-82951332", "110", "120", "119"]
    assert {s.level for s in directory.stations} == {"city", "district", "street", "community"}


def test_haidian_station_open_on_a_weekday_morning(directory: Directory) -> None:
    text = services_answer(directory, "is there a station open now near 海淀", "en", at(0, 10))

    assert "Haidian district psychological service centre (demo) — 20 Demo Street, Haidian (open now)" in text
    assert "Beijing social" not in text  # another district's centre is not "near Haidian"


def test_late_at_night_nothing_is_open_and_the_lines_come_first(directory: Directory) -> None:
    text = services_answer(directory, "海淀有没有现在开着的心理服务站", "zh", at(0, 23))

    assert text.startswith("24小时热线")
    assert "海淀现在没有开放的服务站" in text
    assert "下次开放 周二 09:00" in text


def test_open_until_the_last_minute_then_closed(directory: Directory) -> None:
    haidian = next(s for s in directory.stations if s.id == "haidian-district")

    assert haidian.is_open(directory.local(at(0, 20, 59)))
    assert not haidian.is_open(directory.local(at(0, 21, 0)))


def test_sunday_closed_station_reopens_on_monday(directory: Directory) -> None:
    street = next(s for s in directory.stations if s.id == "haidian-zhongguancun-street")

    assert street.next_opening(directory.local(at(6, 12))) == at(7, 9)


def test_utc_clock_is_read_in_shanghai_time(directory: Directory) -> None:
    # 02:00 UTC on Monday is 10:00 in Beijing: the Haidian centre is open.
    utc = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)

    assert [s.id for s in directory.open_now(utc, "haidian")][:1] == ["haidian-district"]


def test_number_question_at_night_lists_lines(directory: Directory) -> None:
    text = services_answer(directory, "what number can I call tonight", "en", at(2, 2))

    assert text.startswith("24-hour lines") and "12356" in text and "010-82951332" in text


def test_without_a_clock_stations_are_listed_without_status(directory: Directory) -> None:
    text = services_answer(directory, "朝阳区的心理服务站在哪", "zh", None)

    assert "朝阳区心理服务中心（示例）" in text and "现在" not in text


def test_district_named_by_alias(directory: Directory) -> None:
    assert directory.district_in("中关村附近有服务站吗") == "haidian"
    assert directory.district_in("stations in Chaoyang?") == "chaoyang"
    assert directory.district_in("附近有服务站吗") is None


def test_when_the_district_is_closed_stations_open_elsewhere_are_named(directory: Directory) -> None:
    # Sunday noon: Haidian's stations are closed, the city centre and Chaoyang's centre are open.
    text = services_answer(directory, "海淀有没有现在开着的心理服务站", "zh", at(6, 12))

    assert "海淀现在没有开放的服务站" in text
    assert "其他地方现在开放的：" in text and "北京市社会心理服务指导中心（示例）" in text
