"""`hotline bench rota`: a year of rota for 200 counselors at 50 stations, with overrides, leave
and swaps. Prints compile time, on_duty queries per second and the time for a year of gaps.
Targets (issue 6): on_duty >= 20,000 queries/s; a year of gaps for every station <= 1 s.
"""

from __future__ import annotations

# Imports sit inside functions on purpose: the server runs in a child process that imports what it
# needs itself, and `hotline --help` imports this module (bot/cli/bench.py) without running it.
import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("rota", help="rota: on_duty queries/s and a year of coverage gaps")
    p.add_argument("-n", "--queries", type=int, default=100_000, help="on_duty queries to time")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(handler=run)


def _stations() -> list[Any]:
    from scheduling.model import Station

    out = [Station("city", "City", "city")]
    out += [Station(f"d{i}", f"District {i}", "district", "city") for i in range(5)]
    out += [Station(f"s{i}", f"Street {i}", "street", f"d{i % 5}") for i in range(14)]
    out += [Station(f"c{i}", f"Community {i}", "community", f"s{i % 14}") for i in range(30)]
    return out


def build_rota(rng: random.Random) -> Any:
    """50 stations, 4 counselors each, 1-2 rotations a station, a year of changes."""
    from scheduling.model import Counselor, Leave, Override, Rota, Rotation, Swap, SwapState, Window

    stations = _stations()
    people: dict[str, Counselor] = {}
    rotations: list[Rotation] = []
    for st in stations:
        ids = [f"{st.id}-p{j}" for j in range(4)]
        for j, pid in enumerate(ids):
            langs = ("zh", "en") if j == 0 else ("zh",)
            people[pid] = Counselor(pid, pid, langs, st.id, ("coordinator",) if j == 3 else ("counselor",))
        start = datetime(2025, 12, 29, 8, tzinfo=UTC) - timedelta(hours=8)
        rotations.append(Rotation(f"{st.id}-main", st.id, tuple(ids[:3]), timedelta(hours=12), start,
                                  backup=(ids[3],)))
        if rng.random() < 0.5:
            rotations.append(Rotation(f"{st.id}-eve", st.id, (ids[3], ids[0]), timedelta(days=1), start,
                                      weekdays=frozenset({0, 1, 2, 3, 4}), windows=(Window(
                                          datetime.min.time().replace(hour=18), datetime.min.time()),)))
    pids = sorted(people)

    def span(max_h: int) -> tuple[datetime, datetime]:
        a = YEAR_START + timedelta(hours=rng.randrange(365 * 24))
        return a, a + timedelta(hours=rng.randint(1, max_h))

    overrides = [Override(f"o{i}", rng.choice(pids), rng.choice(stations).id, *span(12)) for i in range(2000)]
    leave = [Leave(f"l{i}", pid, *span(24 * 7)) for i, pid in enumerate(pids * 2)]
    swaps = []
    for i in range(200):
        st = rng.choice(stations).id
        swaps.append(Swap(f"w{i}", f"{st}-p0", f"{st}-p1", st, *span(12), SwapState.APPROVED))
    return Rota({s.id: s for s in stations}, people, tuple(rotations), tuple(overrides), tuple(leave),
                tuple(swaps))


CPU: list[float] = []


def _time(fn: Any) -> tuple[Any, float]:
    """Wall seconds (reported); CPU seconds are kept too, since the bench may share its cores."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    CPU.append(time.process_time() - c0)
    return out, time.perf_counter() - t0


def run(args: argparse.Namespace) -> int:
    from scheduling.gaps import coverage_gaps
    from scheduling.schedule import Schedule
    from scheduling.settings import load_demand

    rng = random.Random(args.seed)
    rota = build_rota(rng)
    end = YEAR_START + timedelta(days=365)
    print(f"rota: {len(rota.stations)} stations, {len(rota.counselors)} counselors, "
          f"{len(rota.rotations)} rotations, {len(rota.overrides)} overrides, {len(rota.leave)} leave, "
          f"{len(rota.swaps)} swaps; one year")
    schedule, t_compile = _time(lambda: Schedule(rota, YEAR_START, end))
    segments = sum(len(t.who) for t in schedule.timelines.values())
    print(f"compile a year:              {t_compile:8.3f} s   (cpu {CPU[-1]:.3f} s; {segments:,} segments)")
    stations = list(rota.stations)
    probes = [(YEAR_START + timedelta(seconds=rng.randrange(365 * 86400)), rng.choice(stations),
               rng.choice(("zh", "en"))) for _ in range(args.queries)]
    _, t_q = _time(lambda: [schedule.on_duty(at, st, lang) for at, st, lang in probes])
    print(f"on_duty(at, station, lang):  {args.queries / t_q:10,.0f} queries/s "
          f"(cpu: {args.queries / CPU[-1]:,.0f}/s)")
    few = probes[: max(1, args.queries // 10)]
    _, t_all = _time(lambda: [schedule.on_duty(at) for at, _, _ in few])
    print(f"on_duty(at) all stations:    {len(few) / t_all:10,.0f} queries/s "
          f"(cpu: {len(few) / CPU[-1]:,.0f}/s)")
    demand = load_demand()
    gaps, t_gaps = _time(lambda: coverage_gaps(schedule, YEAR_START, end, stations, ["zh", "en"],
                                               1, demand.profile()))
    print(f"a year of gaps, every station, zh+en: {t_gaps:8.3f} s   (cpu {CPU[-1]:.3f} s; "
          f"{len(gaps):,} gaps; with compile {t_compile + t_gaps:.3f} s)")
    if gaps:
        g = gaps[0]
        print(f"worst gap: {g.station} {g.language} {g.start:%Y-%m-%d %H:%M}Z {g.hours:.1f} h")
    return 0
