"""`hotline kb`: search, check, eval, review, feedback, vectors and services of the psychology knowledge base.

`kb search --jsonl` contract (the team's scorer, score.py, given as a path): stdin one
{"question": ..., "lang": ...} per line; stdout exactly one JSON object per input line, in order,
with at least "topic" (null on fallback and refusal), "entry_id", "score", "fallback", "answer",
"kind", "confidence", "alternatives", and "also" (a second worry in a long question, or null).
Empty or unreadable lines get a fallback record with an "error" field.
"""

from __future__ import annotations

# Imports sit inside the handlers on purpose: bot/cli/main.py imports every command module on each
# `hotline` call (`hotline --help`: 1.1 s), so only the command that runs loads the database or engines.
import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "knowledge_base" / "eval"
# Every set the project wrote: in-scope paraphrases (topic set) and out-of-scope/never-answer (topic null).
DEFAULT_EVAL = sorted(EVAL_DIR.glob("*.jsonl"))
# The editor's commands read every entry, drafts included (each unpublished answer says so in its
# footer), so content can be measured before it is published; the server follows HOTLINE_DEMO.
PUBLISHED_HELP = "serve only published entries, as the server does outside demo mode"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("kb", help="knowledge base: search, check, eval, review, feedback, services")
    sub = p.add_subparsers(dest="kb_command", required=True)
    s = sub.add_parser("search", help="answer a question (or JSON lines on stdin with --jsonl)")
    s.add_argument("question", nargs="?", default="")
    s.add_argument("--lang", choices=("zh", "en"), default=None)
    s.add_argument("--jsonl", action="store_true", help="read {question, lang} lines on stdin")
    s.add_argument("--entries", type=Path, default=None, help="entries folder (default: the project's)")
    s.add_argument("--published-only", action="store_true", help=PUBLISHED_HELP)
    s.set_defaults(handler=search)
    c = sub.add_parser("check", help="validate every entry file; exit 1 with a list of problems")
    c.add_argument("--entries", type=Path, default=None)
    c.set_defaults(handler=check)
    e = sub.add_parser("eval", help="top-1/top-3 accuracy and fallback rates on labelled JSONL sets")
    e.add_argument("files", nargs="*", type=Path, default=None)
    e.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    e.add_argument("--fit", action="store_true", help="fit the confidence calibration and print it")
    e.add_argument("--published-only", action="store_true", help=PUBLISHED_HELP)
    e.set_defaults(handler=evaluate)
    r = sub.add_parser("review", help="list entries due for clinical review, or record a review")
    r.add_argument("--all", action="store_true", help="list every entry, not only those due")
    r.add_argument("--entries", type=Path, default=None)
    r.add_argument("--record", metavar="ENTRY_ID", default=None, help="record a review of this entry")
    r.add_argument("--status", choices=("draft", "project_reviewed", "clinically_reviewed", "published"))
    r.add_argument("--reviewer", default=None, help="the reviewer's name (recorded in the entry)")
    r.add_argument("--role", default=None, help="the reviewer's role, e.g. 'clinical psychologist'")
    r.add_argument("--date", default=None, help="review date, YYYY-MM-DD (default: today)")
    r.set_defaults(handler=review)
    f = sub.add_parser("feedback", help="entries most often rated down, topics the bot was unsure about")
    f.add_argument("--days", type=int, default=90, help="how far back to count (default 90)")
    f.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the entry titles")
    f.add_argument("--json", action="store_true", help="one JSON object instead of lines")
    f.set_defaults(handler=feedback)
    b = sub.add_parser("vectors", help="rebuild the static MiniLM word-piece table (needs torch; minutes)")
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--out", type=Path, default=None, help="where to write (default: the served table)")
    b.set_defaults(handler=vectors)
    v = sub.add_parser("services", help="what is open now and which lines answer day and night")
    v.add_argument("question", nargs="?", default="open now")
    v.add_argument("--lang", choices=("zh", "en"), default=None)
    v.add_argument("--at", default=None, help="ISO local time to check instead of now")
    v.set_defaults(handler=services)


