"""`hotline purge [--dry-run]`: apply config/retention.yaml now; with --dry-run only show what would go."""

from __future__ import annotations

# Imports sit inside the handlers on purpose: bot/cli/main.py imports every command module on each
# `hotline` call (`hotline --help`: 1.1 s), so only the command that runs loads the database or engines.
import argparse

# Which retention setting decides each kind (conversations and residents go with their text).
KEPT_BY = {"messages": "message_text", "outbox": "outbox_sent", "handoffs": "handoff_records",
           "case_notes": "message_text", "handoff_reasons": "message_text", "risk_memory": "message_text",
           "conversations": "message_text", "residents": "message_text",
           "processed_updates": "processed_updates", "audit_entries": "audit_trail"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("purge", help="delete data older than its retention (config/retention.yaml)")
    p.add_argument("--dry-run", action="store_true", help="count per kind what would go; delete nothing")
    p.set_defaults(handler=_purge)


def _purge(args: argparse.Namespace) -> int:
    import asyncio

    from rich.console import Console
    from rich.table import Table

    from bot.bootstrap import resolve_keys
    from bot.clock import SystemClock
    from bot.crypto import Cipher
    from bot.privacy.retention import count_due, cutoffs, run_retention
    from bot.storage.engine import create_engine, session_factory
    from bot.storage.uow import UnitOfWorkFactory
    from config.retention import load_retention
    from config.settings import load_settings

    settings = load_settings()
    config = load_retention(settings.config_dir)
    clock = SystemClock()

    async def run() -> dict[str, int]:
        engine = create_engine(settings.database_url)
        uow = UnitOfWorkFactory(session_factory(engine), Cipher(resolve_keys(settings)[0]))
        try:
            if args.dry_run:
                async with uow() as u:
                    return await count_due(u.session, cutoffs(config, clock.now()))
            return await run_retention(uow, clock, config)
        finally:
            await engine.dispose()

    counts = asyncio.run(run())
    table = Table(title="would be deleted (dry run)" if args.dry_run else "deleted")
    table.add_column("kind")
    table.add_column("kept for (days)", justify="right")
    table.add_column("rows", justify="right")
    for kind, n in counts.items():
        table.add_row(kind, str(getattr(config, KEPT_BY[kind])), str(n))
    Console().print(table)
    return 0
