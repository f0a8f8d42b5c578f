"""Rota facts the engine describes in English (scheduling.demand.Need.describe), said in the
page's language with station names instead of ids (issue 17 item 10)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.web.staff_text import label, text
from scheduling.demand import LINE, Need


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def need_words(need: Need, places: Mapping[str, str], lang: str) -> str:
    """"1 English speaker on duty anywhere on the line, every hour", or its Chinese."""
    place = places.get(need.station, need.station)
    if lang == "en":
        return need.describe().replace(f"at {need.station},", f"at {place},")
    who = label("lang", need.language, lang) + text("admin.gap.speaker", lang) if need.language \
        else text("admin.gap.counselor", lang)
    where = text("admin.gap.whole_line", lang) if need.station == LINE else place
    when = text("admin.need.every_hour", lang) if need.hours is None \
        else f"{_hhmm(need.hours[0])}-{_hhmm(need.hours[1])}"
    return text("admin.need", lang, n=need.min_staff, who=who, where=where, when=when)
