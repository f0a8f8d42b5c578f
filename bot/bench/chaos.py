"""`hotline bench chaos`: faults injected into one real `hotline serve` process, one table.

Each scenario (bot/devtools/chaos_scenarios.py) starts the server from a snapshot of the committed
tree with the fake Bot API, injects its fault from outside and counts what the database says was
sent against what the fake received:

    fault | how injected | messages in flight | lost | doubled | seconds to recover

"In flight": resident lines pushed but not yet stored plus outbox rows not yet sent when the fault
hit. "Recover": from the fault's end (the restart, the database back) until every deferred line is
stored and answered and the outbox is empty; for the Bot API storm, from the storm's end. The
PostgreSQL case runs a private cluster and the disk case a tmpfs: both need root.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from bot.devtools import chaos_disk, chaos_pg
from bot.devtools import chaos_scenarios as scenarios
from bot.devtools.chaos_instance import snapshot
from bot.devtools.chaos_kill_taken import kill_with_updates_taken
from bot.devtools.chaos_scenarios import Row

Scenario = Callable[[Path, Path], Coroutine[Any, Any, Row]]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("chaos", help="kill -9, database down, disk full, Bot API storms on one "
                                            "instance: messages lost, doubled, time to recover")
    p.add_argument("--minutes", type=float, default=1.0,
                   help="length of the Bot API storm (default 1; the issue's long run is 10)")
    p.add_argument("--only", action="append", choices=sorted([*SCENARIOS, "storm"]),
                   help="run only these scenarios (repeatable); default: all")
    p.add_argument("--rev", default="HEAD", help="git revision the server runs from (default HEAD)")
    p.add_argument("--checkout", type=Path, default=None,
                   help="a prepared tree the server runs from instead of --rev (a change not committed "
                        "yet; say so beside the figures)")
    p.set_defaults(handler=run)


async def _kill_sqlite(root: Path, checkout: Path) -> Row:
    return await scenarios.kill_at_every_handoff_state(root, f"sqlite+aiosqlite:///{root}/k.db", checkout,
                                                       "SQLite")


async def _with_cluster(root: Path, checkout: Path, make: Callable[[Path, str, Path, str], Awaitable[Row]]
                        ) -> Row:
    cluster = chaos_pg.PrivateCluster()
    try:
        cluster.start()
        return await make(root, cluster.create_db("chaos"), checkout, "PostgreSQL")
    finally:
        cluster.destroy()


async def _kill_pg(root: Path, checkout: Path) -> Row:
    return await _with_cluster(root, checkout, scenarios.kill_at_every_handoff_state)


async def _kill_taken(root: Path, checkout: Path) -> Row:
    return await kill_with_updates_taken(root, f"sqlite+aiosqlite:///{root}/t.db", checkout, "SQLite")


async def _in_flight(root: Path, checkout: Path) -> Row:
    return await scenarios.send_in_flight(root, f"sqlite+aiosqlite:///{root}/f.db", checkout, "SQLite")


SCENARIOS: dict[str, tuple[Scenario, Callable[[], str | None]]] = {
    "kill-sqlite": (_kill_sqlite, lambda: None),
    "kill-postgres": (_kill_pg, chaos_pg.available),
    "kill-mid-send": (_in_flight, lambda: None),
    "kill-taken": (_kill_taken, lambda: None),
    "postgres-down": (scenarios.postgres_restarted, chaos_pg.available),
    "disk-full": (scenarios.sqlite_disk_full, chaos_disk.available),
    "kill-deferred": (scenarios.kill_while_deferred, chaos_pg.available),
    "flood-429": (scenarios.flood_control_run, lambda: None),
}


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_table(rows: list[Row]) -> None:
    head = ("fault", "how injected", "in flight", "lost", "doubled", "recover s")
    cells = [(r.fault, r.how, str(r.in_flight), str(r.lost), str(r.doubled), _cell(r.recover_s))
             for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(head)]
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for c in cells:
        print(" | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)))


def run(args: argparse.Namespace) -> int:
    """Print the table (figures are never asserted in tests; tests/chaos asserts the counts)."""
    chosen = args.only or [*SCENARIOS, "storm"]
    load = os.getloadavg()[0]
    source = str(args.checkout) if args.checkout else args.rev
    print(f"one instance, server from {source}, {os.cpu_count()} CPUs, load average {load:.1f} at start",
          flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="hotline-bench-chaos-") as tmp:
        checkout = args.checkout or snapshot(Path(tmp) / "checkout", args.rev)
        for name in chosen:
            root = Path(tmp) / name
            root.mkdir()
            if name == "storm":
                row = asyncio.run(scenarios.api_storm(root, checkout, args.minutes * 60))
            else:
                scenario, why_not = SCENARIOS[name]
                if (why := why_not()) is not None:
                    print(f"{name}: skipped ({why})", flush=True)
                    continue
                try:
                    row = asyncio.run(scenario(root, checkout))
                except Exception as exc:  # one scenario's failure is a row, not the end of the table
                    row = Row(name, "failed", notes=[f"{exc.__class__.__name__}: {exc}"])
            rows.append(row)
            print(f"{name}: {row.evidence}", flush=True)
    print()
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print_table(rows)
    for r in rows:
        for note in r.notes:
            print(f"note, {r.fault}: {note}")
    return 0 if all(r.lost == 0 and not r.notes for r in rows) else 1
