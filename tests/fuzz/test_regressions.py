"""Bugs the fuzzers found, pinned by name (each test fails on the code before its fix)."""

from __future__ import annotations

import pytest

from bot.conversation.messages import Inbound
from bot.server import Server
from tests.fuzz.conftest import STAFF_IDS, Rig
from tests.web.conftest import Browserish


@pytest.mark.parametrize("data", ["acc:9223372036854775808", "dec:99999999999", "acc:²"])
async def test_bug_forged_card_id_out_of_range_failed_the_turn_and_was_retried_forever(
        rig: Rig, data: str) -> None:
    """Bug: `acc:<id past 2**63>` (or a Unicode digit) raised OverflowError/ValueError inside the
    turn; the service deferred it and retried it every 5 s for ever. Now it is ignored."""
    staff = str(STAFF_IDS["c1"])

    await rig.c.service.handle(Inbound("telegram", staff, staff, kind="callback", callback_data=data,
                                       update_key="cq-forged"))

    assert rig.c.service.deferred_count() == 0


@pytest.mark.parametrize("text", ["/start I have the pills here", "/help I have the pills here",
                                  "/lang en I have the pills here"])
async def test_bug_crisis_words_after_a_command_got_no_safety_reply_and_no_handoff(
        rig: Rig, text: str) -> None:
    """Bug: a resident's "/start I have the pills here" got the welcome only: no emergency
    numbers first, no handoff. Now the words are triaged as a message before the command."""
    head, *args = text.split()

    await rig.c.service.handle(Inbound("telegram", "9001", "9001", text, kind="command",
                                       command=head[1:], args=tuple(args), update_key="u1"))
    await rig.c.dispatcher.deliver_due()

    sent = rig.tg.to("9001")
    assert sent and sent[0].urgent
    async with rig.c.uow() as uow:
        conv = await uow.conversations.open_for("telegram", "9001")
        assert conv is not None and await uow.handoffs.open_for_conversation(conv.id) is not None


async def test_bug_console_handoff_id_past_the_integer_range_was_a_500(web: Server) -> None:
    """Bug: /console/api/handoffs/99999999999999999999 raised OverflowError in the database
    driver: a 500 for a counselor who typed (or was sent) a long number. Now a 404."""
    tab = Browserish(f"http://127.0.0.1:{web.port}")
    try:
        await tab.login("li")
        got, _ = await tab.api("GET", "/console/api/handoffs/99999999999999999999")
        posted, _ = await tab.api("POST", "/console/api/handoffs/99999999999999999999/accept")
    finally:
        await tab.close()

    assert (got, posted) == (404, 404)
