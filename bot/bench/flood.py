"""`hotline bench flood`: one resident floods, the others should not notice.

A real server runs in its own process on loopback (SQLite in a temp dir, the engines and rate
limiter that `build()` wires). Phase 1 (quiet): steady web-chat traffic, one message every ~200 ms
spread over fresh residents, and their reply latency. Phase 2 (flood): the same traffic while one
resident sends 1,000 messages (every tenth a crisis sentence) through several sockets at once.
Afterwards the database says whether every crisis message in the flood got its safety reply
(emergency numbers, safety message or "a counselor is coming") and whether a handoff exists.

Steady traffic is spread over residents because one resident writing five times a second is a
flood itself and the limiter slows it (by design): each steady resident writes every 2 s.
"""

from __future__ import annotations

# Imports sit inside functions on purpose: the server runs in a child process that imports what it
# needs itself, and `hotline --help` imports this module (bot/cli/bench.py) without running it.
import argparse
import asyncio
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CRISIS = ("I have the pills here and I'm going to take them tonight", "我不想活了，今晚就吃药",
          "I want to die, I can't do this anymore", "我已经准备好了药，今晚就结束")
FILLER = ("hi", "hello?", "anyone there", "你好", "在吗", "I can't sleep", "压力好大", "ok", "???", "test")
REPLY_WAIT_S = 30.0
# --long: the flood is long English posts (~2,400 characters each), the slowest text triage sees
# (MiniLM over overlapping windows, ~75 ms a post): what they cost the other residents.
LONG = (" ".join(["Today was long. I went to work, came home, cooked dinner, and watched the news.",
                  "My sister called about the weekend and we talked about her kids and the garden.",
                  "I keep thinking about the rent, the car repair and whether I should look for a"
                  " new job closer to home, but mostly I am just tired of the commute."] * 8),)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("flood", help="one resident floods: the others' reply latency, crisis replies")
    p.add_argument("--flood", type=int, default=1000, help="messages the flooding resident sends")
    p.add_argument("--crisis-every", type=int, default=10, help="every Nth flood message is a crisis")
    p.add_argument("--sockets", type=int, default=4, help="sockets the flooder sends through at once")
    p.add_argument("--flood-rate", type=float, default=0.0,
                   help="messages per second the flooder sends (0: as fast as the sockets take them)")
    p.add_argument("--interval", type=float, default=0.2, help="seconds between steady messages")
    # 30 residents sharing one message every 200 ms: each writes every 6 s (10 a minute), inside the
    # per-resident limit of 20 a minute. With 10 (30 a minute each, for the whole 7-minute run)
    # the steady residents were themselves rate-limited and their unanswered lines showed up as
    # 2-second "latencies" that had nothing to do with the flood.
    p.add_argument("--steady-residents", type=int, default=30)
    p.add_argument("--quiet-seconds", type=float, default=15.0, help="length of the quiet phase")
    p.add_argument("--no-limiter", action="store_true", help="build the server without the rate limiter")
    p.add_argument("--long", action="store_true", help="ordinary flood lines are ~2,400-character posts")
    p.set_defaults(handler=_run)


# ---- the server process ---------------------------------------------------------------------------
def _serve(db_url: str, var_dir: str, port: int, key: str, limiter: bool) -> None:
    """The server process: the same build() and Server as `hotline serve`."""
    import logging

    from bot.bench.web import _ports
    from bot.bootstrap import build
    from bot.server import Server
    from config.settings import load_settings

    logging.basicConfig(level=logging.WARNING)
    settings = load_settings(database_url=db_url, secret_key=key, pseudonym_key="bench-flood",
                             var_dir=Path(var_dir), cookie_secure=False)  # plain HTTP on loopback
    extra: dict[str, Any] = {"rate_limit": limiter}

    async def main() -> None:
        server = Server(build(settings, **_ports(), **extra))
        await server.start("127.0.0.1", port)
        await asyncio.Event().wait()

    asyncio.run(main())


