"""iCal export of duty spans, per counselor or per station (RFC 5545 via the icalendar package)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event

from scheduling.model import DutyAssignment, Rota

PRODID = "-//hotline//rota//EN"


def _event(rota: Rota, d: DutyAssignment, stamp: datetime) -> Event:
    ev = Event()
    station = rota.stations.get(d.station)
    person = rota.counselors.get(d.counselor)
    name = person.name if person else d.counselor
    # A stable UID per duty (rotation shift or change id, not the clipped start), so a calendar
    # that re-imports the feed updates events rather than duplicating them.
    key = (f"{d.rotation}-{d.slot}-{d.source or ''}" if d.rotation is not None
           else f"{d.source}-{d.start.astimezone(UTC):%Y%m%dT%H%M}")
    ev.add("uid", f"{d.station}-{key}-{d.counselor}-{d.layer.value}@hotline")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", d.start.astimezone(UTC))
    ev.add("dtend", d.end.astimezone(UTC))
    ev.add("summary", f"{name} on duty: {station.name if station else d.station}")
    ev.add("description", f"layer: {d.layer.value}" + (f", rotation: {d.rotation}" if d.rotation else ""))
    ev.add("categories", [d.layer.value])
    return ev


def to_ical(rota: Rota, duties: Iterable[DutyAssignment], title: str, stamp: datetime) -> bytes:
    """A calendar with one event per duty span; `stamp` is the DTSTAMP (inject the clock)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    for d in duties:
        cal.add_component(_event(rota, d, stamp))
    data: bytes = cal.to_ical()
    return data
