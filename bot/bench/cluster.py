"""`hotline bench cluster --instances 1,2,3`: several real `hotline serve` processes on one PostgreSQL.

For each instance count, in one run: a fresh database, N processes in webhook mode behind a
round-robin router (the nginx upstream of deploy/nginx.conf, with its next-upstream failover), the
fake Bot API delivering updates to it, web residents on WebSockets spread over the instances
(`bench web`'s resident), Telegram residents and counselors on the fake Bot API. Crisis lines come
from web and Telegram residents in turn; a counselor accepts each card through an instance other
than the one the resident writes to. Printed per count: messages/s, reply p95, crisis-card p95,
lost, doubled, server CPU per reply. tests/cluster/test_cluster_run.py runs a small version and
asserts lost 0, doubled 0, every crisis carded and joined.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.bench.latency_svg import percentile
from bot.bench.startup import cpu_seconds
from bot.bench.web import CRISIS_LINES, QUESTIONS, REPLY_WAIT_S, BenchResident, Tally
from bot.devtools.chaos_instance import REPO, Instance, snapshot
from bot.devtools.chaos_ledger import Db
from bot.devtools.chaos_rig import until as poll
from bot.devtools.chaos_telegram import ChaosTelegram
from bot.devtools.fake_telegram import Call

SECRET = "bench-cluster-webhook-secret"
HOOK = "/telegram/webhook"
TG_BASE, CRISIS_TG_BASE = 810_000, 820_000
TAG = re.compile(r"\(k(\d+)\)")
JOINED = ("has joined", "已加入对话")  # the resident's line when a counselor accepts (texts.py "joined")
JOIN_WAIT_S = 60.0  # a crisis resident waits this long for the counselor's "joined" line
SETTLE_S = 120.0


class Router:
    """The reverse proxy in front of the instances for Telegram's POSTs: round robin, the next
    instance when one does not answer (nginx's proxy_next_upstream). An Accept press can be pinned
    to an instance, so the counselor is served by another instance than the resident."""

    def __init__(self) -> None:
        self.upstreams: list[str] = []
        self.dead: set[int] = set()
        self.pinned: dict[str, int] = {}  # callback data -> instance index
        self.served: list[int] = []  # instance index per answered update
        self.pressed_on: dict[str, int] = {}  # callback data -> the instance that answered it
        self._turn = 0
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post(HOOK, self._forward)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        self.url = f"http://127.0.0.1:{port}{HOOK}"
        return self.url

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def order(self, update: dict[str, Any]) -> list[int]:
        alive = [k for k in range(len(self.upstreams)) if k not in self.dead]
        first = self.pinned.get(str((update.get("callback_query") or {}).get("data")))
        if first is None or first not in alive:
            self._turn += 1
            first = alive[self._turn % len(alive)] if alive else 0
        return [first, *(k for k in alive if k != first)]

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        update = json.loads(body)
        data = (update.get("callback_query") or {}).get("data")
        for k in self.order(update):
            try:
                async with self._http.post(self.upstreams[k] + HOOK, data=body,
                                           headers={"Content-Type": "application/json",
                                                    **{h: v for h, v in request.headers.items()
                                                       if h.lower().startswith("x-telegram")}}) as resp:
                    self.served.append(k)
                    if data is not None:
                        self.pressed_on[str(data)] = k
                    return web.Response(status=resp.status, body=await resp.read())
            except (aiohttp.ClientError, TimeoutError):
                continue  # that instance is gone: the next one
        return web.Response(status=502)


class Cluster:
    """The fake Bot API, the router and N `hotline serve --demo` processes on one database."""

    def __init__(self, root: Path, db_url: str, n: int, checkout: Path = REPO, step_timeout_s: int = 60,
                 extra_env: dict[str, str] | None = None) -> None:
        self.root, self.db_url, self.n, self.checkout = root, db_url, n, checkout
        self.step_timeout_s, self.extra_env = step_timeout_s, extra_env or {}
        self.fake = ChaosTelegram()
        self.router = Router()
        self.instances: list[Instance] = []
        self.db: Db | None = None

    async def __aenter__(self) -> Cluster:
        await self.fake.start()
        await self.router.start()
        try:
            env = {"HOTLINE_TELEGRAM_WEBHOOK_URL": self.router.url, "HOTLINE_TELEGRAM_WEBHOOK_SECRET": SECRET,
                   **self.extra_env}
            for k in range(self.n):  # one after another: each --demo start seeds the demo rota
                inst = Instance(self.root / f"i{k}", self.db_url, self.fake, self.step_timeout_s, env,
                                self.checkout)
                if self.instances:
                    inst.keys = self.instances[0].keys  # one database, one set of keys
                self.instances.append(inst)
                inst.start()
                await inst.ready()
            self.router.upstreams += [self.base(k) for k in range(self.n)]
            self.db = Db(self.db_url, self.instances[0].keys["HOTLINE_SECRET_KEY"])
            await self.db.give_staff_telegram_ids()  # cards and Accept presses go through the fake
            await self.fake.wait_for(lambda: self.fake.webhook is not None, 30)  # the leader set it
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *_exc: object) -> None:
        for inst in self.instances:
            inst.stop()
        if self.db is not None:
            await self.db.close()
        await self.router.stop()
        await self.fake.stop()

    @property
    def database(self) -> Db:
        assert self.db is not None
        return self.db

    def base(self, k: int) -> str:
        return f"http://127.0.0.1:{self.instances[k].port}"

    async def loaded(self, timeout: float = 300.0) -> None:
        """Wait until every instance has its knowledge base and classifiers loaded (status ok)."""
        deadline = time.monotonic() + timeout
        for inst in self.instances:
            while (body := await inst.health()) is None or body.get("status") == "loading":
                if time.monotonic() > deadline:
                    raise TimeoutError(f"instance not loaded in {timeout:.0f} s: {body}")
                await asyncio.sleep(0.5)

    async def leader(self) -> int | None:
        """The index of the live instance that says it leads the timers."""
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as http:
            for k in range(self.n):
                if k in self.router.dead:
                    continue
                try:
                    async with http.get(self.base(k) + "/healthz") as resp:
                        if resp.headers.get("X-Hotline-Leader") == "yes":
                            return k
                except (aiohttp.ClientError, TimeoutError):
                    continue
        return None

    def kill9(self, k: int) -> None:
        self.instances[k].kill9()
        self.router.dead.add(k)

    def cpu(self) -> float:
        return sum(cpu_seconds(i.proc.pid) or 0.0 for i in self.instances
                   if i.proc is not None and i.proc.poll() is None)


@dataclass
class Crisis:
    tag: str
    home: int  # the instance the resident writes to (-1: Telegram, any instance)
    sent_at: float = 0.0
    reply_s: float | None = None
    card_s: float | None = None
    handoff: int | None = None
    joined: bool = False


class Watch:
    """Reads the fake Bot API's calls as they come (one pass over each call): replies per chat,
    and the cards, which the desk answers like a counselor: Accept, through another instance than
    the resident's. (No close: its lines could reach a web resident after its socket's last read,
    which the transcript check would count as lost.)"""

    def __init__(self, cl: Cluster) -> None:
        self.cl, self.fake = cl, cl.fake
        self.seen = 0
        self.replies: dict[int, list[float]] = {}
        self.crises: dict[str, Crisis] = {}
        self.cards: dict[int, Call] = {}  # handoff id -> first card
        self.tasks: list[asyncio.Task[None]] = []
        self.joined: set[int] = set()  # chats that were told a counselor joined

    async def run(self) -> None:
        while True:
            calls = self.fake.calls
            for call in calls[self.seen:]:
                self._one(call)
            self.seen = len(calls)
            await asyncio.sleep(0.05)

    def _one(self, call: Call) -> None:
        if call.method != "sendMessage":
            return
        chat = int(call.params.get("chat_id", 0))
        self.replies.setdefault(chat, []).append(call.at)
        if _joined(str(call.params.get("text", ""))):
            self.joined.add(chat)
        rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
        acc = [str(b.get("callback_data")) for r in rows for b in r
               if str(b.get("callback_data", "")).startswith("acc:")]
        if not acc or (hid := int(acc[0].split(":")[1])) in self.cards:
            return
        self.cards[hid] = call
        m = TAG.search(str(call.params.get("text", "")))
        crisis = self.crises.get(m.group(0)) if m else None
        if crisis is not None:
            crisis.card_s, crisis.handoff = call.at - crisis.sent_at, hid
            if crisis.home >= 0 and self.cl.n > 1:
                self.cl.router.pinned[acc[0]] = (crisis.home + 1) % self.cl.n
        self.tasks.append(asyncio.create_task(self._counselor(chat, hid)))

    async def _counselor(self, chat: int, hid: int) -> None:
        await asyncio.sleep(random.uniform(0.2, 1.0))  # reads the card
        await self.fake.push_callback(chat, f"acc:{hid}", user_id=chat)

    async def reply_after(self, chat: int, after: int, timeout: float) -> float | None:
        """Time of this chat's reply number `after` (0-based), once it has come; None if not in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.replies.get(chat, [])
            if len(got) > after:
                return got[after]
            await asyncio.sleep(0.05)
        return None


