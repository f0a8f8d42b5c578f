"""Chaos scenarios for one instance; each returns a `Row` of the `hotline bench chaos` table and the
evidence the tests in tests/chaos assert on.

Row fields: the fault, how it was injected, messages in flight when it hit (resident messages
pushed but not yet answered, plus unsent outbox rows), lost, doubled, and seconds from the fault
(or from the end of it) until service was back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.conversation.staff import CHECK_IN
from bot.devtools.chaos_ledger import Ledger
from bot.devtools.chaos_rig import CRISIS, EMERGENCY_MARK, IMMINENT, Rig, until

FLOW_TIMEOUT = 40.0


@dataclass
class Row:
    fault: str
    how: str
    in_flight: int = 0
    lost: int = 0
    doubled: int = 0
    recover_s: float | None = None
    notes: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


async def in_flight(rig: Rig) -> int:
    """Resident texts the server has not stored yet, plus outbox rows not yet sent."""
    pushed = sum(len(v) for v in rig.pushed.values())
    return max(0, pushed - await rig.database.resident_messages()) + await rig.database.outbox_unsettled()


async def settle(rig: Rig, timeout: float = FLOW_TIMEOUT) -> Ledger:
    """Wait until every pushed resident text is stored and the outbox is empty; the ledger then."""
    pushed = sum(len(v) for v in rig.pushed.values())

    async def settled() -> bool:
        return (await rig.database.resident_messages() >= pushed
                and await rig.database.outbox_unsettled() == 0)

    try:
        await until(settled, timeout, "every resident message stored and the outbox empty", every=0.25)
    except TimeoutError:
        pass  # counted below as lost
    return await rig.database.ledger(rig.fake)


def fill(row: Row, ledger: Ledger, stored: int, pushed: int) -> None:
    row.lost = ledger.lost + max(0, pushed - stored)
    row.doubled = ledger.doubled
    row.evidence.update(stored=stored, pushed=pushed, unsent=ledger.unsent, parked=ledger.parked,
                        out_of_order=ledger.out_of_order, outside=ledger.outside,
                        doubled_texts=[(chat, _short(t)) for chat, c in ledger.chats.items()
                                       for t in _extra(c.expected, c.received)])


def log_signals(log: str) -> dict[str, int]:
    """How often the server logged each kind of trouble (the evidence behind a double)."""
    keys = {"outbox item retried or parked": "outbox item", "parked": "parked after",
            "turn failed": "turn failed",
            "direct emergency": "direct emergency", "outbox pass failed": "outbox pass failed",
            "disk full": "database or disk is full", "traceback": "Traceback"}
    return {name: log.count(needle) for name, needle in keys.items() if needle in log}


def _extra(expected: list[str], received: list[str]) -> list[str]:
    left = list(expected)
    extra = []
    for text in received:
        if text in left:
            left.remove(text)
        else:
            extra.append(text)
    return extra


def _short(text: str) -> str:
    return text.replace("\n", " ")[:60]


# ---- 1. kill -9 with handoffs in every state ----------------------------------------------------
REQ, OFFERED, ACTIVE, CLOSING, FOLLOW = 7101, 7102, 7103, 7104, 7105


async def kill_at_every_handoff_state(root: Path, db_url: str, checkout: Path, label: str) -> Row:
    """Five residents, each leaving a handoff in one state, then kill -9 and restart on the same
    database: requested (the crisis line still in flight), offered at step n >= 1, active,
    closing (the close still in flight) and follow-up scheduled."""
    row = Row(f"kill -9 ({label})", "SIGKILL to `hotline serve`, restart on the same database")
    async with Rig(root, db_url, checkout) as rig:
        # Active, with a relay both ways.
        await rig.resident_says(ACTIVE, CRISIS)
        active = await rig.handoff_of(ACTIVE)
        active_staff = await rig.accept(active)
        # Follow-up scheduled.
        await rig.resident_says(FOLLOW, CRISIS)
        follow = await rig.handoff_of(FOLLOW)
        follow_staff = await rig.accept(follow)
        await rig.press(follow_staff, f"out:{follow}:resolved")
        await until(lambda: rig._state_is(follow, "closed"), FLOW_TIMEOUT, "follow-up handoff closed")
        await rig.press(follow_staff, f"fu:{follow}:24h")
        await until(lambda: _open_followups(rig, follow), FLOW_TIMEOUT, "a follow-up row")
        # Closing: accepted, the close pressed just before the kill.
        await rig.resident_says(CLOSING, CRISIS)
        closing = await rig.handoff_of(CLOSING)
        closing_staff = await rig.accept(closing)
        # Offered, and escalated at least once before the kill. Opened last: its chain (4 s a step)
        # ends in fallback after about 20 s, which the steps above took by themselves at load 15
        # ("waited 40 s for the offered handoff at step >= 1": it was already in fallback).
        await rig.resident_says(OFFERED, CRISIS)
        offered = await rig.handoff_of(OFFERED)
        h = await until(lambda: _stepped(rig, offered), FLOW_TIMEOUT, "the offered handoff at step >= 1")
        step_at_kill, version_at_kill = h.step, h.version
        # Stands in for the day passing: the follow-up's row falls due now. The killed process
        # still holds its timer for tomorrow; the restart must rebuild it from the row and fire it.
        await rig.database.bring_followups_forward(datetime.now(UTC))
        await rig.press(closing_staff, f"out:{closing}:resolved")
        await rig.resident_says(REQ, CRISIS)
        row.in_flight = await in_flight(rig) + 1  # + the close callback
        killed = time.monotonic()
        rig.server.kill9()
        rig.server.start()
        await rig.server.ready()
        restart_s = time.monotonic() - killed
        # After the restart: every state moves on.
        await rig.resident_says(ACTIVE, "are you still there")
        await until(lambda: _relayed(rig, active_staff, "are you still there"), FLOW_TIMEOUT,
                    "the active chat relayed after the restart")
        row.recover_s = time.monotonic() - killed
        requested = await rig.handoff_of(REQ)
        await until(lambda: _emergency_seen(rig, REQ), FLOW_TIMEOUT, "the requested resident answered")
        await until(lambda: rig._state_is(closing, "closed"), FLOW_TIMEOUT, "the closing handoff closed")
        moved = await until(lambda: _moved(rig, offered, step_at_kill, version_at_kill), FLOW_TIMEOUT,
                            "the offered handoff escalated after the restart")
        await until(lambda: _followup_done(rig, follow), FLOW_TIMEOUT, "the follow-up fired")
        req_h = await rig.database.handoff(requested)
        ledger = await settle(rig)
        fill(row, ledger, await rig.database.resident_messages(), sum(len(v) for v in rig.pushed.values()))
        row.evidence.update(
            restart_s=restart_s, offered_step=(step_at_kill, moved.step), offered_state=moved.state,
            requested_state=req_h.state if req_h else None,
            check_ins=sum(1 for t in rig.received(FOLLOW) if t in CHECK_IN.values()),
            followups_done=[f.done_at is not None for f in await rig.database.followups()],
            card_repeats=_card_repeats(rig), repeated_offers=await rig.database.repeated_offers(),
            log=log_signals(rig.server.log_text()),
            closes=_audit_count(await rig.database.audit_actions(), "handoff.close", closing))
    return row


async def _open_followups(rig: Rig, handoff_id: int) -> bool:
    return any(f.handoff_id == handoff_id for f in await rig.database.followups())


async def _followup_done(rig: Rig, handoff_id: int) -> bool:
    return any(f.handoff_id == handoff_id and f.done_at is not None for f in await rig.database.followups())


async def _stepped(rig: Rig, handoff_id: int) -> Any:
    h = await rig.database.handoff(handoff_id)
    return h if h is not None and h.state == "offered" and h.step >= 1 else None


async def _moved(rig: Rig, handoff_id: int, step: int, version: int) -> Any:
    h = await rig.database.handoff(handoff_id)
    return h if h is not None and h.version > version and (h.step > step or h.state == "fallback") else None


def _relayed(rig: Rig, staff_chat: int, text: str) -> bool:
    return any(text in t for t in rig.fake.texts(staff_chat))


def _emergency_seen(rig: Rig, chat: int) -> bool:
    return any("12356" in t for t in rig.received(chat))


def _card_repeats(rig: Rig) -> int:
    """Cards (sendMessage with an accept button) received more than once with the same text in
    the same chat: a step offered twice, whether by a timer that fired twice or a resend."""
    seen: dict[tuple[int, str], int] = {}
    for params in rig.fake.sent("sendMessage"):
        rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        if any(str(b.get("callback_data", "")).startswith("acc:") for r in rows for b in r):
            key = (int(params["chat_id"]), str(params["text"]))
            seen[key] = seen.get(key, 0) + 1
    return sum(n - 1 for n in seen.values())


def _audit_count(actions: list[tuple[str, str]], action: str, handoff_id: int) -> int:
    return sum(1 for a, o in actions if a == action and o == f"handoff:{handoff_id}")


# ---- 2. PostgreSQL stopped and started under a running server ------------------------------------
CRISIS_CHAT, CALM_CHAT = 7201, 7202
CALM = "I have been feeling a bit low this week"


async def database_down(rig: Rig, stop: Callable[[], None], start: Callable[[], None]) -> Row:
    """While the database is down: an imminent line still gets the emergency numbers at once, a
    calm line is kept (deferred); once the database is back both are stored and answered."""
    row = Row("", "")
    await rig.resident_says(CALM_CHAT, "hello")
    await until(lambda: rig.received(CALM_CHAT), FLOW_TIMEOUT, "the first reply")
    # The outbox settles first: a send caught between Telegram's answer and the "sent" mark is
    # the in-flight case (send_in_flight), measured on its own.
    await settle(rig)
    before = {chat: len(rig.received(chat)) for chat in (CRISIS_CHAT, CALM_CHAT)}
    stop()
    down_at = time.monotonic()
    await rig.resident_says(CRISIS_CHAT, IMMINENT)
    await rig.resident_says(CALM_CHAT, CALM)
    await until(lambda: _emergency_seen(rig, CRISIS_CHAT), FLOW_TIMEOUT,
                "the emergency numbers with the database down")
    row.evidence["numbers_while_down_s"] = time.monotonic() - down_at
    direct = sum(1 for t in rig.received(CRISIS_CHAT) if EMERGENCY_MARK in t)
    row.evidence["calm_answered_while_down"] = len(rig.received(CALM_CHAT)) > before[CALM_CHAT]
    row.in_flight = 2
    start()
    up_at = time.monotonic()
    pushed = sum(len(v) for v in rig.pushed.values())

    async def recovered() -> bool:
        return (await rig.database.resident_messages() >= pushed
                and len(rig.received(CALM_CHAT)) > before[CALM_CHAT]
                and await rig.database.outbox_unsettled() == 0)

    try:
        await until(recovered, FLOW_TIMEOUT, "every deferred turn stored and answered", every=0.25)
        row.recover_s = time.monotonic() - up_at
    except TimeoutError:
        row.notes.append("not recovered")
    ledger = await settle(rig, 5.0)
    fill(row, ledger, await rig.database.resident_messages(), pushed)
    # The numbers went out directly while the database was down; the deferred turn, run once it
    # is back, answers the same line through the outbox with the same safety text: counted as
    # "repeated", not as a doubled delivery.
    repeated = min(direct, ledger.chats[str(CRISIS_CHAT)].doubled) if str(CRISIS_CHAT) in ledger.chats else 0
    row.doubled -= repeated
    row.evidence["emergency_repeated_after_recovery"] = repeated
    row.evidence["log"] = log_signals(rig.server.log_text())
    row.evidence["server_alive"] = rig.server.proc is not None and rig.server.proc.poll() is None
    row.evidence["handoffs"] = [(h.level, h.state) for h in await rig.database.handoffs()]
    # The stored crisis turn still pages the chain (a card reached a counselor) and its
    # transcript keeps the numbers the resident got straight, once.
    row.evidence["crisis_cards"] = sum(len(rig.cards(h.id)) for h in await rig.database.handoffs()
                                       if h.level == "imminent")
    row.evidence["numbers_in_transcript"] = sum(
        1 for t in await rig.database.bot_lines(str(CRISIS_CHAT)) if EMERGENCY_MARK in t)
    return row


async def postgres_restarted(root: Path, checkout: Path) -> Row:
    from bot.devtools.chaos_pg import PrivateCluster

    cluster = PrivateCluster()
    try:
        cluster.start()
        url = cluster.create_db("chaos")
        async with Rig(root, url, checkout) as rig:
            row = await database_down(rig, cluster.stop, cluster.start)
    finally:
        cluster.destroy()
    row.fault, row.how = "PostgreSQL down and back", "pg_ctl stop -m fast / start (private cluster)"
    return row


# ---- 3. SQLite on a full disk ------------------------------------------------------------------
async def sqlite_disk_full(root: Path, checkout: Path, size: str = "4m") -> Row:
    from bot.devtools.chaos_disk import SmallDisk, integrity_check

    disk = SmallDisk(root / "disk", size)
    try:
        db_path = disk.path / "hotline.db"
        async with Rig(root / "run", f"sqlite+aiosqlite:///{db_path}", checkout) as rig:
            row = await database_down(rig, disk.fill, disk.free)
            row.evidence["filled_bytes"] = disk.filled
        row.evidence["integrity"] = integrity_check(db_path)
    finally:
        disk.unmount()
    row.fault, row.how = "SQLite disk full", f"tmpfs of {size}, filled until writes fail, then freed"
    return row


# ---- 4. Bot API 429 storms and 5xx bursts ----------------------------------------------------------
STORM_CHATS = (7301, 7302, 7303, 7304)
STORM_LINES = ("how do I sleep better", "I feel stressed about exams", "what is anxiety",
               "how can I calm down", "I argue with my parents a lot")


async def api_storm(root: Path, checkout: Path, seconds: float, every_s: float = 1.0) -> Row:
    """Residents write steadily (one line every `every_s`, taking turns, so each chat writes every
    4 s: under the flood limiter's 20 a minute, every line is answered) while the fake Bot API
    answers sendMessage with a run of 429s (retry_after 1-2 s) or 500s, a new run on two lines of
    three once the previous one is spent.

    Once spent, not on every such line: a run is used up one failed call at a time, and queued
    regardless the runs came faster (about 2.5 failed answers a second) than the honoured
    retry_after and backoff let the outbox call, so the Bot API failed nearly every call for the
    whole run, a 10-minute outage rather than storms mixed with normal traffic (bench chaos,
    10 minutes at load 11: 568 replies in flight at the storm's end, delivered in the 80 s after,
    the last head rows' backoff having reached its 60 s cap)."""
    row = Row("Bot API 429 storm + 5xx bursts",
              f"fake Bot API fail_next: 429 x3-6 (retry_after 1-2) and 500 x2-4, {seconds:.0f} s")
    faults = 0
    async with Rig(root, f"sqlite+aiosqlite:///{root}/storm.db", checkout) as rig:
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < seconds:
            chat = STORM_CHATS[n % len(STORM_CHATS)]
            await rig.resident_says(chat, f"{STORM_LINES[n % len(STORM_LINES)]} ({n})")
            spent = not rig.fake.faults.get("sendMessage")
            if spent and n % 3 == 0:
                rig.fake.fail_next("sendMessage", 429, retry_after=1 + n % 2, count=3 + n % 4)
                faults += 1
            elif spent and n % 3 == 1:
                rig.fake.fail_next("sendMessage", 500, count=2 + n % 3)
                faults += 1
            n += 1
            await _pause(every_s)
        storm_end = time.monotonic()
        row.in_flight = await in_flight(rig)
        ledger = await settle(rig, max(FLOW_TIMEOUT, seconds))
        row.recover_s = time.monotonic() - storm_end
        fill(row, ledger, await rig.database.resident_messages(), sum(len(v) for v in rig.pushed.values()))
        row.evidence.update(faults=faults, failed_calls=sum(1 for c in rig.fake.calls
                                                            if c.method.startswith("FAILED:")),
                            delivered=sum(len(c.received) for c in ledger.chats.values()),
                            resident_replies=sum(len(rig.received(c)) for c in STORM_CHATS),
                            log=log_signals(rig.server.log_text()))
    return row


async def _pause(seconds: float) -> None:
    """The load's rhythm (residents type at a human pace); never a wait for the server."""
    await asyncio.sleep(seconds)


# ---- 5. kill -9 while a sendMessage is in flight ---------------------------------------------------
INFLIGHT_CHAT = 7401


async def send_in_flight(root: Path, db_url: str, checkout: Path, label: str) -> Row:
    """The fake Bot API takes one sendMessage and holds its answer (it has the message, as
    Telegram would); the server is killed while it waits for the answer, then restarted. The
    outbox row was never marked sent, so the restart sends it again: the window at-least-once
    delivery leaves."""
    row = Row(f"kill -9 mid-send ({label})", "SIGKILL while the fake Bot API holds a sendMessage's answer")
    async with Rig(root, db_url, checkout) as rig:
        rig.fake.hold_next_answer("sendMessage", 30.0)
        await rig.resident_says(INFLIGHT_CHAT, "hello")
        # Telegram has the reply; its answer is held back while the server is killed.
        await until(lambda: rig.received(INFLIGHT_CHAT), FLOW_TIMEOUT, "the reply at the Bot API")
        row.in_flight = await in_flight(rig)
        killed = time.monotonic()
        rig.server.kill9()
        rig.server.start()
        await rig.server.ready()
        ledger = await settle(rig)
        row.recover_s = time.monotonic() - killed
        fill(row, ledger, await rig.database.resident_messages(), 1)
        row.evidence["received"] = len(rig.received(INFLIGHT_CHAT))
    return row


# ---- 6. kill -9 while turns wait for the database ----------------------------------------------
async def kill_while_deferred(root: Path, checkout: Path) -> Row:
    """PostgreSQL down, a resident line deferred (kept in the spool on disk for `retry_deferred`), then the
    server is killed; PostgreSQL and the server come back. Is the line stored and answered?"""
    from bot.devtools.chaos_pg import PrivateCluster

    row = Row("kill -9 with turns deferred", "pg_ctl stop, a line deferred, SIGKILL, both restarted")
    cluster = PrivateCluster()
    try:
        cluster.start()
        async with Rig(root, cluster.create_db("chaos"), checkout) as rig:
            await rig.resident_says(CALM_CHAT, "hello")
            await until(lambda: rig.received(CALM_CHAT), FLOW_TIMEOUT, "the first reply")
            await settle(rig)
            cluster.stop()
            await rig.resident_says(CALM_CHAT, CALM)
            await until(lambda: rig.server.log_text().count("turn failed") >= 1, FLOW_TIMEOUT,
                        "the line deferred")
            # The Bot API has forgotten the update once the next poll confirmed it.
            await until(lambda: not rig.fake._updates, FLOW_TIMEOUT, "the update confirmed")
            row.in_flight = 1
            killed = time.monotonic()
            rig.server.kill9()
            cluster.start()
            rig.server.start()
            await rig.server.ready()
            pushed = sum(len(v) for v in rig.pushed.values())
            try:
                await until(lambda: _stored_all(rig, pushed), FLOW_TIMEOUT, "the deferred line stored")
                row.recover_s = time.monotonic() - killed
            except TimeoutError:
                row.notes.append("deferred line never stored")
            ledger = await settle(rig, 5.0)
            fill(row, ledger, await rig.database.resident_messages(), pushed)
    finally:
        cluster.destroy()
    return row


async def _stored_all(rig: Rig, pushed: int) -> bool:
    return await rig.database.resident_messages() >= pushed


# ---- 7. a long 429 run on one message ------------------------------------------------------------
async def flood_control_run(root: Path, checkout: Path, answers: int = 22) -> Row:
    """Telegram answers one chat's message with 429 (retry_after 1 s) `answers` times in a row,
    as flood control does for a while; then it lets it through. Is the message delivered?"""
    row = Row(f"Bot API 429 x{answers} on one message", f"fail_next(sendMessage, 429, 1 s, x{answers})")
    async with Rig(root, f"sqlite+aiosqlite:///{root}/flood.db", checkout) as rig:
        rig.fake.fail_next("sendMessage", 429, retry_after=1, count=answers)
        await rig.resident_says(INFLIGHT_CHAT, "hello")
        started = time.monotonic()
        ledger = await settle(rig, answers * 3.0)
        row.recover_s = time.monotonic() - started
        fill(row, ledger, await rig.database.resident_messages(), 1)
        row.evidence["log"] = log_signals(rig.server.log_text())
    return row
