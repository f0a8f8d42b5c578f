"""A latency histogram as a small SVG (no chart library), with p50 and p95 marked."""

from __future__ import annotations

import math


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of `values` (q in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))]


def histogram_svg(latencies_ms: list[float], title: str, bins: int = 40) -> str:
    """A plain SVG histogram of reply latency with p50 and p95 marked (no chart library)."""
    w, h, pad = 640, 260, 40
    top = max(latencies_ms)
    width = top / bins or 1.0
    counts = [0] * bins
    for x in latencies_ms:
        counts[min(bins - 1, int(x / width))] += 1
    peak = max(counts) or 1
    bar_w = (w - 2 * pad) / bins
    bars = "".join(
        f'<rect x="{pad + i * bar_w:.1f}" y="{h - pad - c / peak * (h - 2 * pad):.1f}" '
        f'width="{bar_w - 1:.1f}" height="{c / peak * (h - 2 * pad):.1f}" fill="#1d5fbf"/>'
        for i, c in enumerate(counts))
    marks = ""
    for label, q in (("p50", 0.5), ("p95", 0.95)):
        v = percentile(latencies_ms, q)
        x = pad + v / (width * bins) * (w - 2 * pad)
        marks += (f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{pad}" y2="{h - pad}" stroke="#b3261e"/>'
                  f'<text x="{x + 3:.1f}" y="{pad + 12}" font-size="11">{label} {v:.0f} ms</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif">'
            f'<text x="{pad}" y="20" font-size="13">{title}</text>{bars}{marks}'
            f'<text x="{pad}" y="{h - 12}" font-size="11">0 ms</text>'
            f'<text x="{w - pad - 60}" y="{h - 12}" font-size="11">{top:.0f} ms</text></svg>')
