"""Context rules: decide for each risk hit whether it counts, and what it says about whom.

A hit is discounted when it sits inside an idiom (笑死, "killing me"), is negated right before it
(我不想死, "I am not going to kill myself"), is a bare topic word in a question or a story ("what
are the signs of suicide"), follows a hypothetical about someone else, or is past and resolved.
Third person is noted, never discounted: someone is at risk (docs/ARCHITECTURE.md). A joke is noted and only
softens: a threat to others next to laughter ("我要杀了他哈哈", "I'll murder him lol"), or a wish to
die the writer says is a joke ("我要紫砂（开玩笑的）", "jk"), counts as medium, never as nothing;
laughter alone does not soften a wish to die (people mask real pain with "哈哈").
A hedge right before a mood that comes in degrees ("有点孤单", "a bit lonely", "有时候会觉得孤单")
is noted as mild: everyday low mood, not the serious distress that offers a counselor (policy.py).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from triage.lexicon import Hit
from triage.normalise import Normalised

# Words that may stand between a negation and the term it negates ("不会想死", "not going to").
_ZH_FILLER = set("我想会要是再去有过在敢也都还就真的打算准备太")
_EN_FILLER = {"going", "to", "gonna", "ever", "really", "actually", "planning", "trying", "want",
              "wanting", "thinking", "of", "about", "try", "any", "intention", "intentions", "plan",
              "plans", "thoughts", "thought", "desire", "urge", "feel", "feeling", "be", "a", "the"}
# Words that end a hypothetical: the writer is back to themself ("...if you are there, but I want to die").
_BACK_TO_SELF = {"i", "me", "my", "but", "and", "我", "但是", "可是", "但", "其实"}
_INFO_REACH = 60  # characters either side in which a question or story cue covers a topic word
_LONGEST_CUE = 200  # characters: no idiom cue is longer (the lexicon's are a few words)
_PEOPLE = "people"  # judge's merged list of third- and first-person cues (not a cue kind)
_NEAR_ZH, _NEAR_EN = 10, 8  # how far back a person or tense cue reaches (characters / words)
# "如果有人跟我说他想死": the writer is spoken to, not back to themself.
_SPOKEN_TO = re.compile("(跟|对|告诉|和|给|问|找)我")
# "我以为她开玩笑" (she was not): what precedes a joke cue that makes it no joke.
_THOUGHT_JOKING = re.compile(
    r"(以为|当成|当作|当是|还当|thought (she|he|they) (was|were)|thought it was)[^，。]{0,6}$")


@dataclass(frozen=True)
class Finding:
    """A risk hit and its verdict: status 'live' or why it does not count."""

    hit: Hit
    status: str  # live | negated | idiom | information | hypothetical | resolved
    third_person: bool = False
    past: bool = False
    joking: bool = False  # counts at most as medium (policy.py)
    mild: bool = False  # a hedged mood ("有点孤单"): medium counts as low (policy.py)

    @property
    def live(self) -> bool:
        return self.status == "live"


def _latin(text: str) -> bool:
    return bool(text) and text[0].isascii()


def _clause_start(norm: Normalised, pos: int) -> int:
    i = bisect.bisect_right(norm.boundaries, pos) - 1
    return norm.boundaries[i] if i >= 0 else 0


def _gap_ok(gap: str, filler: bool) -> tuple[bool, int]:
    """(whether only filler stands in the gap, the gap size in characters or words)."""
    words = gap.split()
    if words and all(w.isascii() for w in words):
        return (all(w in _EN_FILLER for w in words) if filler else True), len(words)
    chars = gap.replace(" ", "")
    return (all(c in _ZH_FILLER for c in chars) if filler else True), len(chars)


def _starting(cues: list[Hit], lo: int, hi: int) -> list[Hit]:
    """The cues (sorted by start, as `judge` leaves them) that start in [lo, hi). A bisection, not
    a scan: a long post holds thousands of hits, and a scan per hit made a 100,000-character text
    take minutes (quadratic; tests/triage/test_robustness.py)."""
    return cues[bisect.bisect_left(cues, lo, key=_start):bisect.bisect_left(cues, hi, key=_start)]


def _start(h: Hit) -> int:
    return h.start


def _before(norm: Normalised, cues: list[Hit], hit: Hit, reach: int, filler: bool) -> list[Hit]:
    """Cues ending before `hit` in the same clause and within reach, nearest first."""
    start = _clause_start(norm, hit.start)
    found = []
    for cue in _starting(cues, start, hit.start):
        if cue.end > hit.start:
            continue
        ok, size = _gap_ok(norm.text[cue.end:hit.start], filler)
        if ok and size <= reach:
            found.append(cue)
    return sorted(found, key=lambda c: -c.end)


def _crosses_clause(norm: Normalised, cue: Hit) -> bool:
    """An idiom read across a comma is no idiom: "我真的想死，你知道吗" is not "想死你" (miss you)."""
    return any(cue.start < b < cue.end for b in norm.boundaries)


def _overlaps(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end


def judge(norm: Normalised, hits: list[Hit]) -> list[Finding]:
    """One Finding per risk hit (hits nested inside a longer risk hit of the same category drop)."""
    cues: dict[str, list[Hit]] = {}
    for h in hits:
        cues.setdefault(h.entry.kind, []).append(h)
    for kind, found in cues.items():  # sorted by start: the lookups below bisect (`_starting`);
        if kind != "risk":  # risk hits keep their order, which is the order of the reasons
            found.sort(key=_start)
    cues[_PEOPLE] = sorted(cues.get("third", []) + cues.get("first", []), key=_start)
    risks = _outermost(cues.get("risk", []))
    resolved = bool(cues.get("resolved"))
    # "this is not for a story" is no story; "我不是开玩笑", "I am not kidding" and "我以为她开玩笑"
    # (she was not) are no jokes.
    cues["fiction"] = _unnegated(norm, cues, "fiction")
    kidding = any(not _THOUGHT_JOKING.search(norm.text[max(0, k.start - 12):k.start])
                  for k in _unnegated(norm, cues, "kidding"))
    return [_hedge(norm, _soften(_judge_one(norm, cues, h, resolved), cues, kidding), cues.get("mild", []))
            for h in risks]


def _hedge(norm: Normalised, f: Finding, hedges: list[Hit]) -> Finding:
    """Mild when a hedge stands before a mood word in its clause, a few words back at most."""
    if f.hit.entry.mood and hedges and _before(norm, hedges, f.hit, _reach(f.hit, 1), False):
        return replace(f, mild=True)
    return f


def _unnegated(norm: Normalised, cues: dict[str, list[Hit]], kind: str) -> list[Hit]:
    """Cues of `kind` with no negation right before them."""
    negations = cues.get("negation", [])
    return [c for c in cues.get(kind, []) if not _before(norm, negations, c, _reach(c, 0), True)]


def _soften(f: Finding, cues: dict[str, list[Hit]], kidding: bool) -> Finding:
    category = f.hit.entry.category
    joking = (category == "violence_to_others" and (kidding or bool(cues.get("laughing")))) \
        or (category == "ideation" and kidding)
    return replace(f, joking=True) if joking and f.live else f


def _outermost(risks: list[Hit]) -> list[Hit]:
    longest = max((o.end - o.start for o in risks), default=0)
    by_start = sorted(risks, key=_start)
    keep = []
    for h in risks:  # a hit that holds h starts at most `longest` characters before it
        inside = any(o is not h and o.entry.category == h.entry.category and o.start <= h.start
                     and h.end <= o.end and (o.end - o.start) > (h.end - h.start)
                     for o in _starting(by_start, h.start - longest, h.start + 1))
        if not inside:
            keep.append(h)
    return keep


def _judge_one(norm: Normalised, cues: dict[str, list[Hit]], hit: Hit, resolved: bool) -> Finding:
    third = hit.entry.third or _third_person(norm, cues, hit)
    past = bool(_before(norm, cues.get("past", []), hit, _reach(hit, 2), False)) \
        or _past_after(norm, cues.get("past", []), hit)
    words = [] if hit.entry.idiom_proof else [Hit(a, b, hit.entry) for a, b in hit.parts] or [hit]
    idioms = cues.get("idiom", [])
    if any(_overlaps(w, c) and not _crosses_clause(norm, c)
           for w in words for c in _starting(idioms, w.start - _LONGEST_CUE, w.end)):
        return Finding(hit, "idiom", third, past)
    if _before(norm, cues.get("negation", []), hit, _reach(hit, 0), True):
        return Finding(hit, "negated", third, past)
    # A bare topic word near a question or story cue, or any word near fiction (a character's).
    if (hit.entry.topic and _near(cues.get("information", []), hit)) or _near(cues.get("fiction", []), hit):
        return Finding(hit, "information", third, past)
    if hit.entry.category.startswith("violence") and norm.text[max(0, hit.start - 1):hit.start] == "自":
        return Finding(hit, "idiom", third, past)  # "杀了我" read inside "自杀了，我..."
    # Asking for a method stays a plan however it is framed ("hypothetically, if someone wanted to
    # OD, what is the least painful way").
    if hit.entry.category != "plan" and any(not _back_to_self(norm.text[c.end:hit.start])
           for c in _before(norm, cues.get("hypothetical", []), hit, _reach(hit, 1), False)):
        return Finding(hit, "hypothetical", third, past)
    if past and resolved:
        return Finding(hit, "resolved", third, past)
    return Finding(hit, "live", third, past)


def _past_after(norm: Normalised, cues: list[Hit], hit: Hit) -> bool:
    """English puts the time after the act: "I tried to kill myself two years ago"."""
    if not _latin(hit.entry.term):
        return False
    end = next((b for b in norm.boundaries if b >= hit.end), len(norm.text))
    return any(c.end <= end and len(norm.text[hit.end:c.start].split()) <= _NEAR_EN
               for c in _starting(cues, hit.end, end))


def _near(cues: list[Hit], hit: Hit) -> bool:
    return bool(_starting(cues, hit.start - _INFO_REACH, hit.start + _INFO_REACH + 1))


def _back_to_self(gap: str) -> bool:
    gap = _SPOKEN_TO.sub("", gap)
    words = gap.split()
    if words and all(w.isascii() for w in words):
        return any(w in _BACK_TO_SELF for w in words)
    return any(w in gap for w in _BACK_TO_SELF if not w.isascii())


def _reach(hit: Hit, scale: int) -> int:
    """0: negation (a few filler words), 1: hypothetical, 2: tense and person cues."""
    latin = _latin(hit.entry.term)
    if scale == 0:
        return 3 if latin else 4
    if scale == 1:  # short: "I don't know if you are there but I want to die" must still count
        return 3 if latin else 6
    return _NEAR_EN if latin else _NEAR_ZH


def _third_person(norm: Normalised, cues: dict[str, list[Hit]], hit: Hit) -> bool:
    if hit.entry.category.startswith("violence_from"):
        return False
    near = _before(norm, cues[_PEOPLE], hit, _reach(hit, 2), False)
    return bool(near) and near[0].entry.kind == "third"
