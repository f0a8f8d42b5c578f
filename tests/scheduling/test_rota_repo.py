"""The rota in the database: import, load back, single changes, swaps (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import rota_repo
from bot.storage.uow import UnitOfWorkFactory
from config.errors import ConfigError
from scheduling.errors import RotaError
from scheduling.rota_io import load_rota_file
from scheduling.schedule import on_duty

DEMO = Path(__file__).resolve().parents[2] / "config" / "demo_rota.yaml"
NOW = datetime(2026, 11, 30, 4, tzinfo=UTC)  # 12:00 in Beijing, a Monday


async def test_imported_rota_loads_back_equal_to_the_file(uow: UnitOfWorkFactory) -> None:
    said = await rota_repo.import_demo_rota(uow, DEMO, NOW)
    async with uow() as u:
        stored = await rota_repo.load_rota(u.session)
    want = load_rota_file(DEMO)
    assert "5 stations" in said and "4 rotations" in said
    assert stored.rotations == want.rotations and stored.stations == want.stations
    assert {c: stored.counselors[c] for c in want.counselors} == dict(want.counselors)


async def test_importing_twice_replaces_rather_than_duplicates(uow: UnitOfWorkFactory) -> None:
    await rota_repo.import_demo_rota(uow, DEMO, NOW)
    await rota_repo.import_demo_rota(uow, DEMO, NOW)
    async with uow() as u:
        assert len((await rota_repo.load_rota(u.session)).rotations) == 4


async def test_override_leave_and_swap_change_who_is_on_duty(uow: UnitOfWorkFactory) -> None:
    await rota_repo.import_demo_rota(uow, DEMO, NOW)
    span = (NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    async with uow() as u:
        before = [d.counselor for d in on_duty(await rota_repo.load_rota(u.session), NOW, "bj-city")]
        await rota_repo.add_leave(u.session, before[0], *span, by="c6", now=NOW)
        ov = await rota_repo.add_override(u.session, "c5", "bj-city", *span, by="c6", now=NOW)
        await u.commit()
    async with uow() as u:
        now_on = [(d.counselor, d.layer.value) for d in on_duty(await rota_repo.load_rota(u.session), NOW,
                                                                "bj-city")]
        await rota_repo.delete_override(u.session, ov)
        await u.commit()
    assert now_on == [("c6", "leave_cover"), ("c5", "override")]


async def test_swap_goes_from_request_to_approval(uow: UnitOfWorkFactory) -> None:
    await rota_repo.import_demo_rota(uow, DEMO, NOW)
    async with uow() as u:
        sid = await rota_repo.request_swap(u.session, "c1", "c2", "bj-city", NOW, NOW + timedelta(hours=2),
                                           NOW)
        with pytest.raises(RotaError):
            await rota_repo.decide_swap(u.session, sid, True, "c6", NOW)
        await rota_repo.accept_swap(u.session, sid, "c2")
        assert await rota_repo.decide_swap(u.session, sid, True, "c6", NOW) == "approved"
        await u.commit()
    async with uow() as u:
        assert (await rota_repo.load_rota(u.session)).swaps[0].decided_by == "c6"


async def test_import_refuses_a_web_login_that_belongs_to_someone_else(uow: UnitOfWorkFactory,
                                                                      tmp_path: Path) -> None:
    await rota_repo.import_demo_rota(uow, DEMO, NOW)
    text = DEMO.read_text(encoding="utf-8").replace("id: c2,", "id: c9,").replace(
        "web_login: counselor2", "web_login: counselor1").replace("members: [c5, c2]", "members: [c5, c9]"
    ).replace("members: [c1, c2, c3, c4, c5]", "members: [c1, c9, c3, c4, c5]")
    bad = tmp_path / "rota.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="counselor1"):
        await rota_repo.import_rota_file(uow, bad, NOW)


async def test_unknown_counselor_in_a_change_is_refused(uow: UnitOfWorkFactory) -> None:
    await rota_repo.import_demo_rota(uow, DEMO, NOW)
    async with uow() as u:
        with pytest.raises(RotaError, match="unknown counselor"):
            await rota_repo.add_leave(u.session, "nobody", NOW, NOW + timedelta(hours=1), "c6", NOW)
