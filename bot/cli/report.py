"""`hotline report monthly --month 2026-03 --station hd --out DIR [--lang zh|en]`: one station's month
as an HTML file (charts inline, nothing fetched; in Chinese unless --lang en) and a CSV, for a
coordinator to send on.

Exit 0 with the two paths; 2 with one line for a month, station or language it cannot use.
"""

from __future__ import annotations

# Imports sit inside the handler: bot/cli/main.py imports every command module on each call.
import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("report", help="reports for coordinators (counts only)")
    sub = p.add_subparsers(dest="report_command", required=True)
    monthly = sub.add_parser("monthly", help="one station's month: HTML with charts and CSV")
    monthly.add_argument("--month", required=True, help="the local calendar month, YYYY-MM (e.g. 2026-03)")
    monthly.add_argument("--station", required=True, help="station id, as in the rota (hotline rota show)")
    monthly.add_argument("--out", required=True, type=Path, help="folder for the two files (made if missing)")
    monthly.add_argument("--lang", default="zh",
                         help="language of the HTML file: zh (default) or en; the CSV keeps its keys")
    monthly.set_defaults(handler=_monthly)


def _monthly(args: argparse.Namespace) -> int:
    import csv
    from datetime import UTC, datetime

    from bot.cli.rota import run_db
    from bot.web.admin.report_monthly import (
        build_monthly,
        monthly_csv,
        monthly_html,
        parse_month,
    )
    from bot.web.admin.report_pages import safe_cell
    from bot.web.admin.reports import ReportError

    if args.lang not in ("zh", "en"):
        print(f"--lang: {args.lang!r} is not a language: write zh or en", file=sys.stderr)
        return 2
    try:
        month = parse_month(args.month)
    except ReportError as exc:
        print(f"--month: {exc}", file=sys.stderr)
        return 2

    try:  # counts only, read through the rota service as `hotline rota` reads it
        report = run_db(lambda rota, unit: build_monthly(unit.session, rota, args.station, month,
                                                         datetime.now(UTC)))
    except ReportError as exc:
        print(f"--station: {exc}", file=sys.stderr)
        return 2
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    html, table = out / f"{report.file_stem()}.html", out / f"{report.file_stem()}.csv"
    html.write_text(monthly_html(report, args.lang), encoding="utf-8")
    with table.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([[safe_cell(c) for c in row] for row in monthly_csv(report)])
    print(html)
    print(table)
    return 0
