"""`hotline rota show|import|export|gaps|ics|fairness|swap`: the rota from the command line."""

from __future__ import annotations

# Imports sit inside the handlers on purpose: bot/cli/main.py imports every command module on each
# `hotline` call (`hotline --help`: 1.1 s), so only the command that runs loads the database or engines.
import argparse
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # annotations only: importing these at start would slow every `hotline` command
    from bot.services.rota import RotaService
    from bot.storage.uow import UnitOfWork
    from scheduling.conflicts import Conflict
    from scheduling.gaps import Gap
    from scheduling.model import Rota
    from scheduling.settings import DemandSettings

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rota = subparsers.add_parser("rota", help="duty rota: who is on duty, gaps, import/export, iCal, swaps")
    sub = rota.add_subparsers(dest="rota_command", required=True)
    show = sub.add_parser("show", help="who is on duty (now, or --at)")
    show.add_argument("--at", help=f"a time: {WHEN_FORMS} (default: now)")
    show.add_argument("--station")
    show.add_argument("--lang")
    show.set_defaults(handler=_show)
    imp = sub.add_parser("import", help="replace the rota with a YAML file (checked first)")
    imp.add_argument("file")
    imp.set_defaults(handler=_import)
    exp = sub.add_parser("export", help="write the rota as YAML (stdout or -o)")
    exp.add_argument("-o", "--output")
    exp.set_defaults(handler=_export)
    gaps = sub.add_parser("gaps", help="coverage gaps, worst first (demand profile from config/demand.yaml)")
    _span_args(gaps, days=7)
    gaps.add_argument("--station", action="append", help="repeatable; default: stations with a rotation")
    gaps.add_argument("--lang", action="append", help="repeatable; default: config/demand.yaml languages")
    gaps.add_argument("--min-staff", type=int)
    gaps.add_argument("--top", type=int, default=30)
    gaps.add_argument("--svg", help="also draw the gaps as an SVG heat map into this file")
    gaps.set_defaults(handler=_gaps)
    check = sub.add_parser("check", help="conflicts (one person at two stations at once), gaps against "
                                         "config/demand.yaml; exit 1 when anything needs fixing")
    _span_args(check, days=28)
    check.set_defaults(handler=_check)
    ics = sub.add_parser("ics", help="iCal of duty spans for one counselor or station")
    who = ics.add_mutually_exclusive_group(required=True)
    who.add_argument("--counselor")
    who.add_argument("--station")
    _span_args(ics, days=28)
    ics.add_argument("-o", "--output", help="file (default: stdout)")
    ics.set_defaults(handler=_ics)
    fair = sub.add_parser("fairness", help="hours on duty per counselor")
    _span_args(fair, days=28)
    fair.set_defaults(handler=_fairness)
    _register_swap(sub)


