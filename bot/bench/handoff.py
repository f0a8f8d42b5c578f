"""`hotline bench handoff`: time from a crisis message to the counselor's card, end to end.

Real server, real python-telegram-bot, the real engines, SQLite or PostgreSQL; Telegram is the
fake Bot API on localhost. Each sample: a new resident writes a crisis message; the clock stops
when the fake Bot API receives the card for the on-duty counselor.
"""

from __future__ import annotations

# Imports sit inside functions on purpose: the server runs in a child process that imports what it
# needs itself, and `hotline --help` imports this module (bot/cli/bench.py) without running it.
import argparse
import asyncio
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot.conversation.callbacks import Head

if TYPE_CHECKING:
    from bot.devtools.fake_telegram import FakeTelegram
    from bot.server import Server


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("handoff", help="crisis message -> counselor card latency")
    p.add_argument("--samples", type=int, default=50)
    p.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    return asyncio.run(_bench(args.samples, args.database_url))


async def _bench(samples: int, db_url: str | None) -> int:
    from bot.bootstrap import build
    from bot.crypto import new_key
    from bot.devtools.fake_telegram import FakeTelegram
    from bot.server import Server
    from config.settings import load_settings

    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    fake = FakeTelegram()
    await fake.start()
    settings = load_settings(database_url=db_url or f"sqlite+aiosqlite:///{tmp}/bench.db",
                             telegram_token=fake.token, telegram_base_url=fake.base_url,
                             secret_key=new_key(), pseudonym_key="bench", var_dir=tmp)
    server = Server(build(settings))
    await server.start("127.0.0.1", 0)
    await seed_on_duty(server)
    on_duty = await server.container.rota.on_duty(server.container.clock.now())
    counselor_chats = await telegram_ids(server, on_duty)
    print(f"on duty now: {len(on_duty)} counselor(s); {samples} samples")
    latencies = []
    try:
        for i in range(samples):
            before = len(cards(fake, counselor_chats))
            t0 = time.perf_counter()
            await fake.push_text(800000 + i, "我不想活了，今晚就吃药结束自己")
            await fake.wait_for(partial(more_cards, fake, counselor_chats, before), timeout=30)
            latencies.append((time.perf_counter() - t0) * 1000)
    finally:
        await server.stop()
        await fake.stop()
    q = statistics.quantiles(latencies, n=100)
    print(f"crisis message -> counselor card: p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, "
          f"max {max(latencies):.0f} ms over {len(latencies)} samples")
    return 0


def cards(fake: FakeTelegram, chats: set[int]) -> list[object]:
    """Handoff cards (messages with an Accept button) the fake Bot API has been asked to send."""
    accept = f"{Head.ACCEPT}:"
    return [c for c in fake.calls if c.method == "sendMessage"
            and int(c.params.get("chat_id", 0)) in chats and accept in str(c.params.get("reply_markup"))]


def more_cards(fake: FakeTelegram, chats: set[int], before: int) -> bool:
    return len(cards(fake, chats)) > before


async def seed_on_duty(server: Server) -> None:
    """The demo rota puts someone on duty at every hour; give each demo counselor a Telegram id."""
    from bot.demo import seed
    from bot.services.rota import RotaService

    container = server.container
    await seed(container)
    if isinstance(container.rota, RotaService):
        container.rota.invalidate()
    async with container.uow() as uow:
        for i, c in enumerate(await uow.counselors.all()):
            c.telegram_id = c.telegram_id or 900000 + i
        await uow.commit()


async def telegram_ids(server: Server, ids: list[str]) -> set[int]:
    container = server.container
    async with container.uow() as uow:
        found = [await uow.counselors.get(i) for i in ids]
    return {c.telegram_id for c in found if c is not None and c.telegram_id}
