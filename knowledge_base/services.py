"""The service directory (config/services.yaml) and answers to "what is open now, what can I call".

Pure: the current time is always passed in (`now`), converted to the directory's time zone.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from knowledge_base.scope import LINES, OPEN_NOW

Level = Literal["city", "district", "street", "community"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
LEVEL_ORDER = {"district": 0, "street": 1, "community": 2, "city": 3}


class Local(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Line(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: str
    zh: str
    en: str
    hours: Literal["24h"]
    languages: list[str]


class District(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str
    aliases: list[str] = Field(default_factory=list)

    def get_name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Station(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    level: Level
    demo: bool
    district: str
    name: Local
    address: Local
    hours: dict[str, list[str]]
    languages: list[str]

    @field_validator("hours")
    @classmethod
    def _spans(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, spans in v.items():
            if day not in DAYS:
                raise ValueError(f"unknown weekday {day!r} (use {', '.join(DAYS)})")
            for s in spans:
                if not SPAN.match(s) or s[:5] >= s[6:]:
                    raise ValueError(f"{day}: {s!r} is not an HH:MM-HH:MM span")
        return v

    def spans(self, weekday: int) -> list[tuple[time, time]]:
        out = []
        for s in self.hours.get(DAYS[weekday], []):
            end = time.max if s[6:] == "24:00" else time.fromisoformat(s[6:])
            out.append((time.fromisoformat(s[:5]), end))
        return out

    def is_open(self, local: datetime) -> bool:
        """Open at this local time (span start inclusive, end exclusive)."""
        return any(a <= local.time() < b for a, b in self.spans(local.weekday()))

    def next_opening(self, local: datetime) -> datetime | None:
        """The next local time this station opens, within a week."""
        for days in range(8):
            day = (local + timedelta(days=days)).date()
            for a, _ in self.spans(day.weekday()):
                at = datetime.combine(day, a, local.tzinfo)
                if at > local:
                    return at
        return None


class Directory(BaseModel):
    """config/services.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    timezone: str
    lines: list[Line] = Field(min_length=1)
    districts: dict[str, District]
    stations: list[Station]

    def local(self, now: datetime) -> datetime:
        """`now` in the directory's zone; a naive time is taken to be local already."""
        tz = ZoneInfo(self.timezone)
        return now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)

    def district_in(self, question: str) -> str | None:
        """The district a question names (海淀, Haidian, 中关村...), if any."""
        q = question.lower()
        for key, d in self.districts.items():
            if any(name.lower() in q for name in (d.zh, d.en, *d.aliases)):
                return key
        return None

    def open_now(self, now: datetime, district: str | None = None) -> list[Station]:
        """Stations open at `now`, nearest level first, optionally in one district."""
        local = self.local(now)
        found = [s for s in self.stations if s.is_open(local) and district in (None, s.district)]
        return sorted(found, key=lambda s: LEVEL_ORDER[s.level])


_WORDS = {
    "zh": {"lines": "24小时热线（任何时候都可以打）：", "open": "现在开放", "closed": "现在未开放",
           "next": "下次开放", "none_open": "{where}现在没有开放的服务站。", "stations": "{where}的服务站：",
           "open_list": "现在开放的服务站：",
           "elsewhere": "其他地方现在开放的：", "demo": "（示例数据，上线前由运营方替换）", "all": "北京",
           "sep": "；", "person": "也可以点“找咨询师”，由值班咨询师和你聊。"},
    "en": {"lines": "24-hour lines (any time, day or night):", "open": "open now", "closed": "closed now",
           "next": "next opens", "none_open": "No station in {where} is open right now.",
           "stations": "Stations in {where}:", "open_list": "Stations open right now:",
           "elsewhere": "Open right now elsewhere:",
           "demo": "(demo data, to be replaced by the operator before going live)", "all": "Beijing",
           "sep": "; ", "person": "You can also tap “Talk to a counselor” to reach the counselor on duty."},
}


def _station_line(s: Station, local: datetime, lang: str) -> str:
    w = _WORDS[lang]
    status = w["open"]
    if not s.is_open(local):
        nxt = s.next_opening(local)
        status = w["closed"]
        if nxt is not None:
            day = _ZH_DAYS[nxt.weekday()] if lang == "zh" else nxt.strftime("%a")
            status += f"{w['sep']}{w['next']} {day} {nxt:%H:%M}"
    return f"• {s.name.get(lang)} — {s.address.get(lang)} ({status})"


_ZH_DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _lines_block(d: Directory, lang: str) -> str:
    w = _WORDS[lang]
    body = "\n".join(f"• {ln.number} {ln.zh if lang == 'zh' else ln.en}" for ln in d.lines)
    return f"{w['lines']}\n{body}"


def _by_level(stations: list[Station]) -> list[Station]:
    return sorted(stations, key=lambda s: LEVEL_ORDER[s.level])


def _stations_part(d: Directory, question: str, district: str | None, local: datetime, lang: str) -> str:
    """The stations block: open ones (or all in the district), else when the district's next open."""
    w = _WORDS[lang]
    where = d.districts[district].get_name(lang) if district else w["all"]
    wants_open = bool(OPEN_NOW.search(question))
    in_area = _by_level([s for s in d.stations if district in (None, s.district)])
    chosen = d.open_now(local, district) if wants_open else in_area
    if chosen:
        head = w["open_list"] if wants_open and district is None else w["stations"].format(where=where)
        return head + "\n" + "\n".join(_station_line(s, local, lang) for s in chosen[:6])
    text = w["none_open"].format(where=where) + "\n" + "\n".join(
        _station_line(s, local, lang) for s in in_area[:4])
    elsewhere = d.open_now(local)
    if elsewhere:  # another district's centre is open now: worth the trip for some
        text += "\n" + w["elsewhere"] + "\n" + "\n".join(_station_line(s, local, lang) for s in elsewhere[:3])
    return text


def services_answer(d: Directory, question: str, lang: str, now: datetime | None) -> str:
    """A directory answer: the named district's stations (or those open now), then the 24-hour lines.

    Lines come first when the question asks for a number or nothing is open; without `now` the
    stations are listed without an open/closed status.
    """
    w = _WORDS[lang]
    district = d.district_in(question)
    local = d.local(now) if now is not None else None
    parts: list[str] = []
    if local is None:
        where = d.districts[district].get_name(lang) if district else w["all"]
        chosen = _by_level([s for s in d.stations if district in (None, s.district)])
        parts.append(w["stations"].format(where=where) + "\n" + "\n".join(
            f"• {s.name.get(lang)} — {s.address.get(lang)}" for s in chosen))
    elif district is not None or not LINES.search(question) or OPEN_NOW.search(question):
        parts.append(_stations_part(d, question, district, local, lang))
    lines_first = bool(LINES.search(question)) or (local is not None and not d.open_now(local))
    block = _lines_block(d, lang)
    parts = [block, *parts] if lines_first else [*parts, block]
    if any(s.demo for s in d.stations):
        parts.append(w["demo"])
    parts.append(w["person"])
    return "\n\n".join(parts)
