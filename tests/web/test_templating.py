"""The template environment: every template compiles, values are escaped on their way into a
page, and template source lines are joined (no stray whitespace between tags)."""

from __future__ import annotations

import pytest

from bot.web.layout import Frame
from bot.web.templating import ENV, render


@pytest.mark.parametrize("name", ENV.list_templates())
def test_every_template_compiles(name: str) -> None:
    assert ENV.get_template(name) is not None


def test_values_from_people_are_escaped_in_attributes_and_text() -> None:
    hostile = '"><script>alert(1)</script>'
    page = render("login.html", frame=Frame("Log in", csrf=hostile), next_url=hostile, error=hostile)
    assert "<script>" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page  # next and csrf fields
    assert '<p class="error" role="alert">&#34;&gt;&lt;script&gt;' in page


def test_template_lines_are_joined_without_whitespace_between_tags() -> None:
    page = render("error.html", frame=Frame("404"), status=404, message="No page.")
    assert "\n" not in page
    assert '<section class="card"><h1>404</h1><p>No page.</p>' in page