def _now(at: str | None = None) -> datetime:
    tz = ZoneInfo("Asia/Shanghai")
    return datetime.fromisoformat(at).replace(tzinfo=tz) if at else datetime.now(tz)


def _load(entries: Path | None = None, strict: bool = True, published_only: bool = False) -> Any:
    from config.errors import ConfigError
    from knowledge_base import KnowledgeBaseError, load_kb

    try:
        kb = load_kb(entries, strict=strict, demo=not published_only)
    except KnowledgeBaseError as exc:
        raise ConfigError("knowledge_base", None, str(exc)) from None
    # A command answers with the full engine: wait for the semantic index (about a second); the
    # server instead answers lexically while it loads.
    if not kb.wait_semantic(timeout=60):
        print("note: semantic index unavailable, retrieval is lexical only", file=sys.stderr)
    return kb


def _one_line(kb: Any, line: str, now: datetime) -> dict[str, Any]:
    try:
        row = json.loads(line) if line.strip() else {}
    except json.JSONDecodeError:
        row = None
    if not isinstance(row, dict) or not isinstance(row.get("question"), str) or not row["question"].strip():
        res = kb.search("", None).as_json()
        res["error"] = "expected a JSON object with a non-empty string 'question'"
        return dict(res)
    lang = row.get("lang") if row.get("lang") in ("zh", "en") else None
    return dict(kb.search(row["question"], lang, now).as_json())