def _register_swap(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    swap = sub.add_parser("swap", help="swap requests: list, request, accept, approve, decline, on-behalf")
    ss = swap.add_subparsers(dest="swap_command", required=True)
    ss.add_parser("list", help="swap requests and their state").set_defaults(handler=_swap_list)
    for name, help_text in (("request", "REQUESTER asks OTHER to exchange duty at STATION"),
                            ("on-behalf", "a coordinator (--by) swaps two people; approved at once")):
        p = ss.add_parser(name, help=help_text)
        for arg in ("requester", "other", "station"):
            p.add_argument(arg)
        p.add_argument("start", help="first moment of the swap; a date means the start of that day")
        p.add_argument("end", help="end of the swap; a date is included whole (to the start of the next day)")
        if name == "on-behalf":
            p.add_argument("--by", required=True, help="coordinator id")
        p.set_defaults(handler=_swap_new)
    for name in ("accept", "approve", "decline"):
        p = ss.add_parser(name, help=f"{name} swap SWAP_ID as --by")
        p.add_argument("swap_id")
        p.add_argument("--by", required=True, help="counselor id (the peer) or coordinator id")
        p.set_defaults(handler=_swap_decide)


# Shown in --help; scheduling.when.ACCEPTED says the same in the error line.
WHEN_FORMS = "YYYY-MM-DD, YYYY-MM-DD HH:MM (Asia/Shanghai), YYYY-MM-DDTHH:MM+08:00, today or now"


def _span_args(p: argparse.ArgumentParser, days: int) -> None:
    p.add_argument("--from", dest="start", help=f"first moment: {WHEN_FORMS}; a date means the start of "
                                                "that day (default: now)")
    p.add_argument("--to", dest="end", help=f"end: a date is included whole, so --to 2026-01-12 runs to the "
                                            f"end of the 12th; a time is taken as given (default: {days} "
                                            "days after --from)")
    p.set_defaults(default_days=days)


def parse_time(text: str | None, default: datetime, option: str, end: bool = False) -> datetime:
    """One CLI time through scheduling.when; a bad one becomes one line and exit 2 (bot/cli/main.py)."""
    if not text:
        return default
    from config.errors import ConfigError
    from scheduling.when import WhenError, parse_end, parse_start

    try:
        return (parse_end if end else parse_start)(text, datetime.now(UTC))
    except WhenError as exc:
        raise ConfigError("command line", option, str(exc)) from None


def span(args: argparse.Namespace) -> tuple[datetime, datetime]:
    start = parse_time(args.start, datetime.now(UTC), "--from")
    end = parse_time(args.end, start + timedelta(days=args.default_days), "--to", end=True)
    if end <= start:
        from config.errors import ConfigError

        raise ConfigError("command line", "--to", f"{args.end!r} is not after --from {local(start)}")
    return start, end


def run_db(work: Callable[[RotaService, UnitOfWork], Awaitable[T]], commit: bool = False) -> T:
    """Run `work(rota service, unit of work)` against the configured database, as the bot and the
    dashboard do (changes are audited by the service)."""
    import asyncio

    from bot.crypto import Cipher, new_key
    from bot.services.rota import RotaService
    from bot.storage.engine import create_engine, session_factory
    from bot.storage.uow import UnitOfWorkFactory
    from config.settings import load_settings

    async def run() -> T:
        settings = load_settings()
        engine = create_engine(settings.database_url)
        # The rota and the audit log are stored in the clear: this key never encrypts anything.
        uow = UnitOfWorkFactory(session_factory(engine), Cipher([new_key()]))
        try:
            async with uow() as unit:
                result = await work(RotaService(uow, settings.config_dir), unit)
                if commit:
                    await unit.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def stored_rota() -> Rota:
    return run_db(lambda service, unit: service.rota(unit))


def local(t: datetime) -> str:
    from scheduling.model import DEFAULT_TZ
    from scheduling.rotation import zone

    return t.astimezone(zone(DEFAULT_TZ)).strftime("%Y-%m-%d %H:%M")


def _show(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from scheduling.schedule import on_duty

    at = parse_time(args.at, datetime.now(UTC), "--at")
    rota = stored_rota()
    if not rota.stations:
        print("No rota yet: import one with `hotline rota import FILE` (see config/demo_rota.yaml).")
        return 1
    table = Table(title=f"On duty at {local(at)} (Asia/Shanghai)")
    for col in ("station", "counselor", "languages", "layer", "until"):
        table.add_column(col)
    for d in on_duty(rota, at, args.station, args.lang):
        c = rota.counselors[d.counselor]
        table.add_row(d.station, f"{c.name} ({c.id})", ",".join(c.languages), d.layer.value, local(d.end))
    Console().print(table)
    return 0


def _import(args: argparse.Namespace) -> int:
    from bot.storage.rota_repo import summary
    from scheduling.rota_io import load_rota_file

    rota = load_rota_file(args.file)  # ConfigError -> exit 2 naming the entry and field
    counts = run_db(lambda service, unit: service.replace(unit, rota, "cli", datetime.now(UTC), args.file),
                    commit=True)
    print(f"imported {args.file}: {summary(counts)}")
    return 0


def _export(args: argparse.Namespace) -> int:
    import yaml

    from scheduling.rota_io import rota_to_dict

    text = yaml.safe_dump(rota_to_dict(stored_rota()), allow_unicode=True, sort_keys=False)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {args.output}")
    else:
        print(text, end="")
    return 0


def _gaps(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from scheduling.demand import LINE

    start, end = span(args)
    gaps, rota, demand = run_db(lambda service, unit: _gaps_of(service, unit, args, start, end))
    if not (args.station or args.lang or args.min_staff):
        print("demand (config/demand.yaml): " + "; ".join(n.describe() for n in demand.need_list()))
    table = Table(title=f"{len(gaps)} coverage gaps {local(start)} .. {local(end)}, worst first")
    for col in ("where", "gap", "from", "to", "hours", "severity"):
        table.add_column(col)
    for g in gaps[: args.top]:
        table.add_row("whole line" if g.station == LINE else g.station, g.what(), local(g.start),
                      local(g.end), f"{g.hours:.1f}", f"{g.severity:.1f}")
    Console().print(table)
    if args.svg:
        from scheduling.gap_picture import gaps_svg

        shown = args.station or sorted({g.station for g in gaps} | {r.station for r in rota.rotations})
        hours = int((end - start).total_seconds() // 3600)
        with open(args.svg, "w", encoding="utf-8") as f:
            f.write(gaps_svg(gaps, shown, start, hours, demand.profile()))
        print(f"wrote {args.svg}")
    return 0


async def _gaps_of(service: RotaService, unit: UnitOfWork, args: argparse.Namespace, start: datetime,
                   end: datetime) -> tuple[list[Gap], Rota, DemandSettings]:
    """The service's gap calculation with the command's options (station, languages, minimum)."""
    gaps = await service.coverage_gaps(start, end, args.station, unit, args.lang, args.min_staff)
    return gaps, await service.rota(unit), service.demand


def _check(args: argparse.Namespace) -> int:
    """Print every conflict and gap in the span; exit 1 when there is any (a script can gate on it)."""
    from scheduling.demand import LINE

    start, end = span(args)

    async def gather(service: RotaService, unit: UnitOfWork) -> tuple[Rota, list[Conflict], list[Gap],
                                                                      list[str], list[str]]:
        rota = await service.rota(unit)
        return (rota, await service.conflicts(start, end, None, unit),
                await service.coverage_gaps(start, end, None, unit),
                [n.describe() for n in service.needs()], service.unknown_need_stations(rota))

    rota, conflicts, gaps, needs, unknown = run_db(gather)
    names = {c.id: c.name for c in rota.counselors.values()}
    print(f"rota check {local(start)} .. {local(end)} (Asia/Shanghai)")
    print("demand (config/demand.yaml): " + "; ".join(needs))
    for sid in unknown:
        print(f"problem: config/demand.yaml names station {sid!r}, which the rota does not have")
    print(f"{len(conflicts)} conflicts (one person on duty at two stations at once)")
    for c in conflicts:
        who = f"{names.get(c.counselor, c.counselor)} ({c.counselor})"
        print(f"  conflict: {who} at {' and '.join(c.stations)}, {local(c.start)} .. {local(c.end)}")
    print(f"{len(gaps)} coverage gaps")
    for g in sorted(gaps, key=lambda g: g.start):
        where = "whole line" if g.station == LINE else g.station
        print(f"  gap: {g.what()} ({where}), {local(g.start)} .. {local(g.end)}")
    return 1 if conflicts or gaps or unknown else 0


def _ics(args: argparse.Namespace) -> int:
    from scheduling.ical import to_ical
    from scheduling.schedule import Schedule

    start, end = span(args)
    rota = stored_rota()
    schedule = Schedule(rota, start, end)
    duties = schedule.shifts(station=args.station, counselor=args.counselor)
    data = to_ical(rota, duties, args.counselor or args.station, datetime.now(UTC))
    if args.output:
        with open(args.output, "wb") as f:
            f.write(data)
        print(f"wrote {len(duties)} events to {args.output}")
    else:
        print(data.decode("utf-8"), end="")
    return 0


def _fairness(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from scheduling.fairness import fairness
    from scheduling.schedule import Schedule
    from scheduling.settings import load_demand

    start, end = span(args)
    rota = stored_rota()
    rows = fairness(Schedule(rota, start, end), start, end, load_demand().profile())
    table = Table(title=f"Hours on duty {local(start)} .. {local(end)}")
    for col in ("counselor", "hours", "demand-weighted", "by layer"):
        table.add_column(col)
    for r in rows:
        layers = ", ".join(f"{k} {v:.0f}" for k, v in sorted(r.by_layer.items()))
        name = rota.counselors[r.counselor].name if r.counselor in rota.counselors else r.counselor
        table.add_row(f"{name} ({r.counselor})", f"{r.hours:.1f}", f"{r.weighted_hours:.1f}", layers)
    Console().print(table)
    return 0


def _swap_list(args: argparse.Namespace) -> int:
    rota = stored_rota()
    for w in rota.swaps:
        print(f"{w.id}  {w.state.value:<9} {w.requester} <-> {w.other} at {w.station}  "
              f"{local(w.start)} .. {local(w.end)}")
    if not rota.swaps:
        print("no swap requests")
    return 0


def _swap_new(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    start, end = parse_time(args.start, now, "start"), parse_time(args.end, now, "end", end=True)

    async def work(service: RotaService, unit: UnitOfWork) -> str:
        if args.swap_command == "on-behalf":
            return await service.create_swap(unit, args.requester, args.other, args.station, start, end,
                                             args.by, now)
        return await service.request_swap(unit, args.requester, args.other, args.station, start, end, now)

    return _refusable(lambda: print(f"swap {run_db(work, commit=True)} created"))


def _swap_decide(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)

    async def work(service: RotaService, unit: UnitOfWork) -> None:
        if args.swap_command == "accept":
            await service.accept_swap(unit, args.swap_id, args.by, now)
        else:
            await service.decide_swap(unit, args.swap_id, args.swap_command == "approve", args.by, now)

    def go() -> None:
        run_db(work, commit=True)
        print(f"swap {args.swap_id}: {args.swap_command} done")

    return _refusable(go)


def _refusable(work: Callable[[], object]) -> int:
    """Run a rota change; a refusal prints what to do next and exits 1."""
    import sys

    from bot.conversation.ports import RotaRefused

    try:
        work()
    except RotaRefused as exc:
        print(f"refused: {exc.reason}", file=sys.stderr)
        return 1
    return 0
