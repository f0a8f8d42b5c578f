"""`hotline triage "text"` for a person, `hotline triage --jsonl` for scripts (the scorer)."""

from __future__ import annotations

# Imports sit inside the handlers on purpose: bot/cli/main.py imports every command module on each
# `hotline` call (`hotline --help`: 1.1 s), so only the command that runs loads the database or engines.
import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

BATCH = 256


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("triage", help="assess the risk in a message (level and reasons)")
    p.add_argument("text", nargs="?", help="the message; omit with --jsonl")
    p.add_argument("--lang", choices=("zh", "en"), default=None)
    p.add_argument("--jsonl", action="store_true",
                   help='read {"text": ..., "lang": ...} per line on stdin, print one JSON result per line')
    p.add_argument("--lexicon-only", action="store_true", help="skip the trained classifier")
    p.add_argument("--model-dir", type=Path, default=None, help="a trained model other than triage/model/")
    p.set_defaults(handler=run)


def _parse(line: str) -> tuple[str, str | None, str | None]:
    """(text, lang, problem); a line that is not a JSON object is assessed as plain text."""
    try:
        obj: Any = json.loads(line)
    except ValueError:
        return line.rstrip("\r\n"), None, "not JSON: assessed as plain text"
    if not isinstance(obj, dict):
        return "" if obj is None else str(obj), None, "not a JSON object"
    text = obj.get("text", obj.get("question", ""))
    lang = obj.get("lang") if obj.get("lang") in ("zh", "en") else None
    return ("" if text is None else str(text)), lang, None


def _flush(engine: Any, batch: list[tuple[str, str | None, str | None]], out: TextIO) -> None:
    results = engine.assess_batch([t for t, _, _ in batch], [lang for _, lang, _ in batch])
    for (_, _, problem), a in zip(batch, results, strict=True):
        row = a.to_dict()
        if problem:
            row["input_problem"] = problem
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()


def run_jsonl(engine: Any, src: TextIO, out: TextIO) -> int:
    """Exactly one output line per input line, in order, whatever the line holds."""
    batch: list[tuple[str, str | None, str | None]] = []
    for line in src:
        batch.append(_parse(line) if line.strip() else ("", None, "empty line"))
        if len(batch) >= BATCH:
            _flush(engine, batch, out)
            batch = []
    if batch:
        _flush(engine, batch, out)
    return 0


def run(args: argparse.Namespace) -> int:
    from triage import TriageError, lexicon_only_engine, load_engine
    from triage.classifier import MODEL_DIR

    try:
        engine = lexicon_only_engine() if args.lexicon_only else load_engine(args.model_dir or MODEL_DIR)
    except TriageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.jsonl:
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
        return run_jsonl(engine, sys.stdin, sys.stdout)
    if args.text is None:
        print('give a message: hotline triage "text" (or --jsonl to read JSON lines on stdin)',
              file=sys.stderr)
        return 2
    a = engine.assess(args.text, args.lang)
    who = ", about someone else" if a.third_person else ""
    print(f"level: {a.level}  (score {a.score:.2f}, {a.lang}{who})")
    for reason in a.reasons or ("no risk words or signals found",):
        print(f"  - {reason}")
    return 0