def search(args: argparse.Namespace) -> int:
    """Answer one question for a person, or JSON lines for the scorer."""
    kb = _load(args.entries, published_only=args.published_only)
    now = _now()
    if args.jsonl:
        for line in sys.stdin:
            sys.stdout.write(json.dumps(_one_line(kb, line, now), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return 0
    res = kb.search(args.question, args.lang, now)
    head = f"[{res.kind}] {res.topic or '-'} {res.entry_id or ''} confidence {res.confidence:.2f}"
    print(head.replace("  ", " "))
    if res.title:
        print(f"# {res.title}")
    print(res.text)
    if res.also is not None:
        print(f"also: {res.also[2]} ({res.also[0]}, {res.also[1]})")
    if res.kind != "answer" and res.alternatives:
        print("closest topics: " + ", ".join(f"{n} ({t})" for t, n in res.alternatives))
    return 0


def check(args: argparse.Namespace) -> int:
    """Validate entries; print every problem naming file and field; exit 1 when any."""
    from knowledge_base.check import check_entries
    from knowledge_base.loading import entry_files, load_config, load_topics

    cfg = load_config()
    rules = cfg.check
    if rules.copy_reference and not Path(rules.copy_reference).is_absolute():
        rules = rules.model_copy(update={"copy_reference": str(ROOT / rules.copy_reference)})
    problems = check_entries(args.entries, load_topics(), rules)
    for p in problems:
        print(p)
    n = len(entry_files(args.entries))
    print(f"{n} entry files, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


def _rows(files: list[Path]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for f in files:
        rows.extend(json.loads(x) for x in f.read_text(encoding="utf-8").splitlines() if x.strip())
    return rows


def evaluate(args: argparse.Namespace) -> int:
    """Print accuracy, fallback rates and calibration error on labelled sets."""
    from knowledge_base.evaluation import evaluate as run
    from knowledge_base.evaluation import fit_calibration

    kb = _load(strict=False, published_only=args.published_only)
    rows = _rows(args.files or DEFAULT_EVAL)
    if args.fit:
        cal = fit_calibration(kb, rows)
        print("calibration: " + json.dumps(cal.model_dump()))
        kb.config = kb.config.model_copy(update={"calibration": cal})
    figs, misses = run(kb, rows)
    if args.verbose:
        print("\n".join(misses))
    print("\n".join(figs.lines()))
    print(f"entries {len(kb.entries)}")
    return 0


def services(args: argparse.Namespace) -> int:
    """The directory's answer to a service question at a given time."""
    from knowledge_base import load_directory
    from knowledge_base.services import services_answer
    from knowledge_base.text import detect_lang

    lang = args.lang or detect_lang(args.question, "zh")
    print(services_answer(load_directory(), args.question, lang, _now(args.at)))
    return 0


def vectors(args: argparse.Namespace) -> int:
    """Run the installed MiniLM over its vocabulary once; SIF weights from the counsel-chat texts."""
    import csv

    from knowledge_base.semantic import build_table

    source = ROOT / "data" / "counsel-chat" / "20200325_counsel_chat.csv"
    with source.open(encoding="utf-8", newline="") as f:
        corpus = [" ".join((r["questionTitle"], r["questionText"], r["answerText"]))
                  for r in csv.DictReader(f)]
    print(f"wrote {build_table(corpus, out=args.out, threads=args.threads)}")
    return 0


def review(args: argparse.Namespace) -> int:
    """List what is due (state, dates, sources), or write one review into its entry file."""
    from datetime import date

    from config.errors import ConfigError
    from knowledge_base import KnowledgeBaseError
    from knowledge_base.governance import record_review, review_list
    from knowledge_base.loading import load_config, read_entries

    items, problems = read_entries(args.entries)
    today = date.fromisoformat(args.date) if args.date else _now().date()
    if args.record:
        found = [i for i in items if i.entry.id == args.record]
        if not found or not (args.status and args.reviewer and args.role):
            why = "unknown entry id" if not found else "--status, --reviewer and --role are required"
            print(f"kb review --record {args.record}: {why}", file=sys.stderr)
            return 2
        try:
            e = record_review(found[0].path, args.status, args.reviewer, args.role, today,
                              load_config().governance.review_interval_days)
        except KnowledgeBaseError as exc:
            raise ConfigError("knowledge_base", None, str(exc)) from None
        print(f"{e.id}: {e.review.status} by {e.review.reviewer} ({e.review.reviewer_role}) on "
              f"{e.review.date}, next review {e.review.next_review}")
        return 0
    rows = [d for d in review_list(items, today) if args.all or d.due]
    for d in rows:
        nxt = d.next_review.isoformat() if d.next_review else "-"
        flag = "DUE " if d.due else "    "
        print(f"{flag}{d.entry_id:28} {d.status:20} reviewed {d.reviewed} next {nxt:10} "
              f"sources: {' | '.join(d.sources)}")
    for p in problems:
        print(f"BROKEN {p}")
    print(f"{sum(d.due for d in rows)} due of {len(items)} entries", file=sys.stderr)
    return 0


def feedback(args: argparse.Namespace) -> int:
    """The editors' report from the stored ratings and fallbacks (the same as /admin/kb shows)."""
    from datetime import UTC, timedelta

    from bot.cli.rota import run_db
    from bot.web.admin.kb_pages import stored_report
    from knowledge_base.loading import read_entries

    if args.days < 1:
        print("--days: give a number of days, 1 or more", file=sys.stderr)
        return 2
    items, _ = read_entries()
    titles = {i.entry.id: i.entry.version(args.lang).title for i in items}
    since = datetime.now(UTC) - timedelta(days=args.days)
    report = run_db(lambda _rota, unit: stored_report(unit.session, since, titles))
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
        return 0
    print(f"last {args.days} days: {report.ratings} ratings, {report.fallback_count} unsure answers")
    print("rated down (entry, helpful, not helpful, not what I asked):")
    for e in report.rated_down:
        print(f"  {e.entry_id:28} {e.up:4} {e.down:4} {e.not_what_i_asked:4}  {e.title or ''}")
    print("unsure, by closest topic:")
    for g in report.gaps:
        print(f"  {g.topic or '-':28} {g.count:4}")
    return 0