@dataclass
class Figures:
    instances: int
    seconds: float
    web: Tally = field(default_factory=Tally)
    tg_latencies: list[float] = field(default_factory=list)
    tg_sent: int = 0
    tg_unanswered: int = 0
    crises: list[Crisis] = field(default_factory=list)
    lost: int = 0
    doubled: int = 0
    evidence: dict[str, Any] = field(default_factory=dict)  # what makes up lost and doubled
    cpu_s: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def replies(self) -> int:
        return len(self.web.latencies) + len(self.tg_latencies)

    @property
    def unanswered(self) -> int:
        """Lines without a reply within REPLY_WAIT_S (a later reply still counts as not lost)."""
        return self.web.unanswered + self.tg_unanswered

    @property
    def uncarded(self) -> int:
        return sum(1 for c in self.crises if c.card_s is None)

    @property
    def unjoined(self) -> int:
        return sum(1 for c in self.crises if not c.joined)


class Resident(BenchResident):
    """`bench web`'s resident, reading while it thinks: aiohttp answers the server's heartbeat ping
    only inside receive(), and bot/web/chat.py (heartbeat=30) closes a socket whose pong is 15 s
    late, which a browser's never is (seen: 2-3 of 200 residents failed with "Cannot write to
    closing transport" when they slept through it)."""

    async def pause(self, ws: Any, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await self._until(ws, lambda f: False, seconds)

    async def run(self, until: float, think: float) -> None:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            ws = await self._connect(http)
            await self.pause(ws, random.uniform(0, think))  # residents do not all start at once
            while time.monotonic() < until:
                await self._turn(ws)
                await self.pause(ws, random.uniform(0.5 * think, 1.5 * think))
            await self._drain(ws)
            await ws.close()
            await self._verify(http)


class CrisisResident(Resident):
    """A web resident who writes one crisis line (tagged, so its card can be found) and waits for
    the counselor's "joined" line, which comes from whichever instance took the Accept."""

    async def crisis_run(self, crisis: Crisis, after: float) -> None:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            ws = await self._connect(http)
            await self.pause(ws, after)
            crisis.sent_at = time.monotonic()
            self.tally.crisis_sent += 1
            await self._turn(ws, f"{random.choice(CRISIS_LINES)} {crisis.tag}", record=False)
            if self.replies:
                crisis.reply_s = time.monotonic() - crisis.sent_at
                self.tally.crisis.append(crisis.reply_s)
            try:  # the emergency reply, then the counselor's "joined" line
                await self._until(ws, lambda f: f["type"] == "msg" and _joined(str(f.get("text"))),
                                  JOIN_WAIT_S)
                crisis.joined = True
            except TimeoutError:
                pass
            await self._drain(ws)
            await ws.close()
            await self._verify(http)


async def tg_resident(w: Watch, fig: Figures, chat: int, until: float, think: float) -> None:
    await asyncio.sleep(random.uniform(0, think))
    while time.monotonic() < until:
        n = len(w.replies.get(chat, []))
        t0 = time.monotonic()
        await w.fake.push_text(chat, random.choice(QUESTIONS))
        fig.tg_sent += 1
        at = await w.reply_after(chat, n, REPLY_WAIT_S)
        if at is None:
            fig.tg_unanswered += 1
            return  # a resident without an answer stops writing (counted; lost is counted at the end)
        fig.tg_latencies.append(at - t0)
        await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))


