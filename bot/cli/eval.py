"""`hotline eval triage PATH...`: every labelled set in one table, three engines side by side.

Full engine (lexicon, rules, classifiers), lexicon and rules only, and a naive keyword list; for
each: crisis recall, concern, false urgent and medium-or-above on benign rows (triage/evaluation.py
says which formats it reads). Evaluation sets are passed here as paths; nothing is trained on them.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("eval", help="evaluate an area on labelled sets (one table)")
    sub = p.add_subparsers(dest="eval_area", required=True)
    t = sub.add_parser("triage", help="crisis recall, concern, false urgent, medium on benign")
    t.add_argument("paths", nargs="+", type=Path,
                   help="labelled sets (.jsonl, PsySUICIDE .json, C-SSRS .csv)")
    t.add_argument("--real", action="store_true", help="PsySUICIDE: drop the LLM-written rows")
    t.add_argument("--model-dir", type=Path, default=None, help="a trained model other than triage/model/")
    t.add_argument("--engines", default="full,lexicon,keywords",
                   help="comma-separated: full, lexicon, keywords")
    t.set_defaults(handler=run_triage)


def _cell(value: float, n: int) -> str:
    return "-" if n == 0 or math.isnan(value) else f"{value:.3f}"


def run_triage(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from triage import TriageError, lexicon_only_engine, load_engine
    from triage.classifier import MODEL_DIR
    from triage.evaluation import LevelsOf, keyword_levels, load_set, score
    from triage.levels import rank

    wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(wanted) - {"full", "lexicon", "keywords"}
    if unknown or not wanted:
        print(f"unknown engine(s): {', '.join(sorted(unknown)) or 'none given'}", file=sys.stderr)
        return 2
    try:
        sets = [load_set(p, args.real) for p in args.paths]
        engines: dict[str, LevelsOf] = {}
        for name in wanted:
            if name == "keywords":
                engines[name] = keyword_levels
                continue
            engine = load_engine(args.model_dir or MODEL_DIR) if name == "full" else lexicon_only_engine()

            def levels(texts: list[str], langs: list[str | None], engine: object = engine) -> list[int]:
                assess = engine.assess_batch  # type: ignore[attr-defined]
                return [rank(a.level) for s in range(0, len(texts), 256)
                        for a in assess(texts[s:s + 256], langs[s:s + 256])]

            engines[name] = levels
    except TriageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    table = Table(title="hotline eval triage")
    for col in ("set", "engine", "crisis recall (n)", "concern (n)", "false urgent", "medium+ on benign (n)"):
        table.add_column(col, justify="left" if col in ("set", "engine") else "right")
    for data in sets:
        for name, levels_of in engines.items():
            f = score(data, levels_of)
            table.add_row(data.name, name, f"{_cell(f.crisis_recall, f.crisis_n)} ({f.crisis_n})",
                          f"{_cell(f.concern, f.concern_n)} ({f.concern_n})",
                          _cell(f.false_urgent, f.benign_n),
                          f"{_cell(f.medium_on_benign, f.benign_n)} ({f.benign_n})")
        table.add_section()
    Console(width=140).print(table)
    return 0