# ---- clients ----------------------------------------------------------------------------------------
@dataclass
class Chat:
    """One resident's socket: sends stamped with their time, bot frames stamped on arrival."""

    ws: Any
    sent: dict[str, float] = field(default_factory=dict)  # cid -> send time
    acks: dict[str, int | None] = field(default_factory=dict)  # cid -> transcript seq
    bot: list[tuple[int, float]] = field(default_factory=list)  # (seq, arrival) of bot messages
    reader: asyncio.Task[None] | None = None
    expected: int = -1  # acks to wait for; `all_acked` is set when they are in
    all_acked: asyncio.Event = field(default_factory=asyncio.Event)

    async def read(self) -> None:
        async for msg in self.ws:
            if msg.type.name != "TEXT":
                return
            frame = json.loads(msg.data)
            if frame["type"] == "ack":
                self.acks[frame["cid"]] = frame.get("seq")
                if len(self.acks) == self.expected:
                    self.all_acked.set()
            elif frame["type"] == "msg" and frame.get("sender") == "bot" and frame.get("seq"):
                self.bot.append((frame["seq"], time.perf_counter()))

    async def close(self) -> None:
        """Close the socket and wait for the reader to see the end (no task left running)."""
        await self.ws.close()
        if self.reader is not None:
            await self.reader

    async def send(self, text: str) -> str:
        cid = secrets.token_hex(6)
        self.sent[cid] = time.perf_counter()
        await self.ws.send_json({"type": "msg", "cid": cid, "text": text})
        return cid

    def latencies(self, since: float, until: float) -> list[float]:
        """Send -> first bot message after it, for messages sent in [since, until)."""
        out = []
        for cid, t0 in self.sent.items():
            seq = self.acks.get(cid)
            if seq is None or not since <= t0 < until:
                continue
            later = [t for s, t in self.bot if s > seq]
            if later:
                out.append(min(later) - t0)
        return out


async def open_chat(http: Any, base: str) -> Chat:
    async with http.get(base + "/chat") as resp:
        m = re.search(r'name="csrf-token" content="([^"]*)"', await resp.text())
    ws = await http.ws_connect(base + "/chat/ws", max_msg_size=0)
    await ws.send_json({"type": "hello", "last_seq": 0, "csrf": m.group(1) if m else ""})
    while json.loads((await ws.receive()).data)["type"] != "synced":
        pass
    chat = Chat(ws)
    chat.reader = asyncio.create_task(chat.read())
    return chat


async def steady(base: str, residents: int, interval: float, stop: asyncio.Event) -> list[Chat]:
    """Fresh residents taking turns, one message every `interval` seconds until `stop`."""
    import aiohttp

    sessions = [aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) for _ in range(residents)]
    chats = [await open_chat(s, base) for s in sessions]
    i, next_at = 0, time.perf_counter()
    while not stop.is_set():
        await chats[i % residents].send(FILLER[i % len(FILLER)] if i % 3 else "I can't sleep at night")
        i += 1
        next_at += interval
        try:
            await asyncio.wait_for(stop.wait(), max(0.0, next_at - time.perf_counter()))
        except TimeoutError:
            pass
    await _settle(chats)
    for chat, session in zip(chats, sessions, strict=True):
        await chat.close()
        await session.close()
    return chats


async def _settle(chats: list[Chat]) -> None:
    """Wait (bounded) until every sent message is acked and has a bot message after it."""
    end = time.monotonic() + REPLY_WAIT_S
    while time.monotonic() < end:
        if all(c.acks.get(cid) is not None and any(s > (c.acks[cid] or 0) for s, _ in c.bot)
               for c in chats for cid in c.sent):
            return
        await asyncio.sleep(0.1)