async def tg_crisis(w: Watch, fig: Figures, crisis: Crisis, chat: int, after: float) -> None:
    await asyncio.sleep(after)
    crisis.sent_at = time.monotonic()
    await w.fake.push_text(chat, f"{random.choice(CRISIS_LINES)} {crisis.tag}")
    fig.tg_sent += 1
    at = await w.reply_after(chat, 0, REPLY_WAIT_S)
    if at is not None:
        crisis.reply_s = at - crisis.sent_at
    with contextlib.suppress(TimeoutError):
        await poll(lambda: chat in w.joined, JOIN_WAIT_S, "the counselor's joined line")
    crisis.joined = chat in w.joined


def _joined(text: str) -> bool:
    return any(mark in text for mark in JOINED)


async def run_load(cl: Cluster, web_residents: int, tg_residents: int, seconds: float, think: float,
                   crisis_every: float) -> Figures:
    """The load on a started cluster; lost and doubled counted once everything has settled."""
    fig = Figures(cl.n, seconds)
    fig.evidence["leader"] = await cl.leader()  # the instance running the timers
    w = Watch(cl)
    watcher = asyncio.create_task(w.run())
    cpu0 = cl.cpu()
    until = time.monotonic() + seconds
    tasks = [asyncio.create_task(Resident(cl.base(r % cl.n), fig.web).run(until, think))
             for r in range(web_residents)]
    tasks += [asyncio.create_task(tg_resident(w, fig, TG_BASE + r, until, think))
              for r in range(tg_residents)]
    for c in range(int(seconds / crisis_every) if crisis_every > 0 else 0):
        crisis = Crisis(f"(k{c})", c % cl.n if c % 2 == 0 else -1)
        w.crises[crisis.tag] = crisis
        fig.crises.append(crisis)
        after = crisis_every * (c + 0.5)
        if crisis.home >= 0:
            res = CrisisResident(cl.base(crisis.home), fig.web)
            tasks.append(asyncio.create_task(res.crisis_run(crisis, after)))
        else:
            tasks.append(asyncio.create_task(tg_crisis(w, fig, crisis, CRISIS_TG_BASE + c, after)))
    await asyncio.gather(*tasks, return_exceptions=True)
    fig.web.errors += [repr(t.exception()) for t in tasks if t.exception() is not None]
    await asyncio.gather(*w.tasks, return_exceptions=True)
    await _settle(cl, fig)
    fig.cpu_s = cl.cpu() - cpu0
    watcher.cancel()
    return fig


