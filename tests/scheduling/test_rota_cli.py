"""`hotline rota ...` against a real SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from icalendar import Calendar

from bot.cli.main import main
from bot.storage import migrate

DEMO = str(Path(__file__).resolve().parents[2] / "config" / "demo_rota.yaml")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("HOTLINE_DATABASE_URL", url)
    migrate.upgrade(url, "head")
    return tmp_path


def test_import_show_export_round_trip(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rota", "import", DEMO]) == 0
    assert main(["rota", "show", "--at", "2026-12-01T09:00+08:00", "--station", "bj-city"]) == 0
    shown = capsys.readouterr().out
    assert main(["rota", "export", "-o", str(db / "out.yaml")]) == 0
    exported = yaml.safe_load((db / "out.yaml").read_text(encoding="utf-8"))
    assert "rotation" in shown and "bj-city" in shown
    assert [r["id"] for r in exported["rotations"]] == ["city-main", "hd-evening", "cy-day", "zgc-room"]


def test_bad_file_exits_2_naming_entry_and_field(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = db / "bad.yaml"
    bad.write_text(Path(DEMO).read_text(encoding="utf-8").replace("shift: 12h", "shift: 12 hours"),
                   encoding="utf-8")
    assert main(["rota", "import", str(bad)]) == 2
    assert "rotations.0.shift" in capsys.readouterr().err


def test_ics_for_a_station_parses_back(db: Path) -> None:
    main(["rota", "import", DEMO])
    out = db / "hd.ics"
    assert main(["rota", "ics", "--station", "hd", "--from", "2026-12-01T00:00+08:00",
                 "--to", "2026-12-08T00:00+08:00", "-o", str(out)]) == 0
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    # hd-evening: 18:00-02:00 each night: 7 nights, plus the tail of Nov 30's night after 00:00
    assert len(events) == 8


def test_gaps_fairness_and_swaps_run(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["rota", "import", DEMO])
    assert main(["rota", "gaps", "--from", "2026-12-01T00:00+08:00", "--station", "cy", "--lang", "en",
                 "--svg", str(db / "gaps.svg")]) == 0
    import xml.etree.ElementTree as ET
    svg = ET.parse(db / "gaps.svg").getroot()
    assert any(el.tag.endswith("rect") and el.get("fill") == "#d62728" for el in svg.iter())
    assert main(["rota", "fairness", "--from", "2026-12-01T00:00+08:00"]) == 0
    assert main(["rota", "swap", "on-behalf", "c1", "c2", "bj-city", "2026-12-02T08:00+08:00",
                 "2026-12-02T20:00+08:00", "--by", "c6"]) == 0
    assert main(["rota", "swap", "on-behalf", "c1", "c2", "bj-city", "2026-12-02T08:00+08:00",
                 "2026-12-02T20:00+08:00", "--by", "c1"]) == 1  # c1 is no coordinator
    main(["rota", "swap", "list"])
    out = capsys.readouterr()
    assert "coverage gaps" in out.out and "approved" in out.out and "not a coordinator" in out.err
