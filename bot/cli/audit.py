"""`hotline audit verify`: walk the hash chain of the audit log and name the first broken row."""

from __future__ import annotations

# Imports sit inside the handlers on purpose: bot/cli/main.py imports every command module on each
# `hotline` call (`hotline --help`: 1.1 s), so only the command that runs loads the database or engines.
import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("audit", help="the audit trail of staff actions")
    sub = p.add_subparsers(dest="audit_command", required=True)
    verify = sub.add_parser("verify", help="check the hash chain; exit 1 naming the first edited, "
                            "deleted or reordered row")
    verify.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace) -> int:
    import asyncio

    from sqlalchemy import select

    from bot.privacy.audit import verify_chain
    from bot.storage.engine import create_engine, session_factory
    from bot.storage.models import AuditEntry
    from config.settings import load_settings

    settings = load_settings()

    async def run() -> int:
        engine = create_engine(settings.database_url)
        try:
            async with session_factory(engine)() as session:
                rows = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        finally:
            await engine.dispose()
        result = verify_chain(rows)
        print(result.describe())
        return 0 if result.ok else 1

    return asyncio.run(run())
