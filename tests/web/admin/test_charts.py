"""The SVG charts: well-formed, labelled, bars proportional to values."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bot.web.admin.charts import bar_chart, line_chart, nice_max

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_heights_are_proportional_to_values() -> None:
    svg = ET.fromstring(bar_chart(["a", "b"], [5, 10], "Handoffs"))

    heights = [float(r.get("height", "0")) for r in svg.iter(f"{SVG}rect")]

    assert heights[1] == pytest.approx(2 * heights[0])
    assert svg.get("aria-label") == "Handoffs"


def test_labels_from_the_database_are_escaped() -> None:
    svg = bar_chart(["<script>"], [1], "x")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_line_chart_has_one_dot_per_point_and_parses() -> None:
    svg = ET.fromstring(line_chart(["w1", "w2", "w3"], [0, 4, 2], "Conversations"))
    assert len(list(svg.iter(f"{SVG}circle"))) == 3


def test_empty_chart_still_renders() -> None:
    ET.fromstring(line_chart([], [], "nothing"))
    ET.fromstring(bar_chart([], [], "nothing"))


def test_axis_maximum_is_round() -> None:
    assert [nice_max(v) for v in (0, 3, 7, 11, 180, 240)] == [1, 5, 10, 20, 200, 250]
