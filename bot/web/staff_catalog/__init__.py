"""The staff pages' words, one module per area, each a dict of key -> (zh, en); merged into
`CATALOG` (a key defined twice is an error at import). Keys start with their area:
`common.`, `label kinds` (`state.`, `level.`, ...), `console.`, `admin.`, `login.`, `error.`.

Chinese is written as a Beijing counselor or coordinator would say it (值班, 接手, 转介, 危机等级),
not word for word."""

from __future__ import annotations

from bot.web.staff_catalog import admin, common, console, kb, labels, shifts

Entry = tuple[str, str]  # (zh, en)


def _merge(*parts: dict[str, Entry]) -> dict[str, Entry]:
    merged: dict[str, Entry] = {}
    for part in parts:
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"staff text keys defined twice: {sorted(twice)}")
        merged.update(part)
    return merged


CATALOG: dict[str, Entry] = _merge(common.TEXT, labels.TEXT, console.TEXT, admin.TEXT, shifts.TEXT, kb.TEXT,
                                   kb.STATES)
