"""`hotline bench web`: N concurrent WebSocket residents on loopback for T seconds.

The server runs in its own process (as in production) on a fresh SQLite database unless
--url points at a running one. Each resident writes, waits for the bot's reply, pauses a
random think time, and writes again. At the end every resident opens a fresh socket and
compares the full transcript with what it saw live: a message in the transcript it never saw,
or one it sent that the transcript lacks, counts as lost (must be 0).
"""

from __future__ import annotations

# Imports sit inside functions on purpose: the server runs in a child process that imports what it
# needs itself, and `hotline --help` imports this module (bot/cli/bench.py) without running it.
import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.bench.latency_svg import histogram_svg, percentile
from bot.bench.startup import cpu_seconds

REPLY_WAIT_S = 30.0  # a reply later than this counts as unanswered in the latency figures
DRAIN_S = 120.0  # after the run: how long residents wait for late replies before the comparison
# Quiet this long means nothing more is coming: longer than the service's 5 s retry of deferred turns.
QUIET_S = 8.0
RETRY_S, RETRIES = 5.0, 8  # as bot/web/static/chat.js does: 5 s, doubling, at most 60 s
QUESTIONS = ("I can't sleep at night, what can I do?", "我最近压力很大，晚上睡不着怎么办？",
             "How do I find a counselor near me?", "考试前很焦虑，有什么办法放松吗？",
             "My roommate and I keep arguing", "工作太累了，怎么调整？", "hello", "你好")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("web", help="concurrent WebSocket residents: reply latency, messages lost")
    p.add_argument("--residents", type=int, default=200)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--think", type=float, default=10.0,
                   help="mean pause between a reply and the next message (reading and typing)")
    p.add_argument("--url", help="bench a running server instead of starting one (http://host:port)")
    p.add_argument("--database-url",
                   help="database for the server started here (default: SQLite in a temp dir)")
    p.add_argument("--ramp", help="offered rates in messages/s, e.g. 20,40,60,80,100: each runs --seconds "
                                  "with --residents residents (think time = residents / rate); prints "
                                  "capacity, the highest rate whose p95 stays <= 300 ms")
    p.add_argument("--crisis-every", type=float, default=0.0,
                   help="also send a crisis line from a new resident every this many seconds; prints "
                        "the emergency reply's latency (p95), lost and doubled")
    p.add_argument("--svg", default="artifacts/bench/web_latency.svg",
                   help="where to draw the latency histogram ('' for none)")
    p.set_defaults(handler=_run)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    unanswered: int = 0
    retries: int = 0
    lost: int = 0
    doubled: int = 0
    crisis: list[float] = field(default_factory=list)  # seconds to the first reply to a crisis line
    crisis_sent: int = 0
    errors: list[str] = field(default_factory=list)


CRISIS_LINES = ("I have the pills in my hand and I am going to take them all now",
                "我现在就站在楼顶，准备跳下去了")
TARGET_P95_MS = 300.0


class Pace:
    """The think time every resident uses now (the ramp changes it step by step) and the tally
    each reply is counted in."""

    def __init__(self, think: float, tally: Tally) -> None:
        self.think, self.tally = think, tally


