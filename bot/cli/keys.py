"""`hotline keys new`: print a fresh encryption key for HOTLINE_SECRET_KEY."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("keys", help="encryption keys")
    sub = p.add_subparsers(dest="keys_command", required=True)
    new = sub.add_parser("new", help="print a new Fernet key")
    new.set_defaults(handler=_new)


def _new(args: argparse.Namespace) -> int:
    from bot.crypto import new_key

    print(new_key())
    return 0
