"""The address a request came from, for budgets and the login throttle (never stored or logged).

Behind the reverse proxy of deploy/nginx.conf every request comes from 127.0.0.1 and the client's
address is the last entry of X-Forwarded-For (nginx appends the address it saw). A request from
anywhere else is taken at its word of its peer address: a client cannot name itself in a header.
"""

from __future__ import annotations

import ipaddress

from aiohttp import web


def _loopback(peer: str) -> bool:
    try:
        return ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False


def client_address(request: web.Request) -> str:
    peer = request.remote or "unknown"
    forwarded = request.headers.get("X-Forwarded-For", "") if _loopback(peer) else ""
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last[:64] if last else peer


def from_this_machine(request: web.Request) -> bool:
    """Loopback with no proxy header: the operator's own tools on this host (the benches, which
    play hundreds of residents from 127.0.0.1), not a visitor coming through the proxy."""
    return _loopback(request.remote or "") and "X-Forwarded-For" not in request.headers
