"""`hotline config check`: validate the settings and every YAML file in the config folder."""

from __future__ import annotations

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
