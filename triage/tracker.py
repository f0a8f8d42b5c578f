"""Conversation-level risk: recent assessments held, then decaying slowly.

Pure and JSON-friendly: the memory is a list of plain dicts the application stores as it likes.
A message's level is held for `hold_minutes[level]`, then drops one step per `step_minutes`
(config/triage.yaml), so one calm line after "I have the pills here" is still imminent.

A message read with the turns before it (TriageEngine.assess_in_context) re-reads those turns:
`reread_since` is the time of the oldest turn in that reading, and the memory entries from then
on are replaced by the new reading (which holds their words and, now, their context: "绳子买好了"
then "明天去露营"). Nothing older is touched, and a re-reading only lowers an earlier level
through the same rules that read every message (idioms, fiction, near-miss contexts).

The returned Assessment says what the conversation layer needs: `own_level` (this message read
alone) and `held` (the level is carried from earlier turns or memory, not raised by this message
itself: answer the message, and do not offer a counselor again on every line).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from triage.levels import LEVELS, Assessment, Lang, level_at, rank
from triage.settings import TrackerTimings


def _effective(entry: dict[str, Any], now: float, timings: TrackerTimings) -> int:
    level = str(entry.get("level", "none"))
    age_min = max(0.0, (now - float(entry.get("t", now))) / 60)
    hold = float(timings.hold_minutes.get(level, 0))
    if age_min <= hold:
        return rank(level)
    return max(0, rank(level) - 1 - int((age_min - hold) // timings.step_minutes))


def _valid(entry: object) -> bool:
    return (isinstance(entry, dict) and entry.get("level") in LEVELS
            and isinstance(entry.get("t"), int | float))


def track(memory: list[dict[str, Any]], assessment: Assessment, now: datetime,
          timings: TrackerTimings | None = None, reread_since: datetime | None = None
          ) -> tuple[Assessment, list[dict[str, Any]]]:
    """The conversation-level assessment after `assessment`, and the memory to store.

    Malformed memory entries are dropped rather than raising: a bad row must not stop triage.
    """
    timings = timings or TrackerTimings()
    t = now.timestamp()
    since = reread_since.timestamp() if reread_since is not None else None
    own = assessment.own_level or assessment.level  # the message alone (assess_in_context sets it)
    assessment = replace(assessment, own_level=own, held=rank(assessment.level) > rank(own))
    entry = {"t": t, "level": assessment.level, "score": round(assessment.score, 4),
             "categories": list(assessment.categories), "reasons": list(assessment.reasons)[:8],
             "third_person": assessment.third_person}
    kept = [dict(e) for e in memory if _valid(e) and float(e["t"]) <= t
            and (since is None or float(e["t"]) < since)]
    scored = [(_effective(e, t, timings), e) for e in kept]
    kept = [e for lvl, e in scored if lvl > 0][-(timings.max_entries - 1):] + [entry]
    top_level, top = max(((_effective(e, t, timings), e) for e in kept), key=lambda x: (x[0], x[1]["t"]))
    if top is entry or top_level <= rank(assessment.level):
        return assessment, kept
    minutes = int((t - float(top["t"])) // 60)
    reasons = tuple(top.get("reasons", [])) + (f"held from a message {minutes} min ago",)
    lang: Lang = assessment.lang
    cats = tuple(dict.fromkeys([*top.get("categories", []), *assessment.categories]))
    combined = Assessment(level=level_at(top_level), score=max(assessment.score, float(top.get("score", 0))),
                          categories=cats, reasons=reasons, lang=lang,
                          third_person=bool(top.get("third_person", False)),
                          classifier_used=assessment.classifier_used, thin=assessment.thin,
                          own_level=own, held=True)
    return combined, kept
