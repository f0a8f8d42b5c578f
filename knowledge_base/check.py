"""`hotline kb check`: every rule an entry file and the whole collection must meet.

Length rules (issue 5): a Chinese answer has 80-300 characters and an English answer 60-200 words.
Chinese length counts letters and digits (Unicode categories L and N): whitespace, punctuation and
list markers such as "1." punctuation do not count, the digit does.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from knowledge_base.copycheck import copied_passages
from knowledge_base.loading import Loaded, Problem, read_entries
from knowledge_base.model import LANGS, CheckRules, TopicName

EN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")


def zh_length(text: str) -> int:
    """Characters that are letters or digits: whitespace and punctuation left out."""
    return sum(1 for c in text if unicodedata.category(c)[0] in "LN")


def en_length(text: str) -> int:
    """English words (a hyphenated or apostrophe word counts once)."""
    return len(EN_WORD.findall(text))


def normal_question(text: str) -> str:
    """A question reduced to letters and digits, lower-cased, to spot the same paraphrase twice."""
    return "".join(c for c in text.lower() if unicodedata.category(c)[0] in "LN")


def _file_rules(item: Loaded, topics: dict[str, TopicName], rules: CheckRules) -> list[Problem]:
    e, f = item.entry, str(item.path)
    out: list[Problem] = []
    if e.topic not in topics:
        out.append(Problem(f, "topic", f"unknown topic id {e.topic!r} (see knowledge_base/topics.yaml)"))
    if item.path.stem != e.id:
        out.append(Problem(f, "id", f"id {e.id!r} differs from the file name {item.path.stem!r}"))
    if not e.id.startswith(e.topic + "-"):
        out.append(Problem(f, "id", f"id {e.id!r} should start with the topic {e.topic!r}"))
    if item.path.parent.name not in (e.topic, "_examples"):
        folder = item.path.parent.name
        out.append(Problem(f, "topic", f"file lies in folder {folder!r}, topic is {e.topic!r}"))
    r = e.review
    if r.status in ("clinically_reviewed", "published") and (r.reviewer is None or r.next_review is None):
        out.append(Problem(f, "review", f"{r.status} needs a named reviewer and a next_review date "
                                        "(record it with `hotline kb review --record`)"))
    if r.next_review is not None and r.next_review <= r.date:
        out.append(Problem(f, "review.next_review", "must come after the review date"))
    lo, hi = rules.zh_chars
    n = zh_length(e.zh.answer)
    if not lo <= n <= hi:
        out.append(Problem(f, "zh.answer", f"{n} characters, expected {lo}-{hi}"))
    lo, hi = rules.en_words
    n = en_length(e.en.answer)
    if not lo <= n <= hi:
        out.append(Problem(f, "en.answer", f"{n} words, expected {lo}-{hi}"))
    for lang in LANGS:
        qs = [normal_question(q) for q in e.version(lang).questions]
        if len([q for q in qs if q]) < rules.min_questions:
            out.append(Problem(f, f"{lang}.questions", f"at least {rules.min_questions} paraphrases needed"))
        if len(set(qs)) != len(qs):
            out.append(Problem(f, f"{lang}.questions", "the same paraphrase appears twice"))
    return out


def _shared_questions(items: list[Loaded]) -> list[Problem]:
    owners: dict[str, list[str]] = defaultdict(list)
    for item in items:
        for lang in LANGS:
            for q in set(normal_question(q) for q in item.entry.version(lang).questions):
                owners[f"{lang}.questions:{q}"].append(item.entry.id)
    out = []
    by_id = {i.entry.id: str(i.path) for i in items}
    for key, ids in owners.items():
        if len(set(ids)) > 1:
            field, q = key.split(":", 1)
            others = ", ".join(sorted(set(ids))[1:])
            out.append(Problem(by_id[ids[0]], field, f"paraphrase {q!r} also in {others}"))
    return out


def _collection_rules(items: list[Loaded], topics: dict[str, TopicName], rules: CheckRules) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[str, str] = {}
    for item in items:
        if item.entry.id in seen:
            out.append(Problem(str(item.path), "id", f"duplicate id, also in {seen[item.entry.id]}"))
        seen.setdefault(item.entry.id, str(item.path))
    per_topic = Counter(i.entry.topic for i in items)
    for topic in topics:
        if per_topic[topic] < rules.min_per_topic:
            out.append(Problem("(collection)", f"topic {topic}",
                               f"{per_topic[topic]} entries, at least {rules.min_per_topic} needed"))
    if len(items) < rules.min_total:
        out.append(Problem("(collection)", "entries",
                           f"{len(items)} entries, at least {rules.min_total} needed"))
    audiences = {a for i in items for a in i.entry.audience}
    for need in rules.required_audiences:
        if need not in audiences:
            out.append(Problem("(collection)", f"audience {need}", "no entry serves this group"))
    return out + _shared_questions(items)


def _copy_rules(items: Iterable[Loaded], rules: CheckRules) -> list[Problem]:
    if not rules.copy_reference:
        return []
    ref = Path(rules.copy_reference)
    if not ref.is_file():
        return [Problem(str(ref), "", "copy-check reference not found; set check.copy_reference in kb.yaml")]
    texts = {(str(i.path), "en.answer"): i.entry.en.answer for i in items}
    texts.update({(str(i.path), "en.questions"): " / ".join(i.entry.en.questions) for i in items})
    return [Problem(file, field, f"shares a {rules.copy_ngram}-word passage with {ref.name}: {passage!r}")
            for (file, field), passage in copied_passages(texts, ref, rules.copy_ngram).items()]


def check_entries(entries_dir: Path | None, topics: dict[str, TopicName], rules: CheckRules) -> list[Problem]:
    """Every problem in the entry collection; an empty list means `kb check` passes."""
    items, problems = read_entries(entries_dir)
    for item in items:
        problems.extend(_file_rules(item, topics, rules))
    problems.extend(_collection_rules(items, topics, rules))
    problems.extend(_copy_rules(items, rules))
    return problems