async def _settle(cl: Cluster, fig: Figures) -> None:
    db = cl.database

    async def settled() -> bool:
        return (not await db.outbox_unsettled()
                and await db.resident_messages() >= fig.web.sent + fig.tg_sent)

    with contextlib.suppress(TimeoutError):  # what never settled is counted as lost below
        await poll(settled, SETTLE_S, "every line stored and the outbox empty", every=0.5)
    ledger = await db.ledger(cl.fake)
    unstored = max(0, fig.web.sent + fig.tg_sent - await db.resident_messages())
    repeated = await db.repeated_offers()
    fig.lost = fig.web.lost + ledger.lost + unstored
    fig.doubled = fig.web.doubled + ledger.doubled + repeated
    fig.evidence.update(web_lost=fig.web.lost, web_doubled=fig.web.doubled, unstored=unstored,
                        tg_unsent=ledger.unsent, tg_parked=ledger.parked,
                        tg_lost={c: k.lost for c, k in ledger.chats.items() if k.lost},
                        tg_doubled={c: k.doubled for c, k in ledger.chats.items() if k.doubled},
                        repeated_offers=repeated, outside=ledger.outside)
    if ledger.out_of_order:
        fig.notes.append(f"Telegram chats out of order: {ledger.out_of_order[:5]}")
    if fig.web.errors:
        fig.notes.append(f"{len(fig.web.errors)} resident tasks failed, first: {fig.web.errors[0]}")


# ---- the command ------------------------------------------------------------------------------------
def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("cluster", help="N `hotline serve` processes on one PostgreSQL, webhook "
                                              "and web residents: messages/s, p95, lost, doubled per N")
    p.add_argument("--instances", default="1,2,3", help="instance counts to run, one after another")
    p.add_argument("--web", type=int, default=200, help="WebSocket residents")
    p.add_argument("--telegram", type=int, default=50, help="Telegram residents (webhook)")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--think", type=float, default=10.0, help="mean pause between a reply and the next line")
    p.add_argument("--crisis-every", type=float, default=3.0,
                   help="a crisis line every this many seconds, web and Telegram in turn")
    p.add_argument("--postgres", default=os.environ.get("HOTLINE_TEST_POSTGRES_URL",
                                                        "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"),
                   help="a PostgreSQL where the bench may create (and drop) a database per run")
    p.add_argument("--rev", default="HEAD", help="git revision the servers run from (default HEAD)")
    p.set_defaults(handler=_run)


