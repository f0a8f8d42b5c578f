"""While the resident waits, every message is a turn: a higher level raises the handoff, the
answer is an honest status with varied caring lines, and the request can be withdrawn."""

from __future__ import annotations

from bot.conversation.waiting import CANCEL_REQUEST, WITHDRAWN
from bot.storage.models import Conversation
from tests.conversation.conftest import RESIDENT, Harness


async def ask_for_a_person(h: Harness) -> None:
    await h.send("I feel hopeless")
    await h.click("talk:yes", RESIDENT)


async def conversation(h: Harness) -> Conversation:
    async with h.c.uow() as uow:
        conv = await uow.conversations.open_for("telegram", str(RESIDENT))
    assert conv is not None
    return conv


async def test_a_higher_disclosure_while_waiting_raises_the_handoff_and_sends_a_new_card(h: Harness) -> None:
    await ask_for_a_person(h)
    before = await h.latest_handoff()
    cards_before = len(h.tg.texts(1001))

    await h.send("I want to die")

    after = await h.latest_handoff()
    new_cards = h.tg.texts(1001)[cards_before:]
    assert (before.level, after.level) == ("medium", "high") and after.id == before.id
    assert set(before.reasons) <= set(after.reasons) and len(after.reasons) > len(before.reasons)
    assert any("HIGH" in text and f"#{after.id}" in text for text in new_cards)
    assert (await conversation(h)).state == "waiting"
    safety, status = h.tg.to(RESIDENT)[-2:]
    assert safety.urgent and "12356" in safety.text and "waited" in status.text


async def test_an_imminent_line_while_waiting_gets_the_numbers_first(h: Harness) -> None:
    await ask_for_a_person(h)
    sent_before = len(h.tg.to(RESIDENT))

    await h.send("I have the pills here")

    first, *rest = h.tg.to(RESIDENT)[sent_before:]
    assert first.urgent and "12356" in first.text
    assert rest and "waited" in rest[-1].text
    assert (await h.latest_handoff()).level == "imminent"


async def test_waiting_lines_say_how_long_and_vary_and_offer_to_withdraw(h: Harness) -> None:
    await ask_for_a_person(h)
    replies = []
    for n, text in enumerate(("are you there", "hello?", "still here")):
        h.clock.advance(minutes=3)
        await h.send(text)
        replies.append(h.tg.to(RESIDENT)[-1])
        assert f"waited {3 * (n + 1)} min" in replies[-1].text

    assert len({r.text.split("\n")[1] for r in replies}) == 3  # three different caring lines
    assert all(r.buttons[0][0].data == CANCEL_REQUEST for r in replies)
    assert not any("A counselor is coming" in r.text for r in replies)  # no empty promise


async def test_withdrawing_closes_the_handoff_and_tells_the_counselors(h: Harness) -> None:
    await h.send("I have the pills here")
    held = await h.latest_handoff()
    offered = list(held.offered_to)

    await h.click(CANCEL_REQUEST, RESIDENT)

    closed = await h.latest_handoff()
    goodbye = h.tg.to(RESIDENT)[-1]
    assert (closed.state, closed.outcome, closed.version) == ("closed", WITHDRAWN, held.version + 1)
    assert (await conversation(h)).state == "self_help"
    assert goodbye.urgent and "12356" in goodbye.text  # imminent: the lines come with the goodbye
    for cid in offered:
        edits = [m for m in h.tg.to(await telegram_of(h, cid)) if m.edit_ref]
        assert edits and "withdrawn" in edits[-1].text


async def test_withdrawing_with_nothing_waiting_changes_nothing(h: Harness) -> None:
    await h.send("how can I sleep better")
    state = (await conversation(h)).state

    await h.click(CANCEL_REQUEST, RESIDENT)

    assert "no request waiting" in h.tg.texts(RESIDENT)[-1]
    assert (await conversation(h)).state == state


async def telegram_of(h: Harness, counselor_id: str) -> int:
    async with h.c.uow() as uow:
        c = await uow.counselors.get(counselor_id)
    assert c is not None and c.telegram_id is not None
    return c.telegram_id
