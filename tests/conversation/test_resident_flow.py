"""The resident's path through the state machine, on a real database with fake engines."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.models import Conversation, Handoff
from tests.conversation.conftest import RESIDENT, Harness


async def handoff(h: Harness) -> Handoff:
    return await h.latest_handoff()


async def test_start_welcomes_with_emergency_numbers_and_privacy(h: Harness) -> None:
    await h.send("/start")
    text = h.tg.texts(RESIDENT)[0]
    assert "12356" in text and "/forget" in text


async def test_imminent_message_sends_emergency_numbers_first_then_cards(h: Harness) -> None:
    await h.send("I have the pills here")
    first = h.tg.to(RESIDENT)[0]
    assert "12356" in first.text and first.urgent
    assert "handoff" in h.tg.texts(1001)[0]  # primary on duty gets the card
    assert (await handoff(h)).level == "imminent"


async def test_imminent_with_empty_rota_still_gets_numbers_then_honest_fallback(h: Harness) -> None:
    h.rota.duty.clear()
    h.rota.coords.clear()
    await h.send("I have the pills here")
    texts = h.tg.texts(RESIDENT)
    assert "12356" in texts[0]
    assert any("no counselor can answer" in t for t in texts[1:])
    assert (await handoff(h)).state == "fallback"


async def test_question_gets_a_knowledge_base_answer_with_feedback_buttons(h: Harness) -> None:
    await h.send("how can I sleep better")
    msg = h.tg.to(RESIDENT)[-1]
    assert "bedtime" in msg.text
    assert [b.data for b in msg.buttons[0]] == ["fb:1:sleep-001", "fb:-1:sleep-001"]


async def test_unsure_answer_offers_three_topics_and_a_person(h: Harness) -> None:
    await h.send("qwerty")
    msg = h.tg.to(RESIDENT)[-1]
    assert [row[0].data for row in msg.buttons] == ["topic:sleep", "topic:anxiety", "topic:stress",
                                                    "talk:yes"]


async def test_medium_risk_offers_a_counselor_and_yes_opens_a_handoff(h: Harness) -> None:
    await h.send("I feel hopeless")
    assert h.tg.to(RESIDENT)[-1].buttons[0][0].data == "talk:yes"
    await h.click("talk:yes", RESIDENT)
    assert (await handoff(h)).level == "medium"
    assert h.tg.texts(1001)


async def test_one_calm_line_after_imminent_keeps_the_conversation_waiting(h: Harness) -> None:
    await h.send("I have the pills here")
    await h.send("ok thanks")
    assert "waited 0 min" in h.tg.texts(RESIDENT)[-1]


async def test_stickers_get_a_kind_text_only_answer(h: Harness) -> None:
    await h.send("", kind="sticker")
    assert "only read text" in h.tg.texts(RESIDENT)[-1] or "只能读文字" in h.tg.texts(RESIDENT)[-1]


async def test_captions_are_triaged(h: Harness) -> None:
    await h.send("I have the pills here", kind="photo")
    assert "12356" in h.tg.texts(RESIDENT)[0]


async def test_a_replayed_update_is_handled_once(h: Harness) -> None:
    from bot.conversation.messages import Inbound

    inbound = Inbound("telegram", str(RESIDENT), str(RESIDENT), "how to sleep", update_key="same")
    await h.c.service.handle(inbound)
    await h.c.service.handle(inbound)
    await h.c.dispatcher.deliver_due()
    assert len(h.tg.texts(RESIDENT)) == 1


async def test_coordinator_commands_are_refused_to_residents(h: Harness) -> None:
    await h.send("/oncall")
    assert "coordinators only" in h.tg.texts(RESIDENT)[-1] or "协调员" in h.tg.texts(RESIDENT)[-1]


async def test_language_follows_the_resident(h: Harness) -> None:
    await h.send("/lang en")
    async with h.c.uow() as uow:
        conv = await uow.session.scalar(select(Conversation))
    assert conv is not None and conv.lang == "en"


async def test_an_edited_message_is_triaged_again(h: Harness) -> None:
    await h.send("how can I sleep")
    await h.send("I have the pills here", kind="edited")
    assert "12356" in h.tg.texts(RESIDENT)[-2] or any("12356" in t for t in h.tg.texts(RESIDENT))
    assert (await handoff(h)).level == "imminent"
