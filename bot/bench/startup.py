"""`hotline bench startup`: how long `hotline serve --demo` takes to serve, to answer from the
knowledge base and to run the full triage engine.

Each run starts a real server process on a free port with its own temp var dir and SQLite file,
polls /healthz (every 50 ms until it answers, then every 250 ms) and notes when /healthz first
answers 200 (messages are screened from
then on), when the knowledge base is ready and when both classifiers are settled (ready or failed).
Beside wall-clock seconds it prints the CPU seconds the server had used by then: on a shared
machine the wall clock also counts other people's work, the CPU time only ours.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

POLL_S = 0.05  # until the first 200: that figure is the one with a 3 s target
# Afterwards every poll costs the server a database round trip while it loads: 4 a second keeps
# the bench from slowing what it measures (figures to +-0.25 s).
POLL_LOADING_S = 0.25
MILESTONES = ("healthz 200", "knowledge base ready", "full engine ready")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("startup", help="seconds from `serve --demo` start to /healthz 200 and "
                                              "to each part ready")
    p.add_argument("--runs", type=int, default=3, help="server starts to time (default 3)")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="give up on a run after this many seconds (default 120)")
    p.add_argument("--checkout", type=Path, default=Path.cwd(),
                   help="serve from this source tree (to compare with an older commit: "
                        "git archive REV | tar -x -C DIR); default: the current directory")
    p.set_defaults(handler=run)


@dataclass
class Run:
    """Seconds since the process started (wall) and CPU seconds it had used, per milestone."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    first: dict[str, str] = field(default_factory=dict)  # the first /healthz body with 200
    last: dict[str, str] = field(default_factory=dict)  # the last /healthz body seen
    stop_s: float | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def healthz(port: int) -> tuple[int, dict[str, str]] | None:
    """Status and body of /healthz, or None while nothing listens."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except (OSError, ValueError):
        return None


def reached(status: int, body: dict[str, str]) -> list[str]:
    """The milestones this /healthz answer shows. A server that does not report a part (the
    versions before background loading) loaded it before opening its port."""
    if status != 200:
        return []
    settled = ("ready", "failed", None)
    out = ["healthz 200"]
    if body.get("knowledge_base") in settled:
        out.append("knowledge base ready")
    if all(body.get(f"classifier_{lang}") in settled for lang in ("zh", "en")):
        out.append("full engine ready")
    return out


def server_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(HOTLINE_VAR_DIR=str(var_dir), HOTLINE_DATABASE_URL=f"sqlite+aiosqlite:///{var_dir}/bench.db",
               HOTLINE_LOG_LEVEL="WARNING")
    return env


def one_run(timeout: float, checkout: Path | None = None) -> Run:
    """Start `hotline serve --demo`, poll /healthz until every milestone is reached, stop it."""
    result = Run()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="hotline-bench-startup-") as tmp:
        var_dir = Path(tmp)
        log = var_dir / "server.log"  # a file, not a pipe: a full pipe would stall the server
        started = time.monotonic()
        with log.open("wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "bot.cli.main", "serve", "--demo", "--host",
                                     "127.0.0.1", "--port", str(port)], env=server_env(var_dir),
                                    cwd=checkout, stdout=subprocess.DEVNULL, stderr=out)
        try:
            while len(result.wall) < len(MILESTONES) and time.monotonic() - started < timeout:
                if proc.poll() is not None:
                    tail = log.read_text(encoding="utf-8", errors="replace")[-500:]
                    raise RuntimeError(f"server exited with {proc.returncode}: {tail}")
                answer = healthz(port)
                now, cpu = time.monotonic() - started, cpu_seconds(proc.pid)
                if answer is not None:
                    result.last = answer[1]
                    if answer[0] == 200 and not result.first:
                        result.first = answer[1]
                    for name in reached(*answer):
                        if name not in result.wall:
                            result.wall[name] = now
                            if cpu is not None:
                                result.cpu[name] = cpu
                time.sleep(POLL_LOADING_S if result.first else POLL_S)
        finally:
            stopping = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
                result.stop_s = time.monotonic() - stopping
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return result


def _cell(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f}" if values else "     -"


def run(args: argparse.Namespace) -> int:
    """Print the figures (they are never asserted in tests)."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"hotline serve --demo from {args.checkout}, {args.runs} run(s), {os.cpu_count()} CPUs, "
          f"load average {load:.1f} at start")
    runs: list[Run] = []
    for i in range(args.runs):
        r = one_run(args.timeout, args.checkout)
        runs.append(r)
        cells = "  ".join(f"{name} {r.wall[name]:5.2f} s" if name in r.wall else f"{name} -"
                          for name in MILESTONES)
        print(f"run {i + 1}: {cells}  (stopped in {r.stop_s or float('nan'):.2f} s)", flush=True)
        missing = [name for name in MILESTONES if name not in r.wall]
        if missing:
            print(f"  not reached within {args.timeout:.0f} s: {', '.join(missing)}; last /healthz: {r.last}")
    print(f"\n{'seconds from process start (median)':38s} {'wall':>6s} {'cpu':>6s}")
    for name in MILESTONES:
        wall = [r.wall[name] for r in runs if name in r.wall]
        cpu = [r.cpu[name] for r in runs if name in r.cpu]
        print(f"  {name:36s} {_cell(wall)} {_cell(cpu)}")
    print(f"parts at the first 200: {runs[-1].first}")
    print(f"parts at the end:       {runs[-1].last}")
    return 0 if all(len(r.wall) == len(MILESTONES) for r in runs) else 1
