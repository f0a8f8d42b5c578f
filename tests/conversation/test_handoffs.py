"""Handoffs: cards, first accept wins, relay, escalation by step, fallback, close, transfer."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.conversation.coordinator import create_invite
from bot.storage.models import AuditEntry, Counselor, FollowUp, Handoff
from tests.conversation.conftest import RESIDENT, Harness

C1, C2, K1 = 1001, 1002, 1009


async def latest(h: Harness) -> Handoff:
    return await h.latest_handoff()


async def crisis(h: Harness) -> Handoff:
    await h.send("我真的不想活了")
    return await latest(h)


async def test_card_carries_level_reasons_and_recent_messages(h: Harness) -> None:
    await crisis(h)
    card = h.tg.to(C1)[0]
    assert "HIGH" in card.text and "不想活" in card.text
    assert [b.data for b in card.buttons[0]] == [f"acc:{(await latest(h)).id}", f"dec:{(await latest(h)).id}"]


async def test_accept_starts_relay_both_ways_with_alias(h: Harness) -> None:
    ho = await crisis(h)
    await h.click(f"acc:{ho.id}", C1)
    await h.send("thank you for coming")
    await h.send("I am here with you", user=C1)
    assert any("thank you for coming" in t for t in h.tg.texts(C1))
    resident_texts = h.tg.texts(RESIDENT)
    assert any(t == "Alias-c1: I am here with you" for t in resident_texts)
    assert all("1001" not in t for t in resident_texts)


async def test_two_counselors_pressing_accept_at_once_exactly_one_wins(h: Harness) -> None:
    ho = await crisis(h)
    h.clock.advance(seconds=61)
    await h.fire_due()  # step 2: everyone on duty gets the card
    await asyncio.gather(h.click(f"acc:{ho.id}", C1), h.click(f"acc:{ho.id}", C2))
    row = await latest(h)
    assert row.state == "active" and row.counselor_id in ("c1", "c2")
    loser = C2 if row.counselor_id == "c1" else C1
    assert any("taken by another counselor" in m.text for m in h.tg.to(loser))


async def test_unaccepted_card_escalates_each_step_once_then_falls_back(h: Harness) -> None:
    ho = await crisis(h)
    assert (await latest(h)).step == 0
    h.clock.advance(seconds=61)
    await h.fire_due()
    await h.fire_due()  # a second firing of the same timer is stale and does nothing
    row = await latest(h)
    assert row.step == 1 and len(h.tg.texts(C2)) == 1
    h.clock.advance(seconds=61)
    await h.fire_due()
    assert (await latest(h)).step == 2 and h.tg.texts(K1)
    h.clock.advance(seconds=61)
    await h.fire_due()
    assert (await latest(h)).state == "fallback"
    assert any("12356" in t and "没有咨询师" in t for t in h.tg.texts(RESIDENT))
    assert any(f"#{ho.id}" in t and "end of the escalation chain" in t for t in h.tg.texts(K1))


async def test_stale_timer_after_accept_does_nothing(h: Harness) -> None:
    ho = await crisis(h)
    await h.click(f"acc:{ho.id}", C1)
    h.clock.advance(seconds=61)
    await h.c.service.on_timer("escalate", ho.id, ho.version, 0)
    assert (await latest(h)).state == "active" and not h.tg.texts(C2)


async def test_decline_by_everyone_offered_escalates_at_once(h: Harness) -> None:
    ho = await crisis(h)
    await h.click(f"dec:{ho.id}", C1)
    row = await latest(h)
    assert row.step == 1 and h.tg.texts(C2)


async def test_close_records_outcome_and_schedules_a_follow_up(h: Harness) -> None:
    ho = await crisis(h)
    await h.click(f"acc:{ho.id}", C1)
    await h.send("/close", user=C1)
    await h.click(f"out:{ho.id}:resolved", C1)
    await h.click(f"fu:{ho.id}:24h", C1)
    row = await latest(h)
    assert row.state == "closed" and row.outcome == "resolved"
    async with h.c.uow() as uow:
        fu = await uow.session.scalar(select(FollowUp))
        actions = [a.action for a in await uow.session.scalars(select(AuditEntry))]
    assert fu is not None and fu.kind == "24h"
    assert {"handoff.accept", "handoff.close"} <= set(actions)
    h.clock.advance(hours=25)
    await h.c.service.on_timer("followup", fu.id, 0, 0)
    await h.c.dispatcher.deliver_due()
    assert "check how you are doing" in h.tg.texts(RESIDENT)[-1] or "最近怎么样" in h.tg.texts(RESIDENT)[-1]


async def test_transfer_hands_the_chat_to_another_counselor(h: Harness) -> None:
    ho = await crisis(h)
    await h.click(f"acc:{ho.id}", C1)
    await h.send("/transfer", user=C1)
    assert h.tg.to(C1)[-1].buttons[0][0].data == f"tr:{ho.id}:c2"
    await h.click(f"tr:{ho.id}:c2", C1)
    await h.send("still here?")
    assert (await latest(h)).counselor_id == "c2"
    assert any("still here?" in t for t in h.tg.texts(C2))


async def test_handback_returns_the_resident_to_the_bot(h: Harness) -> None:
    ho = await crisis(h)
    await h.click(f"acc:{ho.id}", C1)
    await h.send("/handback", user=C1)
    await h.send("how can I sleep")
    assert "bedtime" in h.tg.texts(RESIDENT)[-1]


async def test_join_binds_a_telegram_account_with_an_invite_code(h: Harness) -> None:
    async with h.c.uow() as uow:
        await uow.counselors.add(Counselor(id="c9", name="New", languages=["zh"], roles=["counselor"]))
        code = await create_invite(uow, "c9", "k1", h.clock.now())
        await uow.commit()
    await h.send(f"/join {code}", user=5555)
    await h.send(f"/join {code}", user=5556)  # single use
    async with h.c.uow() as uow:
        c9 = await uow.counselors.get("c9")
    assert c9 is not None and c9.telegram_id == 5555
    assert "not valid" in h.tg.texts(5556)[-1]


async def test_coordinator_commands_refused_to_counselors_allowed_to_coordinators(h: Harness) -> None:
    await h.send("/oncall", user=C1)
    assert "does not allow" in h.tg.texts(C1)[-1]
    await h.send("/oncall", user=K1)
    assert "On duty" in h.tg.texts(K1)[-1] and "c1" in h.tg.texts(K1)[-1]
    await h.send("/override c2 4", user=K1)
    assert h.rota.overrides and h.rota.overrides[0][0] == "c2"
