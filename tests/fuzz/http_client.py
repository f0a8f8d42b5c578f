"""Raw hostile HTTP for the fuzz tests: every route of the real app, filled with odd values."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web
from hypothesis import strategies as st
from yarl import URL

from tests.fuzz.strategies import hostile_text

# What a Python error leaks when it reaches a person: the trace, a file path, an exception name.
LEAKS = re.compile(r"Traceback|File \"|\.py\", line|\b[A-Z][A-Za-z]*(Error|Exception)\b: |"
                   r"site-packages|sqlalchemy|aiosqlite|asyncpg")
FORM_FIELDS = ("login", "password", "next", "back", "counselor_id", "station", "start", "end",
               "requester", "other", "reason", "hours", "text", "outcome", "available")
MAX_BODY = 256 * 1024


def pct(text: str, safe: str = "") -> str:
    """Percent-encoding that survives lone surrogates (sent as the bytes a broken client sends)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe=safe)


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # e.g. /console/api/handoffs/{hid}


def app_routes(app: web.Application) -> list[Route]:
    """Every route the app serves, from its router (new routes are covered without edits here)."""
    found = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        template = info.get("formatter") or info.get("path") or (
            info["prefix"] + "/{filename}" if "prefix" in info else None)
        if template and route.method != "*":
            found.add(Route(route.method, template))
    return sorted(found, key=lambda r: (r.template, r.method))


path_values = st.one_of(
    st.integers(-5, 10).map(str), st.sampled_from(["0", "1", "99999999999999999999", "-1", "²", "١٢",
                                                   "approve", "decline", "..", "%2e%2e", "c1", "k1"]),
    hostile_text.map(lambda t: t[:40]).filter(bool))
query_strings = st.one_of(
    st.just(""),
    st.dictionaries(st.sampled_from(["next", "view", "date", "station", "from", "to", "done", "lang",
                                     "hid", "x"]), hostile_text.map(lambda t: t[:200]), max_size=4)
    .map(lambda d: "&".join(f"{k}={pct(v)}" for k, v in d.items())),
    st.sampled_from(["%zz", "a=%ff%fe", "&&&=", "next=//evil.example", "next=/\\evil", "date=9999-99-99",
                     "date=0001-01-01", "from=2026-13-40&to=x", "view=" + "m" * 5000]),
)
json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(
    allow_nan=False, allow_infinity=False), hostile_text.map(lambda t: t[:300])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(FORM_FIELDS + ("followup",)), inner, max_size=4)),
    max_leaves=8)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """(body, content type): malformed JSON, wrong types, forms, junk, and bodies over the limit."""
    kind = draw(st.sampled_from(["none", "json", "bad_json", "form", "multipart_lie", "junk", "huge",
                                 "wrong_type"]))
    if kind == "none":
        return b"", None
    if kind == "json":
        return json.dumps(draw(json_values)).encode(), "application/json"
    if kind == "bad_json":
        return draw(st.sampled_from([b'{"text": ', b"[1,", b"\xff\xfe{}", b"NaN", b'{"a":1}}', b"\x00"])), \
            "application/json"
    if kind == "form":
        fields = draw(st.dictionaries(st.sampled_from(FORM_FIELDS), hostile_text.map(lambda t: t[:300]),
                                      max_size=5))
        body = "&".join(f"{k}={pct(v)}" for k, v in fields.items())
        return body.encode(), "application/x-www-form-urlencoded"
    if kind == "multipart_lie":
        return b"not really multipart", "multipart/form-data; boundary=xyz"
    if kind == "huge":
        return b"x" * (MAX_BODY + 1024), draw(st.sampled_from(["application/json", "text/plain",
                                                               "application/x-www-form-urlencoded"]))
    if kind == "wrong_type":
        return b'{"available": true}', draw(st.sampled_from(["text/xml", "image/png", "", "application/json;"
                                                             " charset=utf-16", "multipart/mixed"]))
    return draw(st.binary(max_size=500)), draw(st.sampled_from([None, "application/octet-stream"]))


def fill(template: str, values: list[str]) -> str:
    """The route's path with each {placeholder} replaced by a (percent-encoded) hostile value."""
    it = iter(values)
    return re.sub(r"\{[^}]+\}", lambda _m: pct(next(it, "1"), safe="%"), template)


@dataclass
class Attempt:
    method: str
    path: str
    query: str
    body: bytes
    content_type: str | None
    csrf: str  # valid | missing | wrong

    async def send(self, http: aiohttp.ClientSession, base: str, token: str) -> tuple[int, str]:
        headers: dict[str, str] = {}
        if self.content_type is not None:
            headers["Content-Type"] = self.content_type
        if self.csrf != "missing":
            headers["X-CSRF-Token"] = token if self.csrf == "valid" else "forged-token"
        url = URL(base + self.path + (f"?{self.query}" if self.query else ""), encoded=True)
        async with http.request(self.method, url, data=self.body or None, headers=headers,
                                allow_redirects=False) as resp:
            return resp.status, await resp.text(errors="replace")


def describe(a: Attempt) -> Any:
    return {"method": a.method, "path": a.path, "query": a.query[:100], "ct": a.content_type,
            "body": a.body[:100], "csrf": a.csrf}
