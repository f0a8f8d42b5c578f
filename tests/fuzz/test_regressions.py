"""Bugs the fuzzers found, pinned by name (each test fails on the code before its fix)."""

from __future__ import annotations

import pytest

from bot.conversation.messages import Inbound
from tests.fuzz.conftest import STAFF_IDS, Rig


@pytest.mark.parametrize("data", ["acc:9223372036854775808", "dec:99999999999", "acc:²"])
async def test_bug_forged_card_id_out_of_range_failed_the_turn_and_was_retried_forever(
        rig: Rig, data: str) -> None:
    """Bug: `acc:<id past 2**63>` (or a Unicode digit) raised OverflowError/ValueError inside the
    turn; the service deferred it and retried it every 5 s for ever. Now it is ignored."""
    staff = str(STAFF_IDS["c1"])

    await rig.c.service.handle(Inbound("telegram", staff, staff, kind="callback", callback_data=data,
                                       update_key="cq-forged"))

    assert rig.c.service._deferred == []
