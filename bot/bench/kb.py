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
                   help="BM25 only: no semantic index and no long-question pass (for comparison)")
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

    t0 = time.perf_counter()
    loaded, _ = read_entries()
    topics, cfg, directory = load_topics(), load_config(), load_directory()
    if args.lexical:
        cfg = cfg.model_copy(update={"ask_weight": 0.0, "also_floor": 1.01,
                                     "semantic": cfg.semantic.model_copy(update={"enabled": False})})
    t1 = time.perf_counter()
    kb = KnowledgeBase([x.entry for x in loaded], topics, cfg, directory)  # jieba loads beside it
    t2 = time.perf_counter()
    warm_up()  # waits for the background load of jieba's dictionary: Chinese questions need it
    t3 = time.perf_counter()
    semantic = kb.wait_semantic(timeout=120)  # built in the background; the server answers meanwhile
    t4 = time.perf_counter()
    print(f"entries {len(kb.entries)}")
    print(f"read + validate files   {1000 * (t1 - t0):8.1f} ms")
    print(f"index build             {1000 * (t2 - t1):8.1f} ms  (entry tokens from var/kb/ when cached)")
    print(f"total cold start        {1000 * (t2 - t0):8.1f} ms  (answering English lexically from here)")
    print(f"jieba dictionary ready  {1000 * (t3 - t0):8.1f} ms  (in the background; Chinese waits for it)")
    print(f"semantic index ready    {1000 * (t4 - t0):8.1f} ms  (in the background; "
          f"{'in use' if semantic else 'UNAVAILABLE: lexical only'})")
    qs = _questions()
    now = datetime(2026, 11, 30, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for q, lang in qs:  # warm caches (jieba's per-word cache, numpy) before timing
        kb.search(q, lang, now)
    times: list[float] = []
    start = time.perf_counter()
    for i in range(args.queries):
        q, lang = qs[i % len(qs)]
        a = time.perf_counter()
        kb.search(q, lang, now)
        times.append((time.perf_counter() - a) * 1000)
    wall = time.perf_counter() - start
    times.sort()
    print(f"single query  p50 {_percentile(times, 50):.3f} ms  p95 {_percentile(times, 95):.3f} ms  "
          f"p99 {_percentile(times, 99):.3f} ms  mean {statistics.fmean(times):.3f} ms")
    print(f"throughput    {args.queries / wall:,.0f} queries/s (one thread, {args.queries} queries)")
    return 0