async def flood(base: str, count: int, every: int, sockets: int, rate: float = 0.0,
                filler: tuple[str, ...] = FILLER) -> tuple[int, float]:
    """One resident (one cookie) sends `count` messages through `sockets` sockets at once."""
    import aiohttp

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        chats = [await open_chat(http, base) for _ in range(sockets)]
        t0 = time.perf_counter()
        crisis = 0
        for i, chat in enumerate(chats):
            chat.expected = len(range(i, count, sockets))
        for i in range(count):
            is_crisis = i % every == every - 1
            crisis += is_crisis
            text = CRISIS[(i // every) % len(CRISIS)] if is_crisis else filler[i % len(filler)]
            if filler is LONG and not is_crisis:
                text += f" Day {i}."  # every post different: none is a repeat triage has seen
            await chats[i % sockets].send(text)
            if rate > 0:
                await asyncio.sleep(max(0.0, t0 + (i + 1) / rate - time.perf_counter()))
        async with asyncio.timeout(600):
            await asyncio.gather(*(c.all_acked.wait() for c in chats if c.expected > 0))
        took = time.perf_counter() - t0
        for chat in chats:
            await chat.close()
    return crisis, took


# ---- the check in the database --------------------------------------------------------------------
async def crisis_outcomes(db_url: str, key: str) -> dict[str, int]:
    """For the conversation with the most messages (the flood): crisis messages stored, those
    followed in their own turn by a safety reply, and whether a handoff exists."""
    from sqlalchemy import func, select

    from bot.crypto import Cipher
    from bot.storage.engine import create_engine, session_factory
    from bot.storage.models import Handoff, Message
    from bot.storage.uow import UnitOfWorkFactory

    engine = create_engine(db_url)
    uow = UnitOfWorkFactory(session_factory(engine), Cipher([key]))
    safety = _safety_texts()
    async with uow() as u:
        conv_id = await u.session.scalar(select(Message.conversation_id).group_by(Message.conversation_id)
                                         .order_by(func.count().desc()).limit(1))
        rows = await u.messages.after(conv_id, 0, limit=100_000) if conv_id is not None else []
        handoffs = await u.session.scalar(select(func.count()).select_from(Handoff)
                                          .where(Handoff.conversation_id == conv_id))
    await engine.dispose()
    found = answered = 0
    for i, (m, text) in enumerate(rows):
        if m.sender != "resident" or text not in CRISIS:
            continue
        found += 1
        turn = []
        for later, later_text in rows[i + 1:]:
            if later.sender == "resident":
                break
            turn.append(later_text)
        answered += any(t in safety for t in turn)
    return {"crisis_stored": found, "crisis_answered": answered, "handoffs": int(handoffs or 0)}


def _safety_texts() -> set[str]:
    from bot.conversation.texts import t
    from config.emergency import load_emergency
    from config.loader import CONFIG_DIR

    emergency = load_emergency(CONFIG_DIR)
    keys = ("emergency_first", "safety_high", "waiting")
    return {t(k, lang, emergency=emergency.render(lang)) for k in keys for lang in ("zh", "en")}


# ---- the run ------------------------------------------------------------------------------------------
async def _phases(base: str, args: argparse.Namespace) -> dict[str, Any]:
    stop = asyncio.Event()
    quiet_task = asyncio.create_task(steady(base, args.steady_residents, args.interval, stop))
    await asyncio.sleep(args.quiet_seconds)
    stop.set()
    quiet = await quiet_task
    stop = asyncio.Event()
    busy_task = asyncio.create_task(steady(base, args.steady_residents, args.interval, stop))
    await asyncio.sleep(1.0)  # the steady traffic is flowing before the flood starts
    t_flood = time.perf_counter()
    crisis_sent, took = await flood(base, args.flood, args.crisis_every, args.sockets, args.flood_rate,
                                    LONG if args.long else FILLER)
    t_end = time.perf_counter()
    stop.set()
    busy = await busy_task
    return {"quiet": [x for c in quiet for x in c.latencies(0, float("inf"))],
            "busy": [x for c in busy for x in c.latencies(t_flood, t_end)],
            "crisis_sent": crisis_sent, "flood_s": took}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))] if ordered else 0.0


def report(r: dict[str, Any], args: argparse.Namespace, limiter: str) -> str:
    q, b = [x * 1000 for x in r["quiet"]], [x * 1000 for x in r["busy"]]
    pace = f" at {args.flood_rate:g}/s" if args.flood_rate else ""
    kind = " (long posts)" if args.long else ""
    lines = [f"flood bench: {args.flood} messages{kind}{pace} from one resident over {args.sockets} sockets; "
             f"steady traffic one message every {args.interval * 1000:.0f} ms over "
             f"{args.steady_residents} residents",
             f"  rate limiter: {limiter}",
             f"  flood processed in {r['flood_s']:.1f} s ({args.flood / max(r['flood_s'], 1e-9):.0f} msg/s)"]
    for name, xs in (("quiet", q), ("flood", b)):
        if xs:
            lines.append(f"  steady reply latency, {name}: n={len(xs)}  p50 {statistics.median(xs):.0f} ms  "
                         f"p95 {_p95(xs):.0f} ms  max {max(xs):.0f} ms")
    if q and b:
        ratio = _p95(b) / max(_p95(q), 1e-9)
        verdict = "within" if ratio <= 2 else "ABOVE"
        lines.append(f"  p95 flood / quiet = {ratio:.2f}  ({verdict} the 2x bound)")
    o = r["outcomes"]
    lines.append(f"  crisis messages in the flood: sent {r['crisis_sent']}, stored {o['crisis_stored']}, "
                 f"answered with a safety reply {o['crisis_answered']}; handoffs for the flooder "
                 f"{o['handoffs']}")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from bot.bench.web import _free_port, _wait_up
    from bot.crypto import new_key

    key, port = new_key(), _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite+aiosqlite:///{tmp}/flood.db"
        code = (f"from bot.bench.flood import _serve; _serve({db_url!r}, {tmp!r}, {port}, {key!r}, "
                f"{not args.no_limiter})")
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=Path.cwd())
        base = f"http://127.0.0.1:{port}"
        try:
            asyncio.run(_wait_up(base))
            result = asyncio.run(_phases(base, args))
        finally:
            proc.terminate()
            proc.wait(10)
        result["outcomes"] = asyncio.run(crisis_outcomes(db_url, key))
    limiter = "off (--no-limiter)" if args.no_limiter else "what build() wires (bot.security.ratelimit)"
    print(report(result, args, limiter))
    # Latency figures only mean something on a quiet machine: say how busy this one was.
    print(f"  machine load (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    ok = result["outcomes"]["crisis_answered"] == result["crisis_sent"] and result["outcomes"]["handoffs"] > 0
    return 0 if ok else 1
