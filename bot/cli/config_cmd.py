"""`hotline config check`: validate the settings and every YAML file in the config folder."""

from __future__ import annotations

# Imports sit inside the handlers on purpose: bot/cli/main.py imports every command module on each
# `hotline` call (`hotline --help`: 1.1 s), so only the command that runs loads the database or engines.
import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("config", help="configuration")
    sub = p.add_subparsers(dest="config_command", required=True)
    check = sub.add_parser("check", help="validate settings and config/*.yaml")
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    from config.registry import check_all
    from config.settings import load_settings

    settings = load_settings()
    for name in check_all(settings.config_dir):
        print(f"ok  {settings.config_dir / name}")
    return 0
