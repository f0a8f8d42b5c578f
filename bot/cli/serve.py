"""`hotline serve [--demo]`: the web faces, the outbox, and Telegram when a token is set."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("serve", help="run the service (web, Telegram when a token is set)")
    p.add_argument("--demo", action="store_true", help="demo keys under ./var and demo data")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    import asyncio

    from bot.bootstrap import build
    from bot.logging_setup import setup_logging
    from bot.server import serve_forever
    from config.registry import check_all
    from config.settings import load_settings

    overrides: dict[str, object] = {"demo": True} if args.demo else {}
    settings = load_settings(**overrides)
    check_all(settings.config_dir)  # a bad file stops us here with exit 2, before anything runs
    setup_logging(settings.log_level)
    # The classifiers and the knowledge base load after the port opens; until then the lexicon and
    # rules screen every message and /healthz says what is still loading (bot/adapters/background.py).
    container = build(settings, background=True)
    asyncio.run(serve_forever(container, args.host or settings.host, args.port or settings.port))
    return 0
