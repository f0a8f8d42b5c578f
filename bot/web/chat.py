"""The resident web chat: `/chat` (page), `/chat/ws` (WebSocket), `/chat/state`, `/leave`.

Residents are anonymous: a random token in the encrypted session cookie is all that ties a
browser to its conversation; the chat key stored with the conversation is a keyed hash of it, and
no IP address is stored. Protocol (JSON frames):

    client: hello {last_seq, csrf, lang} · msg {cid, text} · button {cid, data} · lang {cid, lang}
            · forget {cid} · typing {} (no text: see bot/web/typing_relay.py)
    server: msg {seq, sender, text, buttons} · ack {cid, seq} · synced/state {state, risk}
            · typing {sender} · error {code}

The server resends everything after `last_seq` from the transcript; the client drops what it has
(by seq, and its own messages by client id). A re-sent client message is a replay: its update key
`web:<resident>:<cid>` was seen, so the service does nothing twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
from functools import partial

from aiohttp import WSMsgType, web

from bot.conversation.messages import Inbound, clean_text
from bot.conversation.turn import TurnOutcome, TurnResult
from bot.security.limits import limits_for
from bot.security.pacing import EdgePacer
from bot.web.auth import check_csrf, csrf_token
from bot.web.chat_page import chat_page, leave_page, pick_lang
from bot.web.chat_resync import resync_frames
from bot.web.keys import CONTAINER, PACER, WEB_CHANNEL
from bot.web.sessions import get_session
from bot.web.typing_relay import TYPING, Gate, TypingRelay
from bot.web.web_channel import NEW_STATE, WebChannel
from config.settings import Settings

log = logging.getLogger(__name__)
JsonObject = dict[str, object]  # a frame from the browser: any JSON object, checked field by field
MAX_QUEUED = 1000  # frames one socket may have waiting for their turn; past it "busy"
RESIDENT_KEY = "resident"
CID_MAX = 64


def chat_key_for(request: web.Request, token: str) -> str:
    """Keyed hash of the resident's cookie token: the database cannot be used to forge a cookie."""
    secret = request.app[CONTAINER].service.pseudonym_key
    return "w" + hmac.new(secret, f"web-chat:{token}".encode(), hashlib.sha256).hexdigest()[:40]


