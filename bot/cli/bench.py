"""`hotline bench <area>`: benchmarks that print figures (never asserted in timed tests).

Each module `bot/bench/<area>.py` that defines `register(subparsers)` adds one area. They are
imported only when a bench runs: the chaos bench alone pulls in the fault-injection rig, and
importing every bench cost about 1.8 s of CPU at each `hotline serve` start (issue 13).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil

AREAS = "triage, kb, rota, handoff, turn, web, flood, startup, chaos, cluster"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("bench", help=f"benchmarks: {AREAS}", add_help=False)
    p.add_argument("bench_args", nargs=argparse.REMAINDER)
    p.set_defaults(handler=_run)


def bench_parser() -> argparse.ArgumentParser:
    """The parser of every bench area (imports each bench module)."""
    import bot.bench as bench_pkg

    parser = argparse.ArgumentParser(prog="hotline bench", description=f"Benchmarks: {AREAS}.")
    sub = parser.add_subparsers(dest="bench_area", required=True)
    for info in sorted(pkgutil.iter_modules(bench_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bot.bench.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def run_bench(argv: list[str]) -> int:
    """`hotline bench ARGS` (bot/cli/main.py hands these over before its own parser runs, so
    `hotline bench --help` and every area's options reach this parser)."""
    chosen = bench_parser().parse_args(argv)
    return int(chosen.handler(chosen) or 0)


def _run(args: argparse.Namespace) -> int:
    return run_bench(args.bench_args)
