"""`hotline keys new|rotate`: a fresh encryption key; re-encrypt stored text with the newest key."""

from __future__ import annotations

# Imports sit inside the handlers on purpose: bot/cli/main.py imports every command module on each
# `hotline` call (`hotline --help`: 1.1 s), so only the command that runs loads the database or engines.
import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("keys", help="encryption keys")
    sub = p.add_subparsers(dest="keys_command", required=True)
    new = sub.add_parser("new", help="print a new Fernet key")
    new.set_defaults(handler=_new)
    rotate = sub.add_parser(
        "rotate",
        help="re-encrypt every message and outbox payload with the first key in HOTLINE_SECRET_KEY",
        description="Put the new key first in HOTLINE_SECRET_KEY and the old keys after it, restart "
        "the server, then run this while it keeps serving. Safe to interrupt and run again. When "
        "`--check` reports nothing left, remove the old keys.",
    )
    rotate.add_argument("--batch-size", type=int, default=500, help="rows per transaction (500)")
    rotate.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 while any row still needs an old key")
    rotate.set_defaults(handler=_rotate)


def _new(args: argparse.Namespace) -> int:
    from bot.crypto import new_key

    print(new_key())
    return 0


def _rotate(args: argparse.Namespace) -> int:
    import asyncio

    from rich.console import Console

    from bot.bootstrap import resolve_keys
    from bot.privacy import PrivacyError
    from bot.privacy.rotation import rotate_all
    from bot.storage.engine import create_engine, session_factory
    from config.settings import load_settings

    console = Console(stderr=True)
    settings = load_settings()
    keys, _ = resolve_keys(settings)
    seen: dict[str, int] = {}

    def progress(label: str, n: int) -> None:
        seen[label] = seen.get(label, 0) + n
        console.print(f"{label}: {seen[label]} rows looked at", end="\r")

    async def run() -> int:
        engine = create_engine(settings.database_url)
        try:
            report = await rotate_all(session_factory(engine), keys, args.batch_size,
                                      write=not args.check, progress=progress)
        finally:
            await engine.dispose()
        verb = "need rotation" if args.check else "re-encrypted"
        for label in ("messages", "outbox"):
            print(f"{label}: {report.rotated.get(label, 0)} {verb}, "
                  f"{report.already_new.get(label, 0)} already under the newest key")
        if not report.done:
            for label, ids in report.unreadable.items():
                print(f"{label}: {len(ids)} rows no configured key can read (first ids {ids[:5]}); "
                      "add the key they were written with after the new one and run again")
            return 1
        left = sum(report.rotated.values()) if args.check else 0
        if left:
            print(f"{left} rows still need an old key: run `hotline keys rotate`")
            return 1
        print("every row reads with the newest key alone: you may remove the old keys")
        return 0

    try:
        return asyncio.run(run())
    except PrivacyError as exc:
        print(str(exc))
        return 2
