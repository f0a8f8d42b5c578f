"""Long questions that carry several worries: which part asks, and the parts that may name another.

A long message tells a story and then asks ("...晚上一两点都睡不着，怎么才能睡好一点"). The asked part
says which worry the person wants help with first; the other parts may name a second worry that the
answer should point to. Pure text functions; the engine scores the pieces.
"""

from __future__ import annotations

import re

from knowledge_base.text import HAN, LATIN_WORD

LONG_ZH_CHARS = 40
LONG_EN_WORDS = 25
MAX_SEGMENTS = 4

ASK_ZH = re.compile(r"怎么|怎样|如何|吗|呢|该不该|能不能|是不是|有没有|什么|为什么|正常|[？?]")
ASK_EN = re.compile(r"\?|^\s*(how|what|why|is|are|can|should|do|does|where|will|could|would|any)\b", re.I)
SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=\.)\s")
CLAUSE_END = re.compile(r"(?<=[，,、。！？!?；;\n])")


def is_long(text: str, lang: str) -> bool:
    """Long enough to hold a story and a question."""
    if lang == "zh":
        return len(HAN.findall(text)) >= LONG_ZH_CHARS
    return len(LATIN_WORD.findall(text.lower())) >= LONG_EN_WORDS


def _pieces(text: str, splitter: re.Pattern[str]) -> list[str]:
    return [p.strip() for p in splitter.split(text) if p and p.strip()]


def ask_part(text: str, lang: str) -> str | None:
    """The last clause (Chinese) or sentence (English) that asks; else the last one; None if short.

    Chinese runs a whole story through commas, so its clauses are cut at commas too.
    """
    if not is_long(text, lang):
        return None
    parts = _pieces(text, CLAUSE_END if lang == "zh" else SENTENCE_END)
    if len(parts) < 2:
        return None
    ask = ASK_ZH if lang == "zh" else ASK_EN
    asking = [p for p in parts if ask.search(p)]
    return asking[-1] if asking else parts[-1]


def segments(text: str, lang: str) -> list[str]:
    """Up to MAX_SEGMENTS stretches of a long question, each long enough to name a worry."""
    if not is_long(text, lang):
        return []
    parts = _pieces(text, SENTENCE_END)
    if lang == "zh" and len(parts) < 3:
        parts = _pieces(text, CLAUSE_END)
    size = max(1, -(-len(parts) // MAX_SEGMENTS))  # ceiling: neighbouring clauses share a segment
    joiner = "" if lang == "zh" else " "
    return [joiner.join(parts[i : i + size]) for i in range(0, len(parts), size)]