def same_origin(request: web.Request) -> bool:
    """WebSockets carry cookies cross-site: refuse a handshake from another origin."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser (tests, bench); a browser always sends Origin on WebSockets
    return origin.split("://", 1)[-1] == request.host


async def resident_token(request: web.Request, create: bool) -> str | None:
    session = await get_session(request)
    token = session.get(RESIDENT_KEY)
    if not isinstance(token, str) and create:
        token = secrets.token_urlsafe(24)
        session[RESIDENT_KEY] = token
    return token if isinstance(token, str) else None


async def page(request: web.Request) -> web.Response:
    await resident_token(request, create=True)
    container = request.app[CONTAINER]
    lang = pick_lang(request.query.get("lang"), request.cookies.get("hl"),
                     request.headers.get("Accept-Language"))
    html = chat_page(await csrf_token(request), lang, container.settings.max_message_chars,
                     quick_exit_url(container.settings), container.settings.config_dir)
    return web.Response(text=html, content_type="text/html")


def quick_exit_url(settings: Settings) -> str:
    """Where quick exit goes; a local neutral page by default (the machine may have no internet)."""
    return settings.quick_exit_url or "/leave"


async def leave(request: web.Request) -> web.Response:
    """The neutral page quick exit lands on. It changes nothing: a GET is not a resident's choice
    (a link prefetch or an image on another site fetches it too), so it never unlinked a chat
    safely (issue 19 finding 7); the quick-exit button unlinks by POST to /chat/unlink."""
    return web.Response(text=leave_page(), content_type="text/html")


async def unlink(request: web.Request) -> web.Response:
    """Quick exit, to /leave or another site: the page sends this beacon (with the CSRF token,
    checked by the middleware) on its way out, then replaces itself with the exit page."""
    session = await get_session(request)
    session.pop(RESIDENT_KEY, None)
    return web.Response(status=204)


async def state(request: web.Request) -> web.Response:
    token = await resident_token(request, create=False)
    frame = await request.app[WEB_CHANNEL].state_frame(chat_key_for(request, token)) if token else None
    return web.json_response(frame or NEW_STATE)


class ChatSocket:
    """One resident's open socket: resync, then turn each frame into one Inbound."""

    def __init__(self, request: web.Request, ws: web.WebSocketResponse, token: str) -> None:
        self.request, self.ws, self.token = request, ws, token
        self.container = request.app[CONTAINER]
        self.channel = request.app[WEB_CHANNEL]
        self.chat_key = chat_key_for(request, token)
        self.lang = "zh"
        self.queued: set[asyncio.Task[None]] = set()  # paced frames of a flood, in arrival order
        self.typing_gate = Gate()

    async def hello(self, data: JsonObject) -> bool:
        if not await check_csrf(self.request, data.get("csrf")):
            await self.ws.send_json({"type": "error", "code": "csrf"})
            return False
        self.lang = "en" if data.get("lang") == "en" else "zh"
        last = data.get("last_seq") or 0  # absent or null: a first hello
        # A message id: a whole number the database can hold (bool is an int in Python; a number
        # past 2**63 overflowed the query and closed the socket with 1011).
        if isinstance(last, bool) or not isinstance(last, int) or not 0 <= last < 2**62:
            await self.ws.send_json({"type": "error", "code": "bad_last_seq"})
            return False
        last_seq = last
        self.channel.attach(self.chat_key, self.ws)  # first attach, then read: no gap between them
        async with self.container.uow() as uow:
            conv = await uow.conversations.open_for("web", self.chat_key)
            rows = await uow.messages.after(conv.id, last_seq, limit=500) if conv else []
            frames = await resync_frames(uow, conv, rows) if conv and rows else []
        for frame in frames:
            await self.ws.send_json(frame)
        st = await self.channel.state_frame(self.chat_key)
        await self.ws.send_json({**(st or NEW_STATE), "type": "synced"})
        return True

    async def on_frame(self, data: JsonObject) -> None:
        kind, cid = data.get("type"), data.get("cid")
        if kind == "ping":
            await self.ws.send_json({"type": "pong"})
            return
        if kind == "typing":  # no answer, no error: a hint for the holder's console, or nothing
            if self.typing_gate.open():
                await self.request.app[TYPING].from_resident(self.chat_key)
            return
        if not isinstance(cid, str) or not 0 < len(cid) <= CID_MAX:
            await self.ws.send_json({"type": "error", "code": "bad_request"})
            return
        inbound = self._inbound(kind, cid, data)
        if inbound is None:
            await self.ws.send_json({"type": "error", "code": "bad_request", "cid": cid})
            return
        result = await self.container.service.handle(inbound)  # never raises: a failed turn is deferred
        seq = await self._ack_seq(inbound, result) if kind == "msg" else None
        await self.ws.send_json({"type": "ack", "cid": cid, "seq": seq})

    async def _ack_seq(self, inbound: Inbound, result: TurnResult) -> int | None:
        """The transcript number of the resident's message; None while it is not stored (deferred)."""
        if result.outcome is not TurnOutcome.REPLAYED:
            return result.inbound_seq
        # A replay stores nothing: its number is the first turn's, found by the stored text.
        try:
            return await self._resident_seq(inbound.text)
        except Exception as exc:  # database unavailable: the client asks again with the same id
            log.warning("no sequence number for an ack (%s)", exc.__class__.__name__)
            return None

    def _inbound(self, kind: object, cid: str, data: JsonObject) -> Inbound | None:
        make = partial(Inbound, channel="web", chat_key=self.chat_key, user_key=self.token,
                       update_key=f"web:{self.chat_key}:{cid}")
        if kind == "forget":  # the bot asks to confirm; the erase happens on the "forget:yes" button
            return make(kind="command", command="forget", lang_hint=self.lang)
        value = data.get("text") if kind == "msg" else data.get("data") if kind == "button" \
            else data.get("lang")
        if not isinstance(value, str):
            return None
        if kind == "msg":
            return make(text=value, lang_hint=self.lang)
        if kind == "button" and len(value) <= 64:
            return make(kind="callback", callback_data=value, lang_hint=self.lang)
        if kind == "lang" and value in ("zh", "en"):
            self.lang = value
            return make(kind="command", command="lang", args=(value,), lang_hint=value)
        return None

    async def _resident_seq(self, raw: str) -> int | None:
        """The transcript id of the resident's latest message with this text."""
        text = clean_text(raw)[: self.container.settings.max_message_chars]
        async with self.container.uow() as uow:
            conv = await uow.conversations.open_for("web", self.chat_key)
            recent = await uow.messages.recent(conv.id, 20) if conv else []
        for m, stored in reversed(recent):
            if m.sender == "resident" and stored == text:
                return m.id
        return None


