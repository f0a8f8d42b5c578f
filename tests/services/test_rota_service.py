"""The rota service against a real database: changes are audited where they are made, refusals
carry a reason a person can act on, escalation sees a change at once, and the chat's gap list and
the dashboard's come from the same calculation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.conversation.ports import RotaRefused
from bot.crypto import Cipher, new_key
from bot.services.rota import RotaService, RotaUnavailable
from bot.storage import rota_repo
from bot.storage.engine import create_engine, session_factory
from bot.storage.models import AuditEntry
from bot.storage.uow import UnitOfWorkFactory
from tests.e2e.test_real_rota import CONFIG, ROTA

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 11:00 in Beijing, inside a day shift


@pytest.fixture
async def rota(db_url: str, tmp_path: Path) -> AsyncIterator[RotaService]:
    engine = create_engine(db_url)
    uow = UnitOfWorkFactory(session_factory(engine), Cipher([new_key()]))
    (tmp_path / "rota.yaml").write_text(yaml.safe_dump(ROTA, allow_unicode=True), encoding="utf-8")
    await rota_repo.import_rota_file(uow, tmp_path / "rota.yaml", NOW)
    yield RotaService(uow, CONFIG)
    await engine.dispose()


async def audit_actions(service: RotaService) -> list[tuple[str, str]]:
    async with service.uow() as uow:
        return [(a.action, a.object) for a in await uow.session.scalars(select(AuditEntry))
                if a.action.startswith("rota.")]


async def test_an_override_is_audited_and_escalation_sees_it_at_once(rota: RotaService) -> None:
    before = await rota.on_duty(NOW)
    other = "b1" if before == ["a1"] else "a1"

    async with rota.uow() as uow:
        made = await rota.add_override(uow, other, None, NOW, NOW + timedelta(hours=4), "k1", NOW)
        await uow.commit()

    assert (made.station, made.counselor_name) == ("hd", {"a1": "A", "b1": "B"}[other])
    assert other in await rota.on_duty(NOW + timedelta(minutes=1))  # no 5-second cache wait
    assert ("rota.override", f"override:{made.id}") in await audit_actions(rota)


async def test_refusals_name_the_cause_and_write_nothing(rota: RotaService) -> None:
    async with rota.uow() as uow:
        with pytest.raises(RotaRefused) as unknown:
            await rota.add_override(uow, "nobody", None, NOW, NOW + timedelta(hours=1), "k1", NOW)
        with pytest.raises(RotaRefused) as no_swap:
            await rota.decide_swap(uow, "swap-missing", True, "k1", NOW)
        await uow.commit()

    assert "Unknown counselor 'nobody'" in unknown.value.reason
    assert str(no_swap.value).startswith("The rota refused this change: ")
    assert await audit_actions(rota) == []


async def test_chat_gaps_and_dashboard_gaps_are_one_calculation(rota: RotaService) -> None:
    found = await rota.coverage_gaps(NOW, NOW + timedelta(days=7))
    spans = await rota.gaps(NOW, 7)

    assert found  # the e2e rota leaves hours with no English speaker anywhere
    assert [(g.start, g.end, g.what()) for g in found] == [(s.start, s.end, s.who) for s in spans]
    assert {s.station for s in spans} == {"whole line"}  # config/demand.yaml's needs are line-wide


async def test_dashboard_reads_name_the_people_in_each_change(rota: RotaService) -> None:
    async with rota.uow() as uow:
        made = await rota.add_override(uow, "b1", None, NOW, NOW + timedelta(hours=2), "k1", NOW)
        lid = await rota.add_leave(uow, "a1", NOW, NOW + timedelta(days=1), "k1", NOW)
        await uow.commit()

    overrides = await rota.overrides(NOW, NOW + timedelta(hours=1))
    leave = await rota.leave(NOW, NOW + timedelta(hours=1))

    assert [(o.id, o.name, o.station) for o in overrides] == [(made.id, "B", "hd")]
    assert [(lv.id, lv.name) for lv in leave] == [(lid, "A")]
    assert ("hd", "Haidian") in await rota.stations()
    assert await rota.swaps(pending_only=True) == []


async def test_a_page_asking_for_a_rota_that_was_never_imported_is_told_how(db_url: str) -> None:
    engine = create_engine(db_url)
    service = RotaService(UnitOfWorkFactory(session_factory(engine), Cipher([new_key()])), CONFIG)
    try:
        with pytest.raises(RotaUnavailable, match="hotline rota import"):
            await service.stations()
        assert await service.shifts(NOW, NOW + timedelta(days=1)) == []  # the chat says "no shifts"
    finally:
        await engine.dispose()
