"""`hotline bench triage`: throughput, latency, start-up and peak RSS, full engine and lexicon-only.

Each engine runs in its own child process so start-up and peak memory are its own.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from typing import Any

SAMPLES = (
    "你好，请问周末开门吗", "最近压力好大，睡不着", "我真的不想活了，太痛苦了", "笑死我了哈哈哈",
    "我已经准备好绳子了", "怎么缓解焦虑？", "孩子不爱写作业怎么办", "我觉得人生没有希望",
    "Hello, is anyone there?", "I want to die", "this exam is killing me", "How can I sleep better?",
    "I feel empty all the time and I can't stop crying, nothing helps anymore",
    "我男朋友又打我了，我不敢回家", "想紫砂", "my friend says she wants to kill herself",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("triage", help="triage engine: msg/s, latency, start-up, RSS")
    p.add_argument("--messages", type=int, default=3000, help="messages for the batched run")
    p.add_argument("--single", type=int, default=400, help="messages timed one at a time")
    p.set_defaults(handler=run)


def measure(kind: str, messages: int, single: int) -> dict[str, Any]:
    """Runs inside the child: build the engine, time it, report peak RSS."""
    import resource

    t0 = time.perf_counter()
    import triage

    engine = triage.lexicon_only_engine() if kind == "lexicon" else triage.load_engine()
    startup = time.perf_counter() - t0
    texts = [SAMPLES[i % len(SAMPLES)] + ("" if i < len(SAMPLES) else f" {i}") for i in range(messages)]
    engine.assess_batch(texts[:64])  # warm-up
    t1 = time.perf_counter()
    for s in range(0, len(texts), 256):
        engine.assess_batch(texts[s:s + 256])
    rate = len(texts) / (time.perf_counter() - t1)
    lat = []
    for text in texts[:single]:
        t = time.perf_counter()
        engine.assess(text)
        lat.append((time.perf_counter() - t) * 1000)
    q = statistics.quantiles(lat, n=100)
    return {"engine": kind, "startup_s": startup, "msg_per_s": rate, "p50_ms": q[49], "p95_ms": q[94],
            "p99_ms": q[98], "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "classifier": engine.classifier is not None}


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    rows = []
    with console.status("timing") as status:
        for kind in ("full", "lexicon"):
            status.update(f"timing the {kind} engine ({args.messages} batched, {args.single} single)")
            code = (f"import json,sys; from bot.bench.triage import measure; "
                    f"print(json.dumps(measure({kind!r}, {args.messages}, {args.single})))")
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                console.print(f"[red]{kind} engine failed: {done.stderr.strip()[-500:]}")
                return 1
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    table = Table(title="hotline bench triage")
    for col in ("engine", "msg/s batched", "p50 ms", "p95 ms", "p99 ms", "start-up s", "peak RSS MB"):
        table.add_column(col, justify="right")
    for r in rows:
        name = r["engine"] + ("" if r["classifier"] or r["engine"] == "lexicon" else " (no model!)")
        table.add_row(name, f"{r['msg_per_s']:.0f}", f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}",
                      f"{r['p99_ms']:.1f}", f"{r['startup_s']:.2f}", f"{r['peak_rss_mb']:.0f}")
    console.print(table)
    return 0
