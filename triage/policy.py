"""Policy: lexicon findings + classifier probabilities -> one level with its reasons.

Unambiguous crisis phrases (floor terms) set a level the classifier cannot lower; softer terms
can be lowered one step by a confident classifier; the classifier alone can raise a message.
Combinations follow the risk levels of docs/ARCHITECTURE.md: ideation, self-harm or a plan
together with means or a time, or a farewell next to ideation, is imminent.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.content import content_size
from triage.levels import Assessment, Lang, Level, higher, level_at, rank
from triage.rules import Finding
from triage.settings import ClassifierThresholds

CRISIS = {"ideation", "self_harm", "plan", "farewell"}
VIOLENCE = {"violence_to_others", "violence_from_others"}
COMBINERS = {"means", "time"}
LEVEL_SCORE = {"none": 0.0, "low": 0.25, "medium": 0.5, "high": 0.8, "imminent": 1.0}
CLASSES = ("none", "low", "medium", "crisis")


@dataclass(frozen=True)
class Probs:
    """Classifier probabilities for none, low, medium, crisis."""

    none: float
    low: float
    medium: float
    crisis: float


def _quote(text: str, f: Finding) -> str:
    return text[f.hit.start:f.hit.end]


def _combo(live: list[Finding]) -> tuple[Level, bool]:
    """(imminent or none from combinations, whether a floor term took part)."""
    now = [f for f in live if not f.past and not f.joking]
    farewells = [f for f in now if f.hit.entry.category == "farewell" and rank(f.hit.entry.level) >= 2]
    anchors = farewells + [f for f in now if f.hit.entry.category in CRISIS | VIOLENCE
                           and f.hit.entry.category != "farewell" and rank(f.hit.entry.level) >= 3]
    joined = any(f.hit.entry.category in COMBINERS for f in now)
    other = [f for f in now if f.hit.entry.category in CRISIS - {"farewell"} | {"hopelessness"}
             and rank(f.hit.entry.level) >= 2]
    if anchors and (joined or (farewells and other)):
        return "imminent", any(f.hit.entry.floor for f in anchors + other)
    # Two separate farewell signs of high weight ("谢谢你们一直以来的帮助" ... "猫已经托付给朋友了，再见").
    goodbyes = [f for f in farewells if rank(f.hit.entry.level) >= 3]
    if any(a.hit.end <= b.hit.start for a in goodbyes for b in goodbyes):
        return "imminent", any(f.hit.entry.floor for f in goodbyes)
    return "none", False


def _lexicon_levels(live: list[Finding]) -> tuple[Level, Level]:
    """(floor level, soft level) from the terms that count."""
    floor: Level = "none"
    soft: Level = "none"
    for f in live:
        lvl = f.hit.entry.level
        if f.past and lvl == "imminent":
            lvl = "high"  # a past plan is history of risk, not danger now
        if f.joking and rank(lvl) > 2:
            lvl = "medium"  # a joke (rules.py): a counselor is offered, nobody is paged
        if f.mild and lvl == "medium":
            lvl = "low"  # "有点孤单", "a bit lonely": everyday low mood (rules.py), self-help first
        if f.hit.entry.floor:
            floor = higher(floor, lvl)
        else:
            soft = higher(soft, lvl)
    combo, combo_floor = _combo(live)
    if combo_floor:
        floor = higher(floor, combo)
    else:
        soft = higher(soft, combo)
    return floor, soft


def _supported(findings: list[Finding]) -> bool:
    """Whether a lexicon word of medium or above backs the classifier.

    Everyday words ("worried", "exam", "压力") do not: the model, trained mostly on Chinese,
    put "my cat is sick and I'm worried" over the supported threshold. Measured on the held-out
    PsySUICIDE valid rows: false urgent 0.060 -> 0.040 at the same crisis recall.
    """
    return any(rank(f.hit.entry.level) >= 2 and not f.mild for f in findings)  # "有点孤单" is no support


def _classifier_level(p: Probs, th: ClassifierThresholds, alone: bool) -> Level:
    if p.crisis >= (th.high_alone if alone else th.high):
        return "high"
    medium = th.medium_alone if alone and th.medium_alone is not None else th.medium
    if p.crisis + p.medium >= medium:
        return "medium"
    if p.crisis + p.medium + p.low >= th.low:
        return "low"
    return "none"


def decide(text: str, findings: list[Finding], lang: Lang, probs: Probs | None,
           th: ClassifierThresholds, classifier_note: str | None = None,
           figurative: bool = False, raw: str = "") -> Assessment:
    """Combine what the lexicon, the rules and the classifier found into one Assessment.

    `raw`: the message before normalising, for the words it hides behind symbols (content.py).

    `figurative`: the text holds an idiom or a question/story cue, so the classifier alone may
    raise it at most to `context_cap` unless a crisis word counts.
    """
    live = [f for f in findings if f.live]
    floor, soft = _lexicon_levels(live)
    reasons = [f'{f.hit.entry.category}: "{_quote(text, f)}"' + (" (past)" if f.past else "")
               + (" (said as a joke: medium at most)" if f.joking else "")
               + (" (hedged: low)" if f.mild else "") for f in live]
    reasons += [f'not counted ({f.status}): "{_quote(text, f)}"' for f in findings if not f.live]
    level: Level = higher(floor, soft)
    ran = probs is not None
    thin = not findings and content_size(text, raw) < th.min_content
    if probs is not None and thin:
        # Too little content to judge ("谢谢", "ok bye", "不是"): the classifier's confidence on such
        # a line echoes the conversations it was trained on, not the line (triage/content.py).
        probs = None
        reasons.append("too short to judge alone: read with the conversation")
    if probs is not None:
        if probs.none >= th.benign_confidence and rank(soft) > rank(floor):
            soft = level_at(rank(soft) - 1)  # softer words, confidently benign message
            level = higher(floor, soft)
        cls_level = _classifier_level(probs, th, alone=not _supported(findings))
        if (figurative or len(live) < len(findings)) and rank(floor) < 3 and rank(soft) < 3:
            cls_level = level_at(min(rank(cls_level), rank(th.context_cap)))
        if rank(cls_level) > rank(level):
            reasons.append(f"classifier: {cls_level} (crisis p={probs.crisis:.2f})")
        level = higher(level, cls_level)
    if classifier_note:
        reasons.append(classifier_note)
    third = any(f.third_person and rank(f.hit.entry.level) >= 3 for f in live)
    if third:
        reasons.append("about someone else: still a person at risk")
    score = max(LEVEL_SCORE[higher(floor, soft)], probs.crisis if probs else 0.0)
    cats = tuple(dict.fromkeys(f.hit.entry.category for f in live))
    cats += tuple(dict.fromkeys(f.status for f in findings if not f.live))
    return Assessment(level=level, score=min(1.0, score), categories=cats,
                      reasons=tuple(dict.fromkeys(reasons)), lang=lang, third_person=third,
                      classifier_used=ran, thin=thin)
