"""Tiny server-side SVG charts (bar and line) for the reports: no chart library, no script, no
inline style (the CSP forbids it), so colours are presentation attributes and CSS classes.

The geometry is computed here; templates/admin/chart.svg draws it, escaping every label.
Each chart is an accessible image (`role="img"` with a label); the page shows the same numbers in
a table beside it, so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from bot.web.templating import render


@dataclass(frozen=True)
class Frame:
    """Plot geometry in SVG user units."""

    width: int = 560
    height: int = 220
    left: int = 44
    right: int = 28  # room for the last axis label, centred on the last point
    top: int = 14
    bottom: int = 40

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × 10^k), at least 1."""
    if value <= 1:
        return 1.0
    mag = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * mag >= value:
            return float(step * mag)
    return float(10 * mag)  # unreachable: 10 × mag always exceeds value


def _num(x: float) -> str:
    return f"{x:g}" if x != int(x) else str(int(x))


@dataclass(frozen=True)
class Tick:
    y: str
    label_y: str
    text: str


@dataclass(frozen=True)
class Bar:
    cls: str
    x: str
    y: str
    w: str
    h: str
    title: str
    mid: str  # centre of the bar: its value above, its label below
    value_y: str
    value: str
    label: str


@dataclass(frozen=True)
class Dot:
    x: str
    y: str
    title: str
    label: str | None  # shown on the axis, or None where labels are thinned out


@dataclass(frozen=True)
class Plot:
    """A chart as numbers ready to draw (SVG user units written with one decimal)."""

    title: str
    ticks: list[Tick]
    bars: list[Bar] = field(default_factory=list)
    line: str = ""  # polyline points, "" for none
    dots: list[Dot] = field(default_factory=list)


def _ticks(f: Frame, top_value: float) -> list[Tick]:
    ticks = []
    for i in range(5):
        y = f.top + f.plot_h - f.plot_h * i / 4
        ticks.append(Tick(f"{y:.1f}", f"{y + 4:.1f}", _num(round(top_value * i / 4, 2))))
    return ticks


def draw(plot: Plot, frame: Frame) -> Markup:
    return render("admin/chart.svg", p=plot, f=frame)


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str,
              classes: Sequence[str] = (), frame: Frame = Frame()) -> Markup:
    """Vertical bars, one per label, each with its value written above it."""
    if len(labels) != len(values):
        raise ValueError("bar_chart needs one value per label")
    f = frame
    top_value = nice_max(max(values, default=0))
    slot = f.plot_w / max(len(values), 1)
    bar_w = slot * 0.6
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = f.plot_h * value / top_value
        x = f.left + slot * i + (slot - bar_w) / 2
        y = f.top + f.plot_h - h
        cls = f"bar {classes[i]}" if i < len(classes) else "bar"
        bars.append(Bar(cls, f"{x:.1f}", f"{y:.1f}", f"{bar_w:.1f}", f"{h:.1f}", f"{label}: {_num(value)}",
                        f"{x + bar_w / 2:.1f}", f"{y - 3:.1f}", _num(value), label))
    return draw(Plot(title, _ticks(f, top_value), bars=bars), f)


def line_chart(labels: Sequence[str], values: Sequence[float], title: str,
               frame: Frame = Frame()) -> Markup:
    """A polyline with a dot per point; labels thinned so at most about 12 show on the axis."""
    if len(labels) != len(values):
        raise ValueError("line_chart needs one value per label")
    f = frame
    top_value = nice_max(max(values, default=0))
    n = len(values)
    step_x = f.plot_w / max(n - 1, 1)
    points = [(f.left + (step_x * i if n > 1 else f.plot_w / 2),
               f.top + f.plot_h - f.plot_h * v / top_value) for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points) if n > 1 else ""
    every = max(1, -(-n // 12))
    dots = [Dot(f"{x:.1f}", f"{y:.1f}", f"{label}: {_num(value)}", label if i % every == 0 else None)
            for i, ((x, y), label, value) in enumerate(zip(points, labels, values, strict=True))]
    return draw(Plot(title, _ticks(f, top_value), line=line, dots=dots), f)
