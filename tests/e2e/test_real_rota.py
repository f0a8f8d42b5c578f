"""The real rota end to end: a roster imported from YAML decides whose Telegram chat gets the
card, and the configured escalation chain (short timeouts here) climbs it to the fallback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.bootstrap import build
from bot.server import Server
from bot.services.rota import RotaService
from bot.storage import rota_repo
from bot.storage.models import Handoff
from tests.e2e.conftest import e2e_settings, real_engines
from tests.e2e.test_telegram_handoffs import card_of
from tests.fakes.telegram_api import FakeTelegram

CONFIG = Path(__file__).resolve().parents[2] / "config"
RESIDENT = 7100
ROTA = {
    "stations": [{"id": "city", "name": "City centre", "level": "city"},
                 {"id": "hd", "name": "Haidian", "level": "district", "parent": "city"}],
    "counselors": [
        {"id": "a1", "name": "A", "languages": ["zh", "en"], "station": "hd", "telegram_id": 3001},
        {"id": "b1", "name": "B", "languages": ["zh"], "station": "hd", "telegram_id": 3002},
        {"id": "k1", "name": "K", "languages": ["zh"], "station": "city", "telegram_id": 3009,
         "roles": ["coordinator", "counselor"]},
    ],
    # a1 and b1 alternate 12-hour shifts: exactly one of them is on duty at any moment.
    "rotations": [{"id": "hd-main", "station": "hd", "members": ["a1", "b1"], "shift": "12h",
                   "start": "2026-01-05T08:00:00+08:00", "backup": ["k1"]}],
}
FAST_POLICY = {"levels": {
    "imminent": {"steps": [{"kind": "all_on_duty", "timeout_s": 0.5}, {"kind": "hotline_fallback"}]},
    "high": {"steps": [{"kind": "on_duty_primary", "timeout_s": 0.5}, {"kind": "backup", "timeout_s": 0.5},
                       {"kind": "hotline_fallback"}]},
    "medium": {"steps": [{"kind": "on_duty_primary", "timeout_s": 0.5}, {"kind": "hotline_fallback"}]},
}}


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(CONFIG, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (target / "escalation.yaml").write_text(yaml.safe_dump(FAST_POLICY), encoding="utf-8")
    (tmp_path / "rota.yaml").write_text(yaml.safe_dump(ROTA, allow_unicode=True), encoding="utf-8")
    return target


async def test_crisis_card_goes_to_whoever_the_rota_has_on_duty_then_climbs(
        db_url: str, tmp_path: Path, fake_tg: FakeTelegram, config_dir: Path) -> None:
    settings = e2e_settings(db_url, tmp_path, fake_tg).model_copy(update={"config_dir": config_dir})
    triage, kb = real_engines()
    first = build(settings, triage=triage, kb=kb, rota=None)  # real rota adapter from config_dir
    assert isinstance(first.rota, RotaService)
    srv = Server(first)
    await srv.start("127.0.0.1", 0)
    try:
        await rota_repo.import_rota_file(first.uow, tmp_path / "rota.yaml", first.clock.now())
        first.rota.invalidate()
        on_duty = await first.rota.on_duty(first.clock.now())
        assert len(on_duty) == 1
        duty_chat = {"a1": 3001, "b1": 3002}[on_duty[0]]
        other_chat = 3003 - duty_chat

        await fake_tg.push_text(RESIDENT, "我不想活了")
        await fake_tg.wait_for(lambda: card_of(fake_tg, duty_chat))
        assert card_of(fake_tg, other_chat) is None
        # Nobody accepts: the backup (coordinator k1) is asked, then the resident gets the lines.
        await fake_tg.wait_for(lambda: card_of(fake_tg, 3009), timeout=15)
        await fake_tg.wait_for(lambda: any("没有咨询师" in t for t in fake_tg.texts(RESIDENT)), timeout=15)
        async with first.uow() as uow:
            row = await uow.session.scalar(select(Handoff))
        assert row is not None and row.state == "fallback"
        assert row.policy["steps"][0]["timeout_s"] == 0.5  # the copied policy travels with the case
    finally:
        await srv.stop()