async def chat_ws(request: web.Request) -> web.StreamResponse:
    if not same_origin(request):
        raise web.HTTPForbidden(text="cross-origin WebSocket refused")
    token = await resident_token(request, create=False)
    if token is None:
        raise web.HTTPForbidden(text="open /chat first")
    # Frames are bounded: a maximal message in UTF-8 plus the JSON around it (bot/security/limits.py).
    max_size = limits_for(request.app[CONTAINER].settings.max_message_chars).ws_frame_bytes
    ws = web.WebSocketResponse(max_msg_size=max_size, heartbeat=30)
    await ws.prepare(request)
    sock = ChatSocket(request, ws, token)
    try:
        await _serve_socket(ws, sock)
    except ConnectionError:
        pass  # the browser went away while we answered: it resyncs from the transcript
    except Exception:  # the socket is already open: close it plainly, never send a trace
        log.exception("chat socket failed")
        await ws.close(code=1011, message=b"server error, reconnecting")
    finally:
        request.app[WEB_CHANNEL].detach(sock.chat_key, ws)
    return ws


async def _serve_socket(ws: web.WebSocketResponse, sock: ChatSocket) -> None:
    ready = False
    async for msg in ws:
        if msg.type != WSMsgType.TEXT:
            continue
        try:
            data = json.loads(msg.data)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError:
            await ws.send_json({"type": "error", "code": "bad_json"})
            continue
        if not ready:
            ready = data.get("type") == "hello" and await sock.hello(data)
            if not ready:
                await ws.close(code=4403, message=b"hello with a valid token first")
            continue
        await pace_then_handle(ws, sock, data)


async def pace_then_handle(ws: web.WebSocketResponse, sock: ChatSocket, data: JsonObject) -> None:
    """Crisis words are handled at once; the rest of a flood waits for the resident's tokens in
    the background (bot/security/pacing.py), so reading this socket never stalls behind it."""
    text = data.get("text")
    pacer = sock.request.app[PACER]
    if data.get("type") != "msg" or not isinstance(text, str) \
            or await sock.container.service.is_urgent(text) or pacer.try_take(sock.chat_key):
        await sock.on_frame(data)
        return
    if len(sock.queued) >= MAX_QUEUED:
        await ws.send_json({"type": "error", "code": "busy", "cid": data.get("cid")})
        return

    async def later() -> None:
        await pacer.admit(sock.chat_key)
        try:  # handled even if the socket closed meanwhile: the message is stored, never lost
            await sock.on_frame(data)
        except (ConnectionResetError, RuntimeError):
            log.info("paced message handled after its socket closed")

    task = asyncio.create_task(later())
    sock.queued.add(task)
    task.add_done_callback(sock.queued.discard)


def register(app: web.Application) -> None:
    container = app[CONTAINER]
    channel = WebChannel(container.uow)
    container.senders["web"] = channel
    app[WEB_CHANNEL] = channel
    app[PACER] = EdgePacer()
    app[TYPING] = TypingRelay(container.uow, channel)
    app.router.add_get("/chat", page)
    app.router.add_get("/chat/ws", chat_ws)
    app.router.add_get("/chat/state", state)
    app.router.add_post("/chat/unlink", unlink)
    app.router.add_get("/leave", leave)