async def _with_database(admin_url: str, work: Callable[[str], Any]) -> Any:
    import asyncpg
    from sqlalchemy.engine import make_url

    from bot.cluster.leader import asyncpg_dsn

    name = f"hotline_bench_{uuid.uuid4().hex[:10]}"
    dsn = asyncpg_dsn(admin_url)
    if dsn is None:
        raise SystemExit("bench cluster needs PostgreSQL (--postgres postgresql+asyncpg://...)")
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            return await work(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _one(args: argparse.Namespace, root: Path, checkout: Path, n: int) -> Figures:
    async def work(db_url: str) -> Figures:
        async with Cluster(root, db_url, n, checkout) as cl:
            await cl.loaded()
            return await run_load(cl, args.web, args.telegram, args.seconds, args.think, args.crisis_every)

    fig: Figures = await _with_database(args.postgres, work)
    return fig


def _ms(values: list[float], q: float) -> str:
    return f"{percentile([v * 1000 for v in values], q):.0f}" if values else "-"


def table(figs: list[Figures]) -> str:
    head = (f"{'instances':>9} {'messages/s':>10} {'reply p50':>9} {'reply p95':>9} {'crisis card p95':>15} "
            f"{'crisis reply p95':>16} {'crises':>6} {'carded':>6} {'joined':>6} "
            f"{'unanswered':>10} {'lost':>4} {'doubled':>7} "
            f"{'CPU ms/reply':>12}")
    lines = [head]
    for f in figs:
        lat = f.web.latencies + f.tg_latencies
        cards = [c.card_s for c in f.crises if c.card_s is not None]
        replies = [c.reply_s for c in f.crises if c.reply_s is not None]
        p50 = f"{statistics.median(lat) * 1000:.0f}" if lat else "-"
        cpu = f"{f.cpu_s * 1000 / f.replies:.1f}" if f.replies else "-"
        lines.append(f"{f.instances:>9} {f.replies / f.seconds:>10.1f} {p50:>9} {_ms(lat, .95):>9} "
                     f"{_ms(cards, .95):>15} {_ms(replies, .95):>16} {len(f.crises):>6} "
                     f"{len(f.crises) - f.uncarded:>6} {len(f.crises) - f.unjoined:>6} "
                     f"{f.unanswered:>10} {f.lost:>4} {f.doubled:>7} {cpu:>12}")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    counts = [int(x) for x in args.instances.split(",") if x.strip()]
    if not counts or min(counts) < 1:
        raise SystemExit("--instances needs counts >= 1, e.g. 1,2,3")
    figs: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="hotline-bench-cluster-") as tmp:
        checkout = snapshot(Path(tmp) / "checkout", args.rev)
        for run, n in enumerate(counts):  # a count may come again (1,2,3,1: did the machine drift?)
            load = os.getloadavg()
            print(f"{n} instance(s): {args.web} web + {args.telegram} Telegram residents, "
                  f"{args.seconds:.0f} s, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start",
                  flush=True)
            fig = asyncio.run(_one(args, Path(tmp) / f"run{run}-n{n}", checkout, n))
            figs.append(fig)
            end = os.getloadavg()
            print(f"  done: {fig.replies} replies (web p95 {_ms(fig.web.latencies, .95)} ms, Telegram p95 "
                  f"{_ms(fig.tg_latencies, .95)} ms), lost {fig.lost}, doubled {fig.doubled}, "
                  f"load {end[0]:.2f} {end[1]:.2f} {end[2]:.2f} at end", flush=True)
            print(f"  evidence: {fig.evidence}", flush=True)
            for note in fig.notes:
                print(f"  note: {note}", flush=True)
    print()
    print(f"bench cluster, servers from {args.rev}, {os.cpu_count()} CPUs; one PostgreSQL; think "
          f"{args.think:.0f} s, a crisis every {args.crisis_every:.0f} s")
    print(table(figs))
    bad = any(f.lost or f.doubled or f.uncarded or f.unjoined or f.unanswered or f.notes for f in figs)
    return 1 if bad else 0
