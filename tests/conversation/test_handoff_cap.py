"""Issue 19 finding 4: one conversation cannot page the escalation chain without end.

The probe's resident could withdraw and ask again as often as they liked, and every request
paged the chain (an imminent one everyone on duty). Past PAGED_REQUESTS_PER_WINDOW requests in
an hour that never reached a person, a new one no higher than one of them pages nobody: it waits in
fallback where anyone may accept it, the resident still gets the numbers at once, and the request
is audited for the board. A request above every earlier one still pages (safety rule 3).
"""

from __future__ import annotations

from bot.conversation.handoffs import CAPPED, PAGED_REQUESTS_PER_WINDOW
from bot.conversation.messages import Outbound
from bot.conversation.waiting import CANCEL_REQUEST
from bot.storage.models import Handoff
from tests.conversation.conftest import COUNSELORS, RESIDENT, Harness

C1 = COUNSELORS["c1"]


async def ask(h: Harness) -> Handoff:
    await h.send("I feel hopeless")
    await h.click("talk:yes", RESIDENT)
    return await h.latest_handoff()


async def ask_and_withdraw(h: Harness) -> Handoff:
    asked = await ask(h)
    await h.click(CANCEL_REQUEST, RESIDENT)
    return asked


def cards(h: Harness, handoff: Handoff) -> list[Outbound]:
    """Cards for `handoff` sent to any counselor (edits, such as 'withdrawn', not counted)."""
    return [m for tg in COUNSELORS.values() for m in h.tg.to(tg)
            if not m.edit_ref and f"handoff #{handoff.id} " in m.text]


async def test_a_resident_who_withdraws_and_asks_again_pages_the_chain_three_times_an_hour(
        h: Harness) -> None:
    """Regression (probe): every one of these requests paged the chain (all six before)."""
    asked = [await ask_and_withdraw(h) for _ in range(PAGED_REQUESTS_PER_WINDOW + 3)]

    paged = [bool(cards(h, a)) for a in asked]
    async with h.c.uow() as uow:
        audited = [e.object for e in await uow.audit.all() if e.action == CAPPED]
    told = [m for m in h.tg.to(RESIDENT) if "several times this hour" in m.text or "多次请求" in m.text]

    assert paged == [True] * PAGED_REQUESTS_PER_WINDOW + [False] * 3
    unpaged = asked[PAGED_REQUESTS_PER_WINDOW:]
    assert [(a.state, a.offered_to, a.next_step_at) for a in unpaged] == [("fallback", [], None)] * 3
    assert audited == [f"handoff:{a.id}" for a in unpaged]
    assert len(told) == 3 and all(m.urgent and "12356" in m.text for m in told)


async def ask_in_crisis_and_withdraw(h: Harness) -> Handoff:
    await h.send("I have the pills here")
    asked = await h.latest_handoff()
    await h.click(CANCEL_REQUEST, RESIDENT)
    return asked


async def test_a_crisis_past_the_budget_gets_the_numbers_first_and_waits_where_anyone_can_accept_it(
        h: Harness) -> None:
    for _ in range(PAGED_REQUESTS_PER_WINDOW):
        await ask_in_crisis_and_withdraw(h)
    sent_before = len(h.tg.to(RESIDENT))

    await h.send("I have the pills here")
    crisis = await h.latest_handoff()
    first = h.tg.to(RESIDENT)[sent_before]
    await h.click(f"acc:{crisis.id}", C1)  # from the board or the console queue: no card needed
    taken = await h.latest_handoff()

    assert first.urgent and "12356" in first.text  # safety rule 1: the numbers come first
    assert (crisis.level, crisis.state, crisis.offered_to) == ("imminent", "fallback", [])
    assert not cards(h, crisis)
    assert (taken.state, taken.counselor_id) == ("active", "c1")


async def test_a_request_above_every_earlier_one_still_pages_the_chain_once(h: Harness) -> None:
    """Safety rule 3: three withdrawn medium requests, then the pills in hand: a real rise reaches a
    person; the same crisis asked again within the hour is a repeat and pages nobody."""
    for _ in range(PAGED_REQUESTS_PER_WINDOW):
        await ask_and_withdraw(h)

    rise = await ask_in_crisis_and_withdraw(h)
    repeat = await ask_in_crisis_and_withdraw(h)

    assert rise.level == "imminent" and any("IMMINENT" in m.text for m in cards(h, rise))
    assert repeat.level == "imminent" and not cards(h, repeat)


async def test_an_open_request_keeps_its_chain_and_a_request_past_the_budget_pages_only_when_it_rises(
        h: Harness) -> None:
    for _ in range(PAGED_REQUESTS_PER_WINDOW - 1):
        await ask_and_withdraw(h)
    within = await ask(h)  # the last paged request: still open
    await h.send("I want to die")
    raised = await h.latest_handoff()
    await h.click(CANCEL_REQUEST, RESIDENT)
    past = await ask(h)  # medium, below the high request of the window: unpaged
    unpaged = [bool(cards(h, past))]
    await h.send("I have the pills here")  # above every request of the window: pages
    rose = await h.latest_handoff()

    assert raised.id == within.id and raised.level == "high" and raised.state == "offered"
    assert any("HIGH" in m.text for m in cards(h, raised))
    assert unpaged == [False] and past.state == "fallback"
    assert rose.id == past.id and rose.level == "imminent" and rose.state == "offered"
    assert any("IMMINENT" in m.text for m in cards(h, rose))


async def test_the_budget_comes_back_after_an_hour_and_a_request_someone_took_does_not_count(
        h: Harness) -> None:
    taken = await ask(h)
    await h.click(f"acc:{taken.id}", C1)
    await h.send("/close", user=C1)
    await h.click(f"out:{taken.id}:resolved", C1)
    for _ in range(PAGED_REQUESTS_PER_WINDOW - 1):
        await ask_and_withdraw(h)
    last_paged = await ask_and_withdraw(h)  # the one before it reached a person: not counted
    h.clock.advance(minutes=30)
    unpaged = await ask_and_withdraw(h)
    h.clock.advance(minutes=31)  # the first requests are more than an hour old now
    again = await ask(h)

    assert cards(h, last_paged) and not cards(h, unpaged) and cards(h, again)
