"""`hotline bench turn`: where one message's milliseconds go, on the database given.

Builds the real application (real triage and knowledge base, `build()` as `hotline serve` does)
in this process on a fresh SQLite file or --database-url, and sends N messages from M residents
through ConversationService.handle, one at a time, each followed by the outbox pass that
delivers its reply. The channel is the web chat's real sender (bot/web/web_channel.py, on a
socket that only records frames) or a Telegram sender that records without a network.
Instrumentation timers, not a sampler: each phase is timed where it happens (wall clock), so
the triage worker thread is counted too:

  triage        Screening.assess (queue + worker thread)
  context       Screening.in_context: the resident's lines before this one, read with it
  knowledge     KnowledgePort.answer / topic_answer
  sql in ...    every statement (SQLAlchemy cursor events) in the turn / in the outbox pass
  commits in .. UnitOfWork.commit (count and time: the flush's statements are in 'sql' too)
  encryption    Cipher.encrypt / decrypt (count and time)
  turn          ConversationService.handle, start to finish (includes triage, sql, encryption)
  outbox        the delivery pass after the turn (claim, send, mark sent; web: the state frame)

Phases nest (sql and encryption happen inside the turn and the outbox), so rows do not add up
to the total; 'turn + outbox' is one message's whole server-side cost. 'turn cpu' and 'outbox cpu'
are the process's CPU time (every thread) over the same spans: on a shared machine wall time
includes waiting for a core, CPU time does not.
"""

from __future__ import annotations

# Imports sit inside functions on purpose: `hotline --help` imports this module
# (bot/cli/bench.py) and must not load the engines.
import argparse
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.bench.latency_svg import percentile

QUESTIONS = ("I can't sleep at night, what can I do?", "我最近压力很大，晚上睡不着怎么办？",
             "How do I find a counselor near me?", "考试前很焦虑，有什么办法放松吗？",
             "My roommate and I keep arguing", "工作太累了，怎么调整？", "hello", "你好")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("turn", help="one message's path, phase by phase: triage, kb, sql, "
                                           "commits, encryption, outbox")
    p.add_argument("--messages", type=int, default=200)
    p.add_argument("--residents", type=int, default=20)
    p.add_argument("--channel", choices=("web", "telegram"), default="web")
    p.add_argument("--database-url", help="default: SQLite in a temp dir")
    p.set_defaults(handler=_run)


@dataclass
class Phases:
    ms: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    counts: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    current: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    scope: str = ""  # "turn" or "outbox" while one runs: statements are counted under it

    def add(self, name: str, seconds: float) -> None:
        self.current[name] += seconds * 1000
        self.counts[name] += 1

    def close_message(self) -> None:
        for name, value in self.current.items():
            self.ms[name].append(value)
        self.current.clear()


def _timed_sync(phases: Phases, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kw)
        finally:
            phases.add(name, time.perf_counter() - t0)
    return wrapper


def _timed_async(phases: Phases, name: str, fn: Callable[..., Any], scope: bool = False
                 ) -> Callable[..., Any]:
    async def wrapper(*args: Any, **kw: Any) -> Any:
        t0, c0 = time.perf_counter(), time.process_time()
        if scope:
            phases.scope = name
        try:
            return await fn(*args, **kw)
        finally:
            phases.add(name, time.perf_counter() - t0)
            if scope:  # CPU of the whole process (the triage thread too): honest on a loaded machine
                phases.add(f"{name} cpu", time.process_time() - c0)
                phases.scope = ""
    return wrapper


class RecordingSocket:
    """Stands in for a browser's WebSocket: keeps the frames, never blocks."""

    closed = False

    def __init__(self) -> None:
        self.frames: list[object] = []

    async def send_json(self, data: object) -> None:
        self.frames.append(data)


class NullTelegram:
    channel = "telegram"

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, message: Any) -> str | None:
        self.sent += 1
        return str(self.sent)


