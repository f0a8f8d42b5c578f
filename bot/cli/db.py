"""`hotline db upgrade|downgrade|current`."""

from __future__ import annotations

# Imports sit inside the handlers on purpose: bot/cli/main.py imports every command module on each
# `hotline` call (`hotline --help`: 1.1 s), so only the command that runs loads the database or engines.
import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = subparsers.add_parser("db", help="database migrations (Alembic)")
    sub = db.add_subparsers(dest="db_command", required=True)
    up = sub.add_parser("upgrade", help="migrate to a revision (default: head)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=_upgrade)
    down = sub.add_parser("downgrade", help="migrate down to a revision ('base' empties the database)")
    down.add_argument("revision")
    down.set_defaults(handler=_downgrade)


def _url() -> str:
    from config.settings import load_settings

    return load_settings().database_url


def _upgrade(args: argparse.Namespace) -> int:
    from bot.storage import migrate

    migrate.upgrade(_url(), args.revision)
    print(f"database at {args.revision}")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    from bot.storage import migrate

    migrate.downgrade(_url(), args.revision)
    print(f"database at {args.revision}")
    return 0
