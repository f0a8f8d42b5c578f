"""CSV cells a spreadsheet would run as a formula are quoted (OWASP CSV injection list)."""

from __future__ import annotations

import pytest

from bot.web.admin.report_pages import safe_cell


@pytest.mark.parametrize("value", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_formula_starts_are_quoted(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-3", "+4.5", "海淀区", "hd", ""])
def test_numbers_and_plain_text_are_kept(value: str) -> None:
    assert safe_cell(value) == value
