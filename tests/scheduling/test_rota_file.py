"""Rota YAML: import, export round trip, and errors that name the entry and field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from config.errors import ConfigError
from scheduling.rota_io import load_rota_file, rota_to_dict
from scheduling.schedule import Schedule

DEMO = Path(__file__).resolve().parents[2] / "config" / "demo_rota.yaml"
ISSUE_SHAPE = """
stations: [{id: bj-city, name: 北京市心理援助中心, level: city},
           {id: hd, name: 海淀区中心, level: district, parent: bj-city}]
counselors: [{id: c1, name: 王老师, languages: [zh, en], station: hd, telegram_id: 1001, roles: [counselor]}]
rotations: [{id: hd-main, station: hd, members: [c1], shift: 12h, start: "2026-01-05T08:00:00+08:00"}]
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "rota.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_the_issue_example_loads(tmp_path: Path) -> None:
    r = load_rota_file(write(tmp_path, ISSUE_SHAPE))
    assert r.counselors["c1"].telegram_id == 1001 and r.rotations[0].tz == "Asia/Shanghai"


def test_export_then_import_gives_the_same_rota(tmp_path: Path) -> None:
    r = load_rota_file(DEMO)
    again = load_rota_file(write(tmp_path, yaml.safe_dump(rota_to_dict(r), allow_unicode=True)))
    assert again == r


def test_demo_rota_has_someone_on_duty_at_every_hour_of_a_year() -> None:
    start = datetime(2026, 11, 30, tzinfo=UTC)
    s = Schedule(load_rota_file(DEMO), start, start.replace(year=2027))
    from scheduling.gaps import coverage_gaps
    assert coverage_gaps(s, s.start, s.end, ["bj-city"]) == []


@pytest.mark.parametrize(("change", "field", "problem"), [
    (("members: [c1]", "members: [c9]"), "rotations.0.members", "entry 'hd-main': unknown counselor 'c9'"),
    (("shift: 12h", "shift: twelve"), "rotations.0.shift", "not a duration"),
    (("parent: bj-city", "parent: nowhere"), "stations.1.parent", "unknown station 'nowhere'"),
    (("level: district", "level: county"), "stations.1.level", "Input should be"),
    (('+08:00"', '"'), "rotations.0.start", "time zone offset"),
    (("station: hd, telegram", "statoin: hd, telegram"), "counselors.0.statoin", "unknown key"),
])
def test_bad_file_names_the_entry_and_field(tmp_path: Path, change: tuple[str, str], field: str,
                                            problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_rota_file(write(tmp_path, ISSUE_SHAPE.replace(*change)))
    assert err.value.field == field and problem in err.value.problem


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    text = ISSUE_SHAPE.replace("telegram_id: 1001, roles: [counselor]}]",
                               "roles: [counselor]}, {id: c1, name: again}]")
    with pytest.raises(ConfigError, match="duplicate id 'c1'"):
        load_rota_file(write(tmp_path, text))