class BenchResident:
    def __init__(self, base: str, tally: Tally, pace: Pace | None = None) -> None:
        self.base, self.tally = base, tally
        self.pace = pace
        self.seen: set[int] = set()
        self.sent = 0
        self.replies = 0
        self.outgoing: dict[str, dict[str, Any]] = {}  # sent, not yet stored (no seq in the ack)

    async def run(self, until: float, think: float) -> None:
        import aiohttp

        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            ws = await self._connect(http)
            await self.pause(ws, random.uniform(0, think))  # residents do not all start at once
            while time.monotonic() < until:
                if self.pace is not None:
                    self.tally, think = self.pace.tally, self.pace.think
                await self._turn(ws)
                await self.pause(ws, random.uniform(0.5 * think, 1.5 * think))
            await self._drain(ws)
            await ws.close()
            await self._verify(http)

    async def pause(self, ws: Any, seconds: float) -> None:
        """Think while reading the socket, as a browser does: aiohttp answers the server's heartbeat
        ping only inside receive(), and bot/web/chat.py (heartbeat=30) closes a socket whose pong
        is 15 s late (H5: 2-3 of 200 residents failed so at think 10 s under load)."""
        with contextlib.suppress(TimeoutError):
            await self._until(ws, lambda f: False, seconds)

    async def _connect(self, http: Any) -> Any:
        """Open the chat page (for its CSRF token) and a synced socket, as the browser does."""
        async with http.get(self.base + "/chat") as resp:
            m = re.search(r'name="csrf-token" content="([^"]*)"', await resp.text())
        self.csrf = m.group(1) if m else ""
        ws = await http.ws_connect(self.base + "/chat/ws")
        await ws.send_json({"type": "hello", "last_seq": 0, "csrf": self.csrf})
        await self._until(ws, lambda f: f["type"] == "synced", 30)
        return ws

    async def crisis(self, after: float) -> None:
        """One crisis line from a new resident, `after` seconds from now; the time to the first
        reply (the emergency numbers) is the figure."""
        import aiohttp

        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            ws = await self._connect(http)
            await self.pause(ws, after)
            self.tally.crisis_sent += 1
            t0 = time.perf_counter()
            await self._turn(ws, random.choice(CRISIS_LINES), record=False)
            if self.replies:
                self.tally.crisis.append(time.perf_counter() - t0)
            await self._drain(ws)
            await ws.close()
            await self._verify(http)

    async def _turn(self, ws: Any, text: str | None = None, record: bool = True) -> None:
        t0, before = time.perf_counter(), self.replies
        frame = {"type": "msg", "cid": secrets.token_hex(6), "text": text or random.choice(QUESTIONS)}
        self.outgoing[frame["cid"]] = frame
        await ws.send_json(frame)
        self.sent += 1
        self.tally.sent += 1
        try:
            await self._until(ws, lambda f: self.replies > before, REPLY_WAIT_S)
            if record:
                self.tally.latencies.append(time.perf_counter() - t0)
        except TimeoutError:
            self.tally.unanswered += 1  # not within the wait: it may still come (counted at the end)

    async def _until(self, ws: Any, pred: Any, timeout: float) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                msg = await ws.receive()
                if msg.type.name != "TEXT":
                    raise ConnectionError(f"socket closed: {msg.type.name}")
                frame: dict[str, Any] = json.loads(msg.data)
                if frame["type"] == "msg" and frame.get("seq"):
                    if frame["seq"] in self.seen:
                        self.tally.doubled += 1  # the same stored line pushed twice
                    self.seen.add(frame["seq"])
                # A reply is a stored line (it has a seq): "many people are writing now" is not one.
                if frame["type"] == "msg" and frame["sender"] != "resident" and frame.get("seq"):
                    self.replies += 1
                if frame["type"] == "ack":
                    self._acked(ws, frame)
                if pred(frame):
                    return frame

    def _acked(self, ws: Any, ack: dict[str, Any]) -> None:
        """Like the browser: an ack without a seq is asked again later with the same client id."""
        frame = self.outgoing.get(ack["cid"])
        if frame is None:
            return
        if ack["seq"] is not None or frame.setdefault("tries", 0) >= RETRIES:
            self.outgoing.pop(ack["cid"], None)
            return
        delay = min(RETRY_S * 2 ** frame["tries"], 60.0)
        frame["tries"] += 1
        self.tally.retries += 1
        asyncio.get_running_loop().call_later(
            delay, lambda: asyncio.ensure_future(self._resend(ws, frame)))

    async def _resend(self, ws: Any, frame: dict[str, Any]) -> None:
        if not ws.closed:
            await ws.send_json(frame)

    async def _drain(self, ws: Any) -> None:
        """Read late replies until the socket has been quiet for a few seconds (at most DRAIN_S)."""
        end = time.monotonic() + DRAIN_S
        while time.monotonic() < end:
            heard = len(self.seen) + self.replies
            try:
                await self._until(ws, lambda f: False, QUIET_S)
            except TimeoutError:
                if len(self.seen) + self.replies == heard and not self.outgoing:
                    return  # quiet, and nothing of ours is still waiting to be stored

    async def _verify(self, http: Any) -> None:
        ws = await http.ws_connect(self.base + "/chat/ws")
        await ws.send_json({"type": "hello", "last_seq": 0, "csrf": self.csrf})
        stored: dict[int, str] = {}
        async with asyncio.timeout(30):
            while True:
                frame = json.loads((await ws.receive()).data)
                if frame["type"] == "synced":
                    break
                if frame["type"] == "msg":
                    stored[frame["seq"]] = frame["sender"]
        await ws.close()
        # Lost: a reply in the transcript this resident never saw live, or a message it sent that
        # never reached the transcript.
        undelivered = [seq for seq, sender in stored.items() if sender != "resident" and seq not in self.seen]
        unstored = self.sent - sum(1 for sender in stored.values() if sender == "resident")
        self.tally.lost += len(undelivered) + max(0, unstored)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ports() -> dict[str, Any]:
    """The real engines where they exist; the test fakes stand in for any still missing."""
    import importlib.util

    have = importlib.util.find_spec
    ports: dict[str, Any] = {}
    if have("bot.adapters") and have("bot.adapters.triage_adapter") and have("bot.adapters.kb_adapter"):
        from bot.adapters.kb_adapter import KnowledgeAdapter
        from bot.adapters.triage_adapter import TriageAdapter

        ports.update(triage=TriageAdapter(), kb=KnowledgeAdapter())
    else:
        from tests.fakes.ports import CannedKB, KeywordTriage

        ports.update(triage=KeywordTriage(), kb=CannedKB())
    if not (have("bot.adapters") and have("bot.services.rota")):
        from tests.fakes.ports import StaticRota

        ports["rota"] = StaticRota(["c1"])
    return ports


