"""A counselor's own duty as an iCalendar feed (RFC 5545) behind a secret URL (issue 16 item 13).

Calendar apps fetch `/ical/<token>.ics` without a login, so the token is the only secret: 32 random
bytes, shown once, stored only as its SHA-256 (`calendar_feeds`), replaced by a new one or deleted
from the console's My shifts page. The feed carries shift times, the station's name and the layer
that put the person on duty; never a resident, a chat or a colleague's name.

Written with the standard library: lines end in CRLF and are folded at 75 octets without cutting a
UTF-8 character (RFC 5545 3.1), text values are escaped (3.3.11), times are UTC (`...Z`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from bot.services.rota import RotaService
from bot.services.rota_requests import home_tz
from bot.storage.rota_request_tables import CalendarFeedRow
from bot.storage.uow import UnitOfWork

PRODID = "-//hotline//my shifts//EN"
PAST = timedelta(days=14)  # a calendar keeps the last two weeks' shifts visible
AHEAD = timedelta(days=56)
LINE_OCTETS = 75
ROLE = {"rotation": "rota shift", "override": "cover (override)", "swap": "swap",
        "leave_cover": "covering leave"}


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded so no physical line exceeds 75 octets (CRLF not counted);
    each continuation starts with one space, and no UTF-8 character is split."""
    out, cur, limit = [], b"", LINE_OCTETS
    for ch in line:
        b = ch.encode()
        if len(cur) + len(b) > limit:
            out.append(cur)
            cur, limit = b" ", LINE_OCTETS
        cur += b
    out.append(cur)
    return b"\r\n".join(out) + b"\r\n"


def utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, events: Iterable[FeedEvent], stamp: datetime) -> bytes:
    """A VCALENDAR with one VEVENT per event; `stamp` is every DTSTAMP (the injected clock)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]
    for ev in events:
        lines += ["BEGIN:VEVENT", f"UID:{ev.uid}", f"DTSTAMP:{utc(stamp)}", f"DTSTART:{utc(ev.start)}",
                  f"DTEND:{utc(ev.end)}", f"SUMMARY:{escape(ev.summary)}"]
        if ev.description:
            lines.append(f"DESCRIPTION:{escape(ev.description)}")
        lines += ["TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


async def duty_events(rota: RotaService, who: str, now: datetime) -> list[FeedEvent]:
    """`who`'s shifts over the two weeks before today and eight weeks from today (leave, swaps and
    overrides applied)."""
    stored = await rota.rota()
    places = {s.id: s.name for s in stored.stations.values()}
    tz = home_tz(stored, who)  # whole local days, so no shift is cut at either end
    today = datetime.combine(now.astimezone(tz).date(), datetime.min.time(), tz)
    out = []
    for d in await rota.shifts(today - PAST, today + AHEAD):
        if d.counselor != who:
            continue
        # Stable per duty (the rotation's shift or the change behind it), so a calendar that
        # fetches again updates events instead of adding copies; a hash keeps ids out of it.
        key = f"{d.station}|{d.rotation}|{d.slot}|{d.source}|{d.layer.value}|{who}|{utc(d.start)}"
        role = ROLE.get(d.layer.value, d.layer.value)
        out.append(FeedEvent(hashlib.sha256(key.encode()).hexdigest()[:32] + "@hotline", d.start, d.end,
                             f"On duty: {places.get(d.station, d.station)}", f"Role: {role}"))
    return out


# ---- the secret token ------------------------------------------------------------------------
def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_feed(uow: UnitOfWork, who: str, now: datetime) -> str:
    """A new feed token for `who` (the old URL stops working); returns the token, shown once."""
    token = secrets.token_urlsafe(32)
    await uow.session.execute(delete(CalendarFeedRow).where(CalendarFeedRow.counselor_id == who))
    uow.session.add(CalendarFeedRow(counselor_id=who, token_hash=token_hash(token), created_at=now))
    await uow.session.flush()
    await uow.audit.append(who, "calendar.feed_new", f"counselor:{who}", now, {})
    return token


async def revoke_feed(uow: UnitOfWork, who: str, now: datetime) -> bool:
    """Delete `who`'s feed; False when there was none."""
    gone = await uow.session.execute(delete(CalendarFeedRow).where(CalendarFeedRow.counselor_id == who))
    if not getattr(gone, "rowcount", 0):
        return False
    await uow.audit.append(who, "calendar.feed_revoke", f"counselor:{who}", now, {})
    return True


async def feed_since(uow: UnitOfWork, who: str) -> datetime | None:
    """When `who`'s live feed was made; None without one."""
    row = await uow.session.get(CalendarFeedRow, who)
    return row.created_at if row is not None else None


async def feed_owner(uow: UnitOfWork, token: str) -> str | None:
    """The counselor a token belongs to, or None (unknown, revoked or replaced)."""
    if not token or len(token) > 128:
        return None
    return await uow.session.scalar(select(CalendarFeedRow.counselor_id)
                                    .where(CalendarFeedRow.token_hash == token_hash(token)))
