"""`hotline bench <area>`: benchmarks that print figures (never asserted in timed tests).

Each module `bot/bench/<area>.py` that defines `register(subparsers)` adds one area.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("bench", help="benchmarks: triage, kb, rota, handoff, web, flood, startup, "
                                            "chaos")
    sub = p.add_subparsers(dest="bench_area", required=True)
    import bot.bench as bench_pkg

    for info in sorted(pkgutil.iter_modules(bench_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bot.bench.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
