"""`hotline train triage`: train the triage classifier from the data the project may use."""

from __future__ import annotations

# Imports sit inside the handlers on purpose: bot/cli/main.py imports every command module on each
# `hotline` call (`hotline --help`: 1.1 s), so only the command that runs loads the database or engines.
import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from triage.training.data import PSYSUICIDE_VALID as DEFAULT_PSYSUICIDE  # data/psysuicide/, in the repo


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("train", help="train a model (triage)")
    sub = p.add_subparsers(dest="train_what", required=True)
    t = sub.add_parser("triage", help="train the triage classifier (minutes on 2 CPU cores)")
    t.add_argument("--psysuicide", type=Path, default=DEFAULT_PSYSUICIDE,
                   help="PsySUICIDE valid.json (test.json is an exam and is refused)")
    t.add_argument("--extra", type=Path, action="append", default=[],
                   help='more examples, JSONL {"text": ..., "label": none|low|medium|crisis}')
    t.add_argument("--out", type=Path, default=None, help="where to write the model (default triage/model/)")
    t.add_argument("--epochs", type=int, default=None)
    t.add_argument("--seed", type=int, default=None)
    t.add_argument("--folds", type=int, default=5,
                   help="cross-validation folds for the thresholds (1: no cross-validation)")
    t.add_argument("--max-false", type=float, default=0.06,
                   help="false-urgent budget on out-of-fold PsySUICIDE rows when choosing thresholds")
    t.add_argument("--no-english", action="store_true", help="skip the English head")
    t.add_argument("--threads", type=int, default=None,
                   help="torch threads (default 1: a second thread spin-waits on a shared machine)")
    t.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from triage.training.fit import TrainConfig
    from triage.training.pipeline import run as train

    console = Console(stderr=True)
    cfg = TrainConfig()
    if args.epochs:
        cfg.epochs = args.epochs
    if args.seed is not None:
        cfg.seed = args.seed
    if args.threads:
        cfg.threads = args.threads
    psy = args.psysuicide if args.psysuicide and args.psysuicide.exists() else None
    if psy is None:
        console.print(f"[yellow]no PsySUICIDE file at {args.psysuicide}: training on own examples only")
    if console.is_terminal:
        with Progress(TextColumn("{task.description}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                      TimeRemainingColumn(), console=console) as bar:
            task = bar.add_task("preparing", total=None)

            def progress(msg: str, step: int, total: int) -> None:
                bar.update(task, description=msg, completed=step, total=total)

            return _train(train, args, psy, cfg, progress, console)
    return _train(train, args, psy, cfg, _log_lines(), console)


def _log_lines() -> Callable[[str, int, int], None]:
    """Progress for a log file (nohup): one timestamped line per stage and every 100 steps."""
    import time

    start = time.perf_counter()
    last = [""]

    def progress(msg: str, step: int, total: int) -> None:
        stage = msg.split(" loss ")[0]
        if stage != last[0] or step % 100 == 0 or step == total:
            last[0] = stage
            print(f"[{time.perf_counter() - start:7.1f} s] {msg} {step}/{total}", file=sys.stderr, flush=True)

    return progress


def _train(train: Callable[..., dict[str, Any]], args: argparse.Namespace, psy: Path | None, cfg: Any,
           progress: Callable[[str, int, int], None], console: Any) -> int:
    from triage.classifier import MODEL_DIR
    from triage.errors import TriageError

    try:
        figures = train(args.out or MODEL_DIR, psy, extra=args.extra, cfg=cfg, folds=args.folds,
                        max_false=args.max_false, english=not args.no_english, progress=progress)
    except TriageError as exc:
        console.print(f"[red]{exc}")
        return 2
    fit = figures["train"]
    print(f"trained {fit['steps']} steps in {fit['seconds']} s; "
          f"vocab {fit['vocab']}, params {fit['params']:,}")
    for lang, key in (("zh", "classifier"), ("en", "classifier_en")):
        if lang in figures:
            f = figures[lang]
            r = f.get("real", f.get("oof", {}))
            extra = f", ngram_weight {f['ngram_weight']}" if "ngram_weight" in f else ""
            print(f"{lang} out of fold: crisis recall {r['crisis_recall']:.3f}, false urgent "
                  f"{r['false_urgent']:.3f} at high {f['high']}, high_alone {f['high_alone']}{extra}")
            print(f"  set these under `{key}` in config/triage.yaml to use them")
    print(f"model and MODEL_CARD.md in {args.out or MODEL_DIR}", file=sys.stdout)
    return 0
