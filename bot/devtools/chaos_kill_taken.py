"""kill -9 after Telegram has forgotten an update the server took but had not yet stored.

python-telegram-bot's poller confirms a batch (its next getUpdates carries the offset) as soon as
the updates are in the application's queue, before any turn ran. The bench scenario "kill -9
(PostgreSQL)" hit that window by chance at load 6.5 (its crisis line for chat 7101 and a
counselor's close were never stored: "waited 30 s for a handoff for chat 7101") and missed it at
load 2 (the updates were still unfetched). Here the window is held open on purpose, so the run does
not depend on the machine's speed:

- a counselor's Accept: its handler answers the button first (answerCallbackQuery), and the fake
  Bot API holds that answer;
- a resident's crisis line: the test holds the database's write lock, so the turn waits.

Both updates are confirmed to Telegram (the fake has dropped them) and neither is stored when the
server is killed. After the restart the handoff must be accepted by that counselor and the line
stored once, with its own handoff.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.devtools.chaos_rig import CRISIS, Rig, until
from bot.devtools.chaos_scenarios import FLOW_TIMEOUT, Row, fill, settle

HELD_CHAT, LINE_CHAT = 7501, 7502
# Long enough that neither the escalation (the Accept must still find its offer) nor the database
# budget (the line must not be deferred to the spool, which survives a kill on its own) runs out
# between the press and the restart on a loaded machine.
STEP_TIMEOUT_S = 180
TURN_BUDGET_S = "60"


async def kill_with_updates_taken(root: Path, db_url: str, checkout: Path, label: str) -> Row:
    row = Row(f"kill -9, updates taken ({label})",
              "SIGKILL after Telegram confirmed an Accept and a crisis line, before either was stored")
    async with Rig(root, db_url, checkout, step_timeout_s=STEP_TIMEOUT_S,
                   extra_env={"HOTLINE_DB_TURN_TIMEOUT_S": TURN_BUDGET_S}) as rig:
        await rig.resident_says(HELD_CHAT, CRISIS)
        handoff = await rig.handoff_of(HELD_CHAT)
        cards = await until(lambda: rig.cards(handoff), FLOW_TIMEOUT, f"a card for #{handoff}")
        staff = int(cards[0]["chat_id"])
        rig.fake.hold_next_answer("answerCallbackQuery", 120.0)
        await rig.press(staff, f"acc:{handoff}")
        await until(lambda: rig.fake.sent("answerCallbackQuery"), FLOW_TIMEOUT, "the Accept being handled")
        async with rig.database.writes_held():
            await rig.resident_says(LINE_CHAT, CRISIS)
            # The poller's next getUpdates confirms both: Telegram forgets them.
            await until(lambda: not rig.fake._updates, FLOW_TIMEOUT, "both updates confirmed")
            pushed = sum(len(v) for v in rig.pushed.values())
            at_kill = {"stored": await rig.database.resident_messages(), "pushed": pushed,
                       "deferred": _deferred_files(rig),
                       "state": getattr(await rig.database.handoff(handoff), "state", None)}
            row.in_flight = 2
            killed = time.monotonic()
            rig.server.kill9()
        rig.server.start()
        await rig.server.ready()
        accepted = await _waited(lambda: rig._state_is(handoff, "active"), "the Accept stored")
        line = await _waited(lambda: _handoff_id(rig, LINE_CHAT), "the line's handoff")
        row.recover_s = time.monotonic() - killed
        ledger = await settle(rig)
        stored = await rig.database.resident_messages()
        fill(row, ledger, stored, pushed)
        held = await rig.database.handoff(handoff)
        row.evidence.update(at_kill=at_kill, accepted=bool(accepted), line_handoff=line,
                            holder_chat=rig.staff.get(held.counselor_id or "") if held else None,
                            pressed_by=staff, left_over_log=rig.server.log_text().count("handled again"))
        if not accepted:
            row.notes.append("the Accept taken before the kill was never stored")
        if line is None:
            row.notes.append("the crisis line taken before the kill was never stored")
    return row


def _deferred_files(rig: Rig) -> int:
    folder = rig.server.var_dir / "deferred"
    return sum(1 for _ in folder.glob("*.turn")) if folder.exists() else 0


async def _handoff_id(rig: Rig, chat: int) -> int | None:
    try:
        return await rig.handoff_of(chat, timeout=0)
    except TimeoutError:
        return None


async def _waited(probe: Callable[[], Any], what: str) -> Any:
    """`until` with the flow's deadline; None (not an exception) when it ran out."""
    try:
        return await until(probe, FLOW_TIMEOUT, what)
    except TimeoutError:
        return None