def _serve(db_url: str, var_dir: str, port: int) -> None:
    """The server process: the same build() and Server as `hotline serve`, fresh keys."""
    import logging

    from bot.bootstrap import build
    from bot.crypto import new_key
    from bot.server import Server
    from config.settings import load_settings

    logging.basicConfig(level=logging.WARNING)
    settings = load_settings(database_url=db_url, secret_key=new_key(), pseudonym_key=secrets.token_hex(16),
                             var_dir=Path(var_dir), cookie_secure=False)  # plain HTTP on loopback
    ports = _ports()

    async def main() -> None:
        server = Server(build(settings, **ports))
        await server.start("127.0.0.1", port)
        await asyncio.Event().wait()

    asyncio.run(main())


async def _wait_up(base: str, timeout: float = 300.0) -> None:  # real engines, loaded machine
    import aiohttp

    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(base + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError("the server did not come up")


def _crisis_tasks(base: str, tally: Tally, seconds: float, every: float) -> list[asyncio.Task[None]]:
    if every <= 0:
        return []
    starts = [every * (i + 0.5) for i in range(int(seconds / every))]
    return [asyncio.create_task(BenchResident(base, tally).crisis(at)) for at in starts]


async def _bench(base: str, residents: int, seconds: float, think: float, crisis_every: float = 0.0
                 ) -> Tally:
    from rich.progress import Progress

    tally = Tally()
    until = time.monotonic() + seconds
    people = [BenchResident(base, tally) for _ in range(residents)]
    tasks = [asyncio.create_task(p.run(until, think)) for p in people]
    tasks += _crisis_tasks(base, tally, seconds, crisis_every)
    with Progress(transient=True) as progress:
        bar = progress.add_task(f"{residents} residents", total=seconds)
        while not all(t.done() for t in tasks):
            await asyncio.wait(tasks, timeout=1.0)
            progress.update(bar, completed=min(seconds, seconds - (until - time.monotonic())))
    for t in tasks:
        if t.exception() is not None:
            tally.errors.append(repr(t.exception()))
    return tally


async def _ramp(base: str, residents: int, seconds: float, rates: list[float], crisis_every: float
                ) -> list[tuple[float, Tally]]:
    """The same residents throughout; each step sets the think time for the offered rate and
    counts its replies in its own tally (a reply is counted in the step its message was sent)."""
    steps = [(rate, Tally()) for rate in rates]
    pace = Pace(residents / rates[0], steps[0][1])
    until = time.monotonic() + seconds * len(rates)
    people = [BenchResident(base, steps[0][1], pace) for _ in range(residents)]
    tasks = [asyncio.create_task(p.run(until, pace.think)) for p in people]
    for rate, tally in steps:
        pace.think, pace.tally = residents / rate, tally
        crisis = _crisis_tasks(base, tally, seconds, crisis_every)
        await asyncio.sleep(seconds)
        print(f"  step {rate:.0f} msg/s offered: {len(tally.latencies) / seconds:.1f} replies/s, p95 "
              f"{percentile([x * 1000 for x in tally.latencies], .95) if tally.latencies else 0:.0f} ms",
              flush=True)
        tasks += crisis
    await asyncio.gather(*tasks, return_exceptions=True)
    for t in tasks:
        if t.exception() is not None:
            steps[-1][1].errors.append(repr(t.exception()))
    return steps


def ramp_report(steps: list[tuple[float, Tally]], residents: int, seconds: float) -> str:
    lines = [f"capacity ramp: {residents} WebSocket residents, {seconds:.0f} s per step",
             f"  {'offered/s':>9} {'replies/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
             f"{'unanswered':>10} {'crisis p95 ms':>13} {'crisis n':>8}"]
    capacity = 0.0
    for rate, tally in steps:
        lat = [x * 1000 for x in tally.latencies] or [0.0]
        crisis = [x * 1000 for x in tally.crisis]
        p95 = percentile(lat, .95)
        if p95 <= TARGET_P95_MS and tally.latencies and tally.unanswered == 0:
            capacity = max(capacity, rate)
        lines.append(f"  {rate:>9.0f} {len(tally.latencies) / seconds:>9.1f} {statistics.median(lat):>7.0f} "
                     f"{p95:>7.0f} {percentile(lat, .99):>7.0f} {tally.unanswered:>10} "
                     f"{(f'{percentile(crisis, .95):.0f}' if crisis else '-'):>13} {len(crisis):>8}")
    lost = sum(t.lost for _, t in steps)
    doubled = sum(t.doubled for _, t in steps)
    lines.append(f"  capacity (highest offered rate with p95 <= {TARGET_P95_MS:.0f} ms, none unanswered): "
                 f"{capacity:.0f} msg/s")
    lines.append(f"  messages lost: {lost}, doubled: {doubled}, crisis lines sent "
                 f"{sum(t.crisis_sent for _, t in steps)}, answered {sum(len(t.crisis) for _, t in steps)}")
    return "\n".join(lines)


def report(tally: Tally, residents: int, seconds: float) -> str:
    lat = [x * 1000 for x in tally.latencies]
    lines = [f"web bench: {residents} WebSocket residents on loopback for {seconds:.0f} s",
             f"  messages sent {tally.sent}, replies {len(lat)}, unanswered {tally.unanswered}, "
             f"throughput {len(lat) / seconds:.1f} replies/s, re-sent after an ack without seq "
             f"{tally.retries}"]
    if lat:
        lines.append(f"  reply latency ms: p50 {statistics.median(lat):.0f}  p95 {percentile(lat, .95):.0f}  "
                     f"p99 {percentile(lat, .99):.0f}  max {max(lat):.0f}")
    lines.append(f"  messages lost: {tally.lost}  (transcript vs what each resident saw live), "
                 f"doubled: {tally.doubled}")
    if tally.crisis_sent:
        crisis = [x * 1000 for x in tally.crisis]
        p95 = f"{percentile(crisis, .95):.0f} ms" if crisis else "-"
        lines.append(f"  crisis lines: sent {tally.crisis_sent}, answered {len(crisis)}, "
                     f"first reply p95 {p95}")
    if tally.errors:
        lines.append(f"  residents that failed: {len(tally.errors)} (first: {tally.errors[0]})")
    return "\n".join(lines)


def cpu_line(cpu: list[float | None], replies: int) -> str:
    """The server's CPU time over the run and its check: unlike latency, it does not grow when
    other work shares the cores, so it is the figure to compare across runs on a busy machine."""
    if len(cpu) != 2 or cpu[0] is None or cpu[1] is None or not replies:
        return "  server CPU: not measured (a server started elsewhere, or not Linux)"
    used = cpu[1] - cpu[0]
    return (f"  server CPU: {used:.1f} s for {replies} replies = {used * 1000 / replies:.1f} ms per reply "
            f"(process, all threads; the end-of-run transcript check included)")


def load_line(start: tuple[float, float, float], end: tuple[float, float, float]) -> str:
    """The machine's load average over the run: latency is only comparable between runs on
    equally loaded machines (CPU per reply, above, much more so)."""
    return (f"  load average (1, 5, 15 min): {start[0]:.2f} {start[1]:.2f} {start[2]:.2f} at the start, "
            f"{end[0]:.2f} {end[1]:.2f} {end[2]:.2f} at the end ({os.cpu_count()} cores)")


def _run(args: argparse.Namespace) -> int:
    proc = None
    base = args.url
    with tempfile.TemporaryDirectory() as tmp:
        if base is None:
            port = _free_port()
            db_url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
            code = f"from bot.bench.web import _serve; _serve({db_url!r}, {tmp!r}, {port})"
            proc = subprocess.Popen([sys.executable, "-c", code], cwd=Path.cwd())
            base = f"http://127.0.0.1:{port}"
        cpu: list[float | None] = []
        try:
            asyncio.run(_wait_up(base))
            cpu.append(cpu_seconds(proc.pid) if proc is not None else None)
            load = os.getloadavg()
            if args.ramp:
                rates = [float(r) for r in args.ramp.split(",") if r.strip()]
                if not rates or min(rates) <= 0:
                    raise SystemExit("--ramp needs positive rates, e.g. 20,40,60")
                steps = asyncio.run(_ramp(base.rstrip("/"), args.residents, args.seconds, rates,
                                          args.crisis_every))
            else:
                tally = asyncio.run(_bench(base.rstrip("/"), args.residents, args.seconds, args.think,
                                           args.crisis_every))
        finally:
            if proc is not None:
                cpu.append(cpu_seconds(proc.pid))
                proc.terminate()
                proc.wait(10)
    if args.ramp:
        print(ramp_report(steps, args.residents, args.seconds))
        print(cpu_line(cpu, sum(len(t.latencies) + len(t.crisis) for _, t in steps)))
        print(load_line(load, os.getloadavg()))
        bad = any(t.lost or t.doubled or t.errors for _, t in steps)
        return 1 if bad else 0
    print(report(tally, args.residents, args.seconds))
    print(cpu_line(cpu, len(tally.latencies) + len(tally.crisis)))
    print(load_line(load, os.getloadavg()))
    if args.url is None:
        import importlib.util

        real = importlib.util.find_spec("bot.adapters") is not None
        engines = "the real triage and knowledge base" if real else "test fakes (no bot/adapters yet)"
        print(f"  engines: {engines}")
    if args.svg and tally.latencies:
        out = Path(args.svg)
        out.parent.mkdir(parents=True, exist_ok=True)
        title = f"reply latency, {args.residents} WebSocket residents, {args.seconds:.0f} s"
        out.write_text(histogram_svg([x * 1000 for x in tally.latencies], title), encoding="utf-8")
        print(f"  histogram: {out}")
    return 0 if tally.lost == 0 and tally.doubled == 0 and not tally.errors else 1
