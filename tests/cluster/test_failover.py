"""kill -9 of real `hotline serve` processes sharing one PostgreSQL (webhook mode, behind the
round-robin proxy of bot/bench/cluster.py): the timer leader in the middle of an escalation, and
an instance holding outbox claims."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.bench.cluster import Cluster
from bot.devtools.chaos_rig import CRISIS, until
from bot.storage.models import OutboxItem

pytestmark = pytest.mark.slow
STEP_S = 15  # every escalation step's timeout here: room to kill the leader before the deadline
LATE_MAX_S = 10.0  # issue 18: the next step fires at most this long after its deadline


def cards(cl: Cluster, handoff_id: int) -> list[tuple[float, int, str]]:
    """(when, counselor chat, first line) of every card offering this handoff, in arrival order."""
    out = []
    for call in cl.fake.calls:
        rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
        if call.method == "sendMessage" and any(b.get("callback_data") == f"acc:{handoff_id}"
                                                for r in rows for b in r):
            out.append((call.at, int(call.params["chat_id"]), str(call.params["text"]).split("\n", 1)[0]))
    return out


def to_monotonic(at: datetime) -> float:
    """A database time (UTC) on this process's monotonic clock, where the fake stamps its calls."""
    return time.monotonic() + (at - datetime.now(UTC)).total_seconds()


async def test_the_leader_killed_mid_escalation_the_next_step_fires_once_within_10_s_of_its_deadline(
        pg_url: str, tmp_path: Path, checkout: Path) -> None:
    async with Cluster(tmp_path, pg_url, 3, checkout, step_timeout_s=STEP_S) as cl:
        await cl.fake.push_text(9301, CRISIS)
        first = await until(lambda: _first_card(cl), 60, "the first card")
        hid = first[0]
        h = await cl.database.handoff(hid)
        assert h is not None and h.state == "offered" and h.step == 0 and h.next_step_at is not None
        deadline = to_monotonic(h.next_step_at)
        leader = await cl.leader()
        assert leader is not None
        killed_at = time.monotonic()
        cl.kill9(leader)
        step0 = first[1]

        def next_step() -> list[tuple[float, int, str]]:
            return [c for c in cards(cl, hid) if c[2] != step0]

        await until(next_step, STEP_S + 60, "the card of the next step")
        # Stay until just before step 2 could fire: a doubled step 1 would show by then.
        await until(lambda: time.monotonic() > deadline + STEP_S - 2, STEP_S + 10, "step 1's span")
        step1 = next_step()
        new_leader = await cl.leader()
        repeated = await cl.database.repeated_offers()
        moved = await cl.database.handoff(hid)

    assert killed_at < deadline - 2, "the leader was not killed before the step's deadline"
    assert new_leader is not None and new_leader != leader
    late = min(at for at, _, _ in step1) - deadline
    print(f"leader {leader} killed {deadline - killed_at:.1f} s before the deadline; instance {new_leader} "
          f"leads; the next step's first card came {late:.1f} s after the deadline")
    assert -0.5 <= late <= LATE_MAX_S, late
    per_chat = [chat for _, chat, _ in step1]
    assert len(per_chat) == len(set(per_chat)) and len({line for _, _, line in step1}) == 1, step1
    assert repeated == 0  # no step written twice in the database either
    assert moved is not None and moved.step == 1 and moved.state == "offered"


def _first_card(cl: Cluster) -> tuple[int, str] | None:
    for call in cl.fake.calls:
        rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
        acc = [str(b["callback_data"]) for r in rows for b in r
               if str(b.get("callback_data")).startswith("acc:")]
        if call.method == "sendMessage" and acc:
            return int(acc[0].split(":")[1]), str(call.params["text"]).split("\n", 1)[0]
    return None


LINES = ("How can I sleep better at night?", "What is anxiety?", "I argue with my parents a lot")
CHAT = 9401


async def _rows(cl: Cluster) -> list[tuple[int, str | None, datetime | None, datetime | None, str]]:
    """(id, claimed_by, claimed_until, sent_at, text) of the resident's outbox rows, in order."""
    async with cl.database.uow() as uow:
        items = (await uow.session.scalars(select(OutboxItem).where(OutboxItem.chat_key == str(CHAT))
                                           .order_by(OutboxItem.id))).all()
        return [(i.id, i.claimed_by, i.claimed_until, i.sent_at, str(uow.outbox.payload(i)["text"]))
                for i in items]


async def test_an_instance_killed_holding_outbox_claims_has_them_sent_once_after_its_lease(
        pg_url: str, tmp_path: Path, checkout: Path) -> None:
    async with Cluster(tmp_path, pg_url, 2, checkout, extra_env={"HOTLINE_OUTBOX_LEASE_S": "5"}) as cl:
        fake = cl.fake
        # Telegram refuses for now: the three replies pile up unsent, one chat's queue.
        fake.fail_next("sendMessage", 429, retry_after=1, count=10_000)
        for text in LINES:
            await fake.push_text(CHAT, text)
        await until(lambda: _unsent_at_least(cl, 3), 60, "three replies written")
        # The next send reaches Telegram, whose answer is held: its sender holds the chat's rows.
        fake.hold_next_answer("sendMessage", 30.0)
        fake.faults["sendMessage"].clear()
        await until(lambda: fake.texts(CHAT), 30, "the first reply at Telegram")
        held = await _rows(cl)
        holders = {by for _, by, _, sent, _ in held if by is not None and sent is None}
        assert len(holders) == 1, held
        holder = holders.pop()
        victim = next(k for k, inst in enumerate(cl.instances)
                      if inst.proc is not None and holder.rsplit("-", 2)[1] == str(inst.proc.pid))
        cl.kill9(victim)
        lease_end = max(to_monotonic(u) for _, by, u, _, _ in held if by == holder and u is not None)
        await until(lambda: _all_sent(cl), 60, "every row sent after the lease")
        after = await _rows(cl)
        ledger = await cl.database.ledger(fake)
        arrivals = [(c.at, str(c.params["text"])) for c in fake.calls
                    if c.method == "sendMessage" and int(c.params["chat_id"]) == CHAT]

    claimed = [text for _, by, _, _, text in held if by == holder]
    assert len(claimed) >= 2, held  # the dead instance held more than the message in flight
    texts = [text for _, _, _, _, text in after]
    assert all(sent is not None and by is None for _, by, _, sent, _ in after), after
    got = [text for _, text in arrivals]
    # The message Telegram took before the kill goes out again after the lease, then the rest in
    # the chat's order, each once: a repeat of the message in flight is the one window
    # at-least-once delivery leaves (docs/ARCHITECTURE.md); nothing else repeats, nothing is lost.
    assert got == [texts[0], *texts], got
    assert all(at >= lease_end - 0.5 for at, _ in arrivals[1:]), (arrivals, lease_end)
    print(f"{len(claimed)} rows claimed by the killed instance; resent {arrivals[1][0] - lease_end:.1f} s "
          f"after its lease ended")
    assert ledger.lost == 0 and ledger.out_of_order == []


async def _unsent_at_least(cl: Cluster, n: int) -> bool:
    return sum(1 for r in await _rows(cl) if r[3] is None) >= n


async def _all_sent(cl: Cluster) -> bool:
    rows: list[Any] = await _rows(cl)
    return bool(rows) and all(r[3] is not None for r in rows)