def _instrument(container: Any, phases: Phases) -> None:
    from sqlalchemy import event

    service = container.service
    service.screening.assess = _timed_async(phases, "triage", service.screening.assess)
    service.screening.in_context = _timed_async(phases, "context", service.screening.in_context)
    kb = service.resident.kb
    kb.answer = _timed_sync(phases, "knowledge", kb.answer)
    kb.topic_answer = _timed_sync(phases, "knowledge", kb.topic_answer)
    cipher = container.uow.cipher
    cipher.encrypt = _timed_sync(phases, "encryption", cipher.encrypt)
    cipher.decrypt = _timed_sync(phases, "encryption", cipher.decrypt)
    sync_engine = container.engine.sync_engine
    started: dict[int, float] = {}

    def _before(conn: Any, cursor: Any, *rest: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    def _after(conn: Any, cursor: Any, *rest: Any) -> None:
        t0 = started.pop(id(cursor), None)
        if t0 is not None:
            phases.add(f"sql in {phases.scope or 'other'}", time.perf_counter() - t0)

    event.listen(sync_engine, "before_cursor_execute", _before)
    event.listen(sync_engine, "after_cursor_execute", _after)

    from bot.storage.uow import UnitOfWork

    commit = UnitOfWork.commit

    async def timed_commit(uow: UnitOfWork) -> None:
        t0 = time.perf_counter()
        try:
            await commit(uow)
        finally:
            phases.add(f"commits in {phases.scope or 'other'}", time.perf_counter() - t0)

    UnitOfWork.commit = timed_commit  # type: ignore[method-assign,assignment]  # this process only: a bench


def _build(db_url: str, var_dir: str) -> Any:
    import secrets
    from pathlib import Path

    from bot.bootstrap import build
    from bot.crypto import new_key
    from config.settings import load_settings

    settings = load_settings(database_url=db_url, secret_key=new_key(), pseudonym_key=secrets.token_hex(16),
                             var_dir=Path(var_dir))
    return build(settings)


async def _loaded(container: Any, timeout_s: float = 300.0) -> None:
    """Wait until the knowledge base and the classifiers (loading in a background thread) are in:
    measured before, the first turns were answered by a half-loaded engine (knowledge calls per
    message 0.6 in one run, 0.9 in the next, and the statements per turn with them)."""
    import asyncio

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        parts: dict[str, str] = {}
        for source in container.readiness:
            parts.update(source())
        if "loading" not in parts.values():
            return
        await asyncio.sleep(0.2)


async def _measure(args: argparse.Namespace, db_url: str, var_dir: str) -> tuple[Phases, float, Any]:
    import random

    from bot.conversation.messages import Inbound
    from bot.storage.migrate import upgrade_async

    container = _build(db_url, var_dir)
    await upgrade_async(db_url)
    await _loaded(container)
    phases = Phases()
    sockets: list[RecordingSocket] = []
    if args.channel == "web":
        from bot.web.web_channel import WebChannel

        channel = WebChannel(container.uow)
        for r in range(args.residents):
            sockets.append(RecordingSocket())
            channel.attach(f"bench-{r}", sockets[-1])
        container.senders["web"] = channel
    else:
        container.senders["telegram"] = NullTelegram()
    _instrument(container, phases)
    handle = _timed_async(phases, "turn", container.service.handle, scope=True)

    async def deliver_and_mark() -> None:
        await container.dispatcher.deliver_due()
        await container.dispatcher.settle()  # a lone instance marks web rows off the pass: counted here

    deliver = _timed_async(phases, "outbox", deliver_and_mark, scope=True)
    rng = random.Random(7)
    warm = min(20, args.messages)
    t0 = 0.0
    for n in range(args.messages + warm):
        if n == warm:  # the first turns pay one-off costs (first queries, caches): not counted
            phases.ms.clear()
            phases.counts.clear()
            t0 = time.perf_counter()
        r = n % args.residents
        user = f"bench-{r}" if args.channel == "web" else str(500_000 + r)
        await handle(Inbound(channel=args.channel, chat_key=user, user_key=user,
                             # numbered: triage's memory of recent texts must not answer for it
                             text=f"{rng.choice(QUESTIONS)} {n}", update_key=f"{args.channel}:{user}:{n}"))
        await deliver()
        phases.close_message()
    wall = time.perf_counter() - t0
    await container.engine.dispose()
    container.service.screening.close()
    return phases, wall, container


def report(phases: Phases, wall: float, messages: int, db_name: str, channel: str, engines: str) -> str:
    order = ("turn", "turn cpu", "triage", "context", "knowledge", "sql in turn", "commits in turn",
             "encryption", "outbox", "outbox cpu", "sql in outbox", "commits in outbox")
    lines = [f"turn bench: {messages} messages, one at a time, {channel} channel, {db_name}, {engines}",
             f"  {messages / wall:.1f} messages/s end to end (one after another: 1 / cost per message)",
             f"  {'phase':<16}{'ms/msg mean':>12}{'p50':>8}{'p95':>8}{'calls/msg':>11}"]
    for name in order:
        values = phases.ms.get(name, [])
        calls = phases.counts.get(name, 0) / messages
        values = values + [0.0] * (messages - len(values))  # messages that never reached the phase
        lines.append(f"  {name:<16}{sum(values) / messages:>12.2f}{percentile(values, .5):>8.2f}"
                     f"{percentile(values, .95):>8.2f}{calls:>11.1f}")
    total = [a + b for a, b in zip(phases.ms.get("turn", []), phases.ms.get("outbox", []), strict=False)]
    cpu = [a + b for a, b in zip(phases.ms.get("turn cpu", []), phases.ms.get("outbox cpu", []),
                                 strict=False)]
    for label, values in (("turn + outbox", total), ("  of it cpu", cpu)):
        if values:
            lines.append(f"  {label:<16}{sum(values) / len(values):>12.2f}{percentile(values, .5):>8.2f}"
                         f"{percentile(values, .95):>8.2f}")
    lines.append("  (phases nest: sql and encryption run inside the turn and the outbox; 'cpu' is this"
                 " process's CPU time, all threads: it holds on a loaded machine, wall time does not)")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    import asyncio
    import os
    import tempfile

    from sqlalchemy.engine import make_url

    from bot.bench.web import load_line

    with tempfile.TemporaryDirectory() as tmp:
        db_url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        load = os.getloadavg()
        phases, wall, _ = asyncio.run(_measure(args, db_url, tmp))
    engines = "real triage and knowledge base"
    print(report(phases, wall, args.messages, make_url(db_url).get_backend_name(), args.channel, engines))
    print(load_line(load, os.getloadavg()))
    return 0
