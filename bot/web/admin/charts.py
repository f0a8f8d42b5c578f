"""Tiny server-side SVG charts (bar and line) for the reports: no chart library, no script, no
inline style (the CSP forbids it), so colours are presentation attributes and CSS classes.

Each chart is an accessible image (`role="img"` with a label); the page shows the same numbers in
a table beside it, so nothing is only in the picture.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

esc = html.escape


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


def _axes(f: Frame, top_value: float, title: str) -> list[str]:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {f.width} {f.height}" '
             f'class="chart" role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>']
    for i in range(5):
        value = top_value * i / 4
        y = f.top + f.plot_h - f.plot_h * i / 4
        parts.append(f'<line class="grid" x1="{f.left}" x2="{f.width - f.right}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#e3e6ea"/>')
        parts.append(f'<text class="tick" x="{f.left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="11" fill="#555e69">{_num(round(value, 2))}</text>')
    return parts


def _label(f: Frame, x: float, text: str) -> str:
    return (f'<text class="label" x="{x:.1f}" y="{f.height - f.bottom + 16}" text-anchor="middle" '
            f'font-size="11" fill="#1b1f24">{esc(text)}</text>')


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str,
              classes: Sequence[str] = (), frame: Frame = Frame()) -> str:
    """Vertical bars, one per label, each with its value written above it."""
    if len(labels) != len(values):
        raise ValueError("bar_chart needs one value per label")
    f = frame
    top_value = nice_max(max(values, default=0))
    parts = _axes(f, top_value, title)
    slot = f.plot_w / max(len(values), 1)
    bar_w = slot * 0.6
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = f.plot_h * value / top_value
        x = f.left + slot * i + (slot - bar_w) / 2
        y = f.top + f.plot_h - h
        cls = f"bar {classes[i]}" if i < len(classes) else "bar"
        parts.append(f'<rect class="{esc(cls)}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                     f'height="{h:.1f}" fill="#1d5fbf"><title>{esc(label)}: {_num(value)}</title></rect>')
        parts.append(f'<text class="value" x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                     f'font-size="11" fill="#1b1f24">{_num(value)}</text>')
        parts.append(_label(f, x + bar_w / 2, label))
    parts.append("</svg>")
    return "".join(parts)


def line_chart(labels: Sequence[str], values: Sequence[float], title: str,
               frame: Frame = Frame()) -> str:
    """A polyline with a dot per point; labels thinned so at most about 12 show on the axis."""
    if len(labels) != len(values):
        raise ValueError("line_chart needs one value per label")
    f = frame
    top_value = nice_max(max(values, default=0))
    parts = _axes(f, top_value, title)
    n = len(values)
    step_x = f.plot_w / max(n - 1, 1)
    points = [(f.left + (step_x * i if n > 1 else f.plot_w / 2),
               f.top + f.plot_h - f.plot_h * v / top_value) for i, v in enumerate(values)]
    if n > 1:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="line" points="{coords}" fill="none" stroke="#1d5fbf" '
                     'stroke-width="2"/>')
    every = max(1, -(-n // 12))
    for i, ((x, y), label, value) in enumerate(zip(points, labels, values, strict=True)):
        parts.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1d5fbf">'
                     f'<title>{esc(label)}: {_num(value)}</title></circle>')
        if i % every == 0:
            parts.append(_label(f, x, label))
    parts.append("</svg>")
    return "".join(parts)
