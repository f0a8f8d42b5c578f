"""Everyday benign text for the classifier: common Chinese words (jieba's dictionary) and templates.

PsySUICIDE's benign rows are mostly talk about feelings; a hotline also gets "晚上吃什么" and
"is the office open". Without such lines a small model from scratch mistakes unfamiliar everyday
words for risk. Every line is checked against the lexicon so no risk word slips in as benign.
"""

from __future__ import annotations

import random
from pathlib import Path

import jieba

from triage.engine import TriageEngine

# Characters too close to the subject to appear in a line labelled benign.
_RISKY = set("死杀亡尸葬坟墓刀割伤痛苦哭绝病药毒血残郁跳楼吊炭遗亲孤怕")
_EN_TEMPLATES = (
    ("what time does the {place} open", "place"), ("is the {place} open on {day}", "place"),
    ("I went to the {place} with my {person} on {day}", "place"),
    ("can you recommend a good {thing}", "thing"),
    ("my {person} and I are planning a trip to the {place}", "place"), ("how do I cook {food}", "food"),
    ("I just finished my {thing}, feeling good", "thing"), ("what should I have for {meal}", "meal"),
    ("thanks for the help with my {thing}", "thing"), ("the {thing} was great, {person} loved it", "thing"),
    ("where can I find information about {topic}", "topic"), ("how do I {verb} better", "verb"),
)
_SLOTS = {
    "place": ("library", "gym", "park", "office", "service centre", "clinic", "community centre", "market"),
    "day": ("Monday", "Saturday", "the weekend", "holidays", "Friday evening"),
    "person": ("mom", "dad", "friend", "sister", "kids", "neighbour", "colleague", "partner"),
    "thing": ("homework", "project", "book", "movie", "garden", "presentation", "painting", "workout"),
    "food": ("rice", "dumplings", "pasta", "soup", "noodles", "fish"),
    "meal": ("lunch", "dinner", "breakfast"),
    "topic": ("mindfulness", "sleep hygiene", "parenting classes", "your services", "volunteering",
              "counselling"),
    "verb": ("study", "focus", "sleep", "relax", "plan my week", "manage my time"),
}


# "我想..." and "I want to..." are also the start of most crisis lines; a model from scratch must
# see that the words after them decide.
_ZH_WANT = ("我想", "我要", "想", "我很想", "我打算", "我准备", "今晚想", "明天想", "我现在想")
_ZH_WHAT = ("了解一下心理咨询", "了解一下", "问一下", "预约咨询师", "吃火锅", "换个工作", "学画画", "去旅游",
            "睡个好觉", "买件衣服", "给妈妈打电话", "报名志愿者", "看电影", "去公园跑步",
            "学英语", "养只猫", "问问服务站几点开门", "知道怎么缓解焦虑", "搬家", "考研", "早点下班",
            "请假回家", "减肥", "学做饭", "认识新朋友", "换个发型", "找份兼职", "出去走走", "听听音乐")
_EN_WANT = ("I want to", "I'd like to", "I'm going to", "I really want to", "tonight I want to", "I plan to")
_EN_WHAT = ("learn more about counselling", "book an appointment", "ask a question", "go for a walk",
            "cook dinner", "change jobs", "sleep better", "visit my parents",
            "learn to paint", "watch a movie", "try meditation", "go to the gym", "know your opening hours")


def want_lines(rng: random.Random, n: int) -> list[str]:
    """Benign lines that start like a crisis line ("我想...", "I want to...")."""
    out = []
    for _ in range(n):
        if rng.random() < 0.7:
            out.append(rng.choice(_ZH_WANT) + rng.choice(_ZH_WHAT))
        else:
            out.append(rng.choice(_EN_WANT) + " " + rng.choice(_EN_WHAT))
    return out


def _common_words(limit: int) -> tuple[list[str], list[int]]:
    path = Path(jieba.__file__).parent / "dict.txt"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit() and not (_RISKY & set(parts[0])):
            rows.append((parts[0], int(parts[1])))
    rows.sort(key=lambda r: -r[1])
    rows = rows[:limit]
    return [w for w, _ in rows], [f for _, f in rows]


def benign_lines(engine: TriageEngine, n_zh: int, n_en: int, rng: random.Random) -> list[str]:
    """About n_zh + n_en benign lines with no lexicon risk hit."""
    words, freq = _common_words(20_000)
    out: list[str] = []
    while len(out) < n_zh:
        line = "".join(rng.choices(words, weights=freq, k=rng.randint(3, 10)))
        out.append(line)
    out += want_lines(rng, n_zh // 3)
    for _ in range(n_en):
        template, _slot = rng.choice(_EN_TEMPLATES)
        out.append(template.format(**{k: rng.choice(v) for k, v in _SLOTS.items()}))
    return [t for t in out if not any(h.entry.kind == "risk" and h.entry.category not in ("time", "means")
                                      for h in engine.lexicon.find(engine.normaliser.normalise(t).text))]


def common_chars(limit: int) -> list[str]:
    """The most frequent Chinese characters in jieba's dictionary (vocabulary beyond the training text)."""
    words, freq = _common_words(200_000)
    counts: dict[str, int] = {}
    for w, f in zip(words, freq, strict=True):
        for ch in w:
            if "\u4e00" <= ch <= "\u9fff":
                counts[ch] = counts.get(ch, 0) + f
    return sorted(counts, key=lambda c: -counts[c])[:limit]
