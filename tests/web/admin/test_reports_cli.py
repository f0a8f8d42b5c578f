"""`hotline report monthly`: the files it writes, and one line with exit 2 for a value it cannot use."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.scheduling.test_rota_cli import db  # noqa: F401  (db: a migrated SQLite database)
from tests.web.admin.test_reports_casework import ROTA
from tests.web.admin.test_reports_http import CATALOG_KEY


@pytest.fixture
def rota_db(db: Path) -> Path:  # noqa: F811
    (db / "rota.yaml").write_text(ROTA, encoding="utf-8")
    assert main(["rota", "import", str(db / "rota.yaml")]) == 0
    return db


def test_monthly_report_writes_html_and_csv(rota_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = rota_db / "reports"
    capsys.readouterr()

    code = main(["report", "monthly", "--month", "2026-03", "--station", "cy", "--out", str(out)])

    assert code == 0
    html, table = out / "hotline-cy-2026-03.html", out / "hotline-cy-2026-03.csv"
    assert capsys.readouterr().out.split() == [str(html), str(table)]
    assert html.read_text(encoding="utf-8").count("<svg") == 3
    rows = list(csv.reader(table.open(encoding="utf-8")))
    assert ["report", "time_zone", "Asia/Shanghai"] in rows
    assert ["report", "start", "2026-03-01T00:00:00+08:00"] in rows
    assert ["coverage_scheduled_h", "cy", "248.0"] in rows  # 09:00-17:00 x 31 days
    assert ["handoffs", "total", "0"] in rows


@pytest.mark.parametrize(("args", "lang", "says", "not_said"), [
    ([], "zh", ["每日转人工数", "排班与需求对照", "2026年3月", "全线"], ["Handoffs per day", "March 2026"]),
    (["--lang", "zh"], "zh", ["每日转人工数", "居民评分"], ["Coverage against demand", "Residents"]),
    (["--lang", "en"], "en", ["Handoffs per day", "Coverage against demand", "March 2026"], ["每日转人工数"]),
])
def test_the_html_file_is_in_the_chosen_language_and_the_csv_keeps_its_keys(
        rota_db: Path, args: list[str], lang: str, says: list[str], not_said: list[str]) -> None:
    out = rota_db / "reports"

    assert main(["report", "monthly", "--month", "2026-03", "--station", "cy", "--out", str(out), *args]) == 0

    html = (out / "hotline-cy-2026-03.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in html and not CATALOG_KEY.search(html)
    assert [w for w in says if w not in html] == [] and [w for w in not_said if w in html] == []
    rows = list(csv.reader((out / "hotline-cy-2026-03.csv").open(encoding="utf-8")))
    assert rows[0] == ["section", "key", "value"] and ["coverage_scheduled_h", "cy", "248.0"] in rows


@pytest.mark.parametrize("lang", ["fr", "ZH", ""])
def test_a_bad_language_exits_2_with_one_line(rota_db: Path, lang: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()

    code = main(["report", "monthly", "--month", "2026-03", "--station", "cy", "--out", str(rota_db / "x"),
                 "--lang", lang])

    err = capsys.readouterr().err
    assert code == 2 and err == f"--lang: {lang!r} is not a language: write zh or en\n"
    assert not (rota_db / "x").exists()


@pytest.mark.parametrize("month", ["2026-13", "03-2026", "2026/03", "last"])
def test_a_bad_month_exits_2_with_one_line(rota_db: Path, month: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()

    code = main(["report", "monthly", "--month", month, "--station", "cy", "--out", str(rota_db / "x")])

    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("--month:") and "YYYY-MM, e.g. 2026-03" in err
    assert not (rota_db / "x").exists()


def test_an_unknown_station_exits_2_naming_the_stations(rota_db: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()

    code = main(["report", "monthly", "--month", "2026-03", "--station", "zz", "--out", str(rota_db / "x")])

    err = capsys.readouterr().err
    assert code == 2 and err == "--station: station 'zz' is not in the rota: stations are cy, hd\n"
