"""`hotline bench kb`: index build time, single-query latency percentiles and queries per second.

Queries are the project's own evaluation sets (knowledge_base/eval/*.jsonl), cycled.
"""

from __future__ import annotations

# Imports sit inside functions on purpose: `hotline --help` imports this module (bot/cli/bench.py)
# without running it, so the engines load only when this benchmark runs.
import argparse
import json
import statistics
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

EVAL_DIR = Path(__file__).resolve().parents[2] / "knowledge_base" / "eval"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("kb", help="knowledge base: build time, query latency, throughput")
    p.add_argument("-n", "--queries", type=int, default=5000, help="queries to time (default 5000)")
    p.add_argument("--lexical", action="store_true",
                   help="BM25 only: no semantic index, scope model or long-question pass (for comparison)")
    p.set_defaults(handler=run)


def _percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    k = max(0, min(len(sorted_ms) - 1, round(q / 100 * len(sorted_ms) + 0.5) - 1))
    return sorted_ms[k]


def _questions() -> list[tuple[str, str]]:
    rows = []
    for f in sorted(EVAL_DIR.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                rows.append((r["question"], r.get("lang") or "zh"))
    return rows or [("睡不着怎么办", "zh"), ("I can't sleep", "en")]


def run(args: argparse.Namespace) -> int:
    """Print the figures (they are never asserted in tests)."""
    from knowledge_base import KnowledgeBase, load_directory
    from knowledge_base.loading import load_config, load_topics, read_entries
    from knowledge_base.text import warm_up

    t0, c0 = time.perf_counter(), time.process_time()
    loaded, _ = read_entries()
    topics, cfg, directory = load_topics(), load_config(), load_directory()
    if args.lexical:
        cfg = cfg.model_copy(update={"ask_weight": 0.0, "also_floor": 1.01,
                                     "semantic": cfg.semantic.model_copy(update={"enabled": False}),
                                     "scope": cfg.scope.model_copy(update={"enabled": False})})
    t1 = time.perf_counter()
    # demo: every entry indexed and served, as the editor's commands and a demo server do
    kb = KnowledgeBase([x.entry for x in loaded], topics, cfg, directory, demo=True)  # jieba beside it
    t2, c2 = time.perf_counter(), time.process_time()
    warm_up()  # waits for the background load of jieba's dictionary: Chinese questions need it
    t3 = time.perf_counter()
    semantic = kb.wait_semantic(timeout=120)  # built in the background; the server answers meanwhile
    t4, c4 = time.perf_counter(), time.process_time()
    print(f"entries {len(kb.entries)}")
    print(f"read + validate files   {1000 * (t1 - t0):8.1f} ms")
    print(f"index build             {1000 * (t2 - t1):8.1f} ms  (entry tokens from var/kb/ when cached)")
    print(f"total cold start        {1000 * (t2 - t0):8.1f} ms  wall, {1000 * (c2 - c0):8.1f} ms CPU "
          "(answering English lexically from here)")
    print(f"jieba dictionary ready  {1000 * (t3 - t0):8.1f} ms  (in the background; Chinese waits for it)")
    print(f"semantic index ready    {1000 * (t4 - t0):8.1f} ms  wall, {1000 * (c4 - c0):8.1f} ms CPU "
          f"(in the background; {'in use' if semantic else 'UNAVAILABLE: lexical only'})")
    qs = _questions()
    now = datetime(2026, 11, 30, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for q, lang in qs:  # warm caches (jieba's per-word cache, numpy) before timing
        kb.search(q, lang, now)
    times: list[float] = []
    cpu: list[float] = []
    start, cpu_start = time.perf_counter(), time.thread_time()
    for i in range(args.queries):
        q, lang = qs[i % len(qs)]
        a, ca = time.perf_counter(), time.thread_time()
        kb.search(q, lang, now)
        cpu.append((time.thread_time() - ca) * 1000)
        times.append((time.perf_counter() - a) * 1000)
    wall, cpu_total = time.perf_counter() - start, time.thread_time() - cpu_start
    # On a shared machine wall time includes waiting for a core; the thread's CPU time does not,
    # so it is what one query costs (and 1 / mean CPU is the rate one free core would sustain).
    for name, data in (("wall", times), ("CPU ", cpu)):
        data.sort()
        print(f"single query {name} p50 {_percentile(data, 50):.3f} ms  p95 {_percentile(data, 95):.3f} ms  "
              f"p99 {_percentile(data, 99):.3f} ms  mean {statistics.fmean(data):.3f} ms")
    print(f"throughput    {args.queries / wall:,.0f} queries/s wall, {args.queries / cpu_total:,.0f} per "
          f"CPU-second (one thread, {args.queries} queries)")
    return 0
