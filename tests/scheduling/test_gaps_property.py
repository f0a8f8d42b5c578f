"""Coverage gaps agree with on_duty at every instant, for random rotas, overrides and leave."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.gaps import coverage_gaps
from scheduling.model import Counselor, Leave, Override, Rota, Rotation, Window
from scheduling.schedule import Schedule
from tests.scheduling.builders import tree

T0 = datetime(2026, 3, 20, tzinfo=UTC)  # spans the Berlin and New York DST changes
SPAN = timedelta(days=12)
PEOPLE = ("a", "b", "c", "d", "e")
ZONES = ("Asia/Shanghai", "Europe/Berlin", "America/New_York")

offsets = st.integers(min_value=0, max_value=int(SPAN.total_seconds() // 60)).map(
    lambda m: T0 + timedelta(minutes=m))


@st.composite
def rotations(draw: st.DrawFn, i: int) -> Rotation:
    hours = draw(st.lists(st.tuples(st.integers(0, 23), st.integers(0, 23)), max_size=2))
    return Rotation(
        f"r{i}", draw(st.sampled_from(("hd", "st"))),
        tuple(draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=4, unique=True))),
        timedelta(hours=draw(st.sampled_from((4, 8, 12, 24, 36)))),
        T0 - timedelta(hours=draw(st.integers(-48, 48))), draw(st.sampled_from(ZONES)),
        weekdays=frozenset(draw(st.lists(st.integers(0, 6), min_size=1, max_size=7))),
        windows=tuple(Window(time(a), time(b)) for a, b in hours if a != b),
        backup=tuple(draw(st.lists(st.sampled_from(PEOPLE), max_size=1))))


@st.composite
def span_of(draw: st.DrawFn) -> tuple[datetime, datetime]:
    a = draw(offsets)
    return a, a + timedelta(minutes=draw(st.integers(1, 4 * 24 * 60)))


@st.composite
def rotas(draw: st.DrawFn) -> Rota:
    people = {p: Counselor(p, p, tuple(draw(st.sampled_from((("zh",), ("en",), ("zh", "en"))))))
              for p in PEOPLE}
    rots = tuple(draw(rotations(i)) for i in range(draw(st.integers(1, 3))))
    ovs = tuple(Override(f"o{i}", draw(st.sampled_from(PEOPLE)), draw(st.sampled_from(("hd", "st"))),
                         *draw(span_of()), replaces=draw(st.none() | st.sampled_from(PEOPLE)))
                for i in range(draw(st.integers(0, 3))))
    leave = tuple(Leave(f"l{i}", draw(st.sampled_from(PEOPLE)), *draw(span_of()))
                  for i in range(draw(st.integers(0, 3))))
    return Rota(tree(), people, rots, ovs, leave)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rotas(), st.lists(offsets, min_size=5, max_size=20), st.sampled_from((None, "zh", "en")),
       st.integers(1, 2))
def test_on_duty_and_coverage_gaps_agree_at_every_instant(rota: Rota, instants: list[datetime],
                                                          lang: str | None, min_staff: int) -> None:
    schedule = Schedule(rota, T0, T0 + SPAN)
    gaps = coverage_gaps(schedule, T0, T0 + SPAN, ["hd", "st"], [lang], min_staff)
    for at in instants:
        if at >= T0 + SPAN:
            continue
        for station in ("hd", "st"):
            staffed = len(schedule.on_duty(at, station, lang))
            hit = [g for g in gaps if g.station == station and g.start <= at < g.end]
            if staffed >= min_staff:
                assert hit == []
            else:
                assert [(g.staffed, g.missing) for g in hit] == [(staffed, min_staff - staffed)]


@settings(max_examples=30, deadline=None)
@given(rotas(), offsets)
def test_nobody_on_leave_is_ever_on_duty(rota: Rota, at: datetime) -> None:
    schedule = Schedule(rota, T0, T0 + SPAN)
    away = {lv.counselor for lv in rota.leave if lv.start <= at < lv.end}
    if at < T0 + SPAN:
        assert not away & {d.counselor for d in schedule.on_duty(at)}
