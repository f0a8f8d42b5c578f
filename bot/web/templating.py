"""Every page is a Jinja2 template under bot/web/templates/, rendered with autoescaping: a value
from the database or a person is escaped on its way into the page, and nothing builds HTML by
string formatting. Handlers answer through aiohttp-jinja2; pure pieces (calendar, charts) render
to `Markup` that a page template includes as it is.

Template source lines are joined when loaded (`JoinLines`): a line break and the indentation
after it vanish, so templates can be indented for reading while the page is as compact as one
written on a single line. Where the page needs a space between two inline pieces, the template
line ends with one.
"""

from __future__ import annotations

import re

import aiohttp_jinja2
import jinja2
from aiohttp import web
from jinja2.ext import Extension
from markupsafe import Markup

_LINE_BREAK = re.compile(r"\n[ \t]*")


class JoinLines(Extension):
    """Drop each line break and the indentation that follows it from the template source."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _LINE_BREAK.sub("", source)


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.web", "templates"),
    autoescape=True,  # every template, .html and .svg alike
    undefined=jinja2.StrictUndefined,  # a missing value is an error in the tests, not a blank
    extensions=[JoinLines],
)


def render(template: str, **context: object) -> Markup:
    """A template rendered to markup that other templates include without escaping it again."""
    return Markup(ENV.get_template(template).render(context))  # noqa: S704 (autoescaped output)


def setup(app: web.Application) -> None:
    """Make the shared environment the app's aiohttp-jinja2 environment."""
    app[aiohttp_jinja2.APP_KEY] = ENV


def respond(request: web.Request, template: str, context: dict[str, object],
            status: int = 200) -> web.Response:
    """Render `template` as this request's HTML answer (through aiohttp-jinja2)."""
    return aiohttp_jinja2.render_template(template, request, context, status=status)
