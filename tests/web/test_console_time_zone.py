"""Issue 16 item 7: the console shows transcript times in the counselor's own station's zone
(the page names it; console.js formats every time with it), not UTC and not a fixed zone."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.storage import rota_repo
from tests.web.admin.conftest import Running, login
from tests.web.admin.conftest import http as http  # noqa: F401 (fixture)
from tests.web.admin.conftest import running as running  # noqa: F401 (fixture)

ROTA = """
stations:
  - {id: hd, name: 海淀区中心, level: district}
  - {id: ur, name: 乌鲁木齐站, level: district}
counselors:
  - {id: c1, name: Counselor Chen, languages: [zh, en], station: ur, roles: [counselor], web_login: chen}
  - {id: c2, name: Counselor Li, languages: [zh, en], station: hd, roles: [counselor], web_login: li}
  - {id: k1, name: Coordinator Kim, languages: [zh, en], station: hd, roles: [coordinator, counselor],
     web_login: kim}
rotations:
  - {id: hd-main, station: hd, members: [c2], shift: 12h, start: "2026-01-05T08:00:00+08:00"}
  - {id: ur-main, station: ur, members: [c1], shift: 12h, start: "2026-01-05T08:00:00+06:00",
     tz: Asia/Urumqi}
"""


async def console_zone(run: Running, http: aiohttp.ClientSession, who: str) -> str:
    await login(http, run.base, who)
    async with http.get(run.base + "/console") as resp:
        page = await resp.text()
    assert resp.status == 200
    return page.split('class="console" data-tz="')[1].split('"')[0]


async def test_the_console_names_the_counselors_own_station_zone(running: Running, tmp_path: Path,
                                                                http: aiohttp.ClientSession) -> None:
    before = await console_zone(running, http, "chen")  # no rota stored yet: the default zone
    path = tmp_path / "rota.yaml"
    path.write_text(ROTA, encoding="utf-8")
    await rota_repo.import_rota_file(running.server.container.uow, path, running.clock.now(), by="test")

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other:
        beijing = await console_zone(running, other, "li")
    urumqi = await console_zone(running, http, "chen")

    assert before == "Asia/Shanghai" and beijing == "Asia/Shanghai" and urumqi == "Asia/Urumqi"


def test_the_console_script_formats_times_with_the_pages_zone() -> None:
    script = (Path(__file__).resolve().parents[2] / "bot" / "web" / "static" / "console.js").read_text()
    assert "timeZone: 'Asia/Shanghai'" not in script and script.count("timeZone: TZ") == 2
