"""The explicit demand model (config/demand.yaml `needs`): line-wide needs count everyone on duty
at any station, a gap is only where no speaker of the language is on duty, and windows hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scheduling.demand import LINE, Need, parse_hours
from scheduling.errors import RotaError
from scheduling.gaps import need_gaps
from scheduling.model import Rotation
from scheduling.rota_io import load_rota_file
from scheduling.schedule import Schedule
from scheduling.settings import load_demand
from tests.scheduling.builders import people, rota, sh

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "config" / "demo_rota.yaml"


def test_demo_rota_has_a_gap_only_where_no_speaker_is_on_duty_anywhere() -> None:
    needs = load_demand(ROOT / "config").need_list()
    start = datetime(2026, 12, 7, tzinfo=UTC)
    s = Schedule(load_rota_file(DEMO), start, start + timedelta(days=14))
    gaps = need_gaps(s, s.start, s.end, needs)
    assert gaps, "the demo leaves hours with no English speaker: they must show"
    assert {g.station for g in gaps} == {LINE} and {g.language for g in gaps} == {"en"}
    for hour in range(14 * 24):  # every half hour of two weeks: a gap exactly where nobody speaks it
        at = start + timedelta(hours=hour, minutes=30)
        for need in needs:
            speakers = {d.counselor for d in s.on_duty(at, None, need.language)}
            in_gap = any(g.language == need.language and g.start <= at < g.end for g in gaps)
            assert in_gap == (len(speakers) < need.min_staff), (at, need)


def test_a_station_need_counts_only_that_station_and_only_inside_its_hours() -> None:
    cs = {**people("a", langs=("zh",)), **people("b", langs=("en",), station="st")}
    r = rota([Rotation("r", "hd", ("a",), timedelta(days=1), sh(2026, 1, 5)),
              Rotation("s", "st", ("b",), timedelta(days=1), sh(2026, 1, 5))], cs)
    start = sh(2026, 1, 6)
    s = Schedule(r, start, start + timedelta(days=2))
    line_en = need_gaps(s, s.start, s.end, [Need("en")])
    hd_en = need_gaps(s, s.start, s.end, [Need("en", 1, "hd", parse_hours("18:00-02:00"))])
    assert line_en == []  # b speaks English at another station: the line is covered
    assert [(g.start, g.end, g.station) for g in sorted(hd_en, key=lambda g: g.start)] == [
        (start, start + timedelta(hours=2), "hd"),  # the evening before runs past midnight
        (start + timedelta(hours=18), start + timedelta(hours=26), "hd"),
        (start + timedelta(hours=42), start + timedelta(hours=48), "hd")]  # clipped at the span's end
    assert hd_en[-1].what() == "no English speaker on duty at hd"


def test_need_words_and_bad_hours() -> None:
    assert Need("en", 2, LINE, parse_hours("18:00-02:00")).describe() == \
        "2 English speakers on duty anywhere on the line, 18:00-02:00"
    for bad in ("18-02", "25:00-02:00", "08:00-08:00", "soon"):
        with pytest.raises(RotaError, match="HH:MM|00:00-24:00"):
            parse_hours(bad)
