"""Text normalisation before matching: one canonical form for every way of writing the same words.

NFKC (full-width to half-width), case folding, traditional to simplified (OpenCC t2s), English
contractions, leetspeak, spaced-out letters, slang and homophones (data/slang.yaml), repeated
characters, and separators between Chinese characters removed. Clause breaks are remembered as
offsets so that context rules never look across a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import opencc

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\ufe0e\ufe0f\u00ad"))
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_EMOJI = r"\u2600-\u27bf\U0001f000-\U0001faff"
# A separator run: anything that is neither a word character nor an emoji (underscore counts).
_SEP_RE = re.compile(f"(?:[^\\w{_EMOJI}]|_)+")
_CLAUSE_CHARS = set(",.!?;:。，、！？；：…~\n\r\t|")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_CONTRACTIONS = (
    (re.compile(r"\bcan't\b"), "can not"), (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"n't\b"), " not"), (re.compile(r"'m\b"), " am"), (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"), (re.compile(r"'ll\b"), " will"), (re.compile(r"'d\b"), " would"),
    # "'s" is "is" before words that only follow a verb ("the car's running", "he's outside",
    # "it's happening"); elsewhere it stays a bare "s" ("my dad's gun").
    (re.compile(r"'s(?= (?:running|in|on|up|down|loaded|gone|over|ready|done|not|been|going|gonna|"
                r"happening|tied|outside|here|there|coming|almost|already|still|just|really|so|too|"
                r"all|the|a|my|at|behind|under|near|bleeding|locked|parked|empty|full)\b)"), " is"),
    (re.compile(r"'s\b"), " s"),
)
_LEET = str.maketrans("013457@$", "oieastas")
_LEET_TOKEN = re.compile(r"(?<![\w@$])(?=[\w@$]*[a-z])(?=[\w@$]*[013457@$])[a-z0-9@$]{3,}(?![\w@$])")
# "d!e", "k!ll": an exclamation mark between two letters stands for an i (not "hi!", "wow! ok").
_BANG_I = re.compile(r"(?<=[a-z])!(?=[a-z])")
_SPACED = re.compile(r"(?<![a-z])(?:[a-z][ .\-*]){3,}[a-z](?![a-z])")
# Pinyin with tone numbers ("bu4 xiang3 huo2 le"): the digits go before leetspeak reads them.
_TONED = re.compile(r"\b([a-z]{1,6})[1-5]\b")
_REPEAT_LATIN = re.compile(r"([a-z])\1{2,}")
_REPEAT_OTHER = re.compile(f"([{_CJK}{_EMOJI}])\\1{{2,}}")


@dataclass(frozen=True)
class Normalised:
    """The canonical text and the offsets in it where a clause ends."""

    text: str
    boundaries: tuple[int, ...]
    lang: str


def has_cjk(text: str) -> bool:
    """True when the text holds at least one Chinese character."""
    return _CJK_RE.search(text) is not None


def guess_lang(text: str) -> str:
    """'zh' when Chinese characters make up a fair share of the letters, else 'en'."""
    cjk = len(_CJK_RE.findall(text[:2000]))
    latin = sum(1 for ch in text[:2000] if "a" <= ch.lower() <= "z")
    return "zh" if cjk and cjk * 3 >= latin / 4 else "en"


class Normaliser:
    """Builds the canonical form; `slang` maps written variants to the lexicon's words."""

    def __init__(self, slang: dict[str, str]) -> None:
        self._t2s = opencc.OpenCC("t2s")
        self._slang = {self._base(k): self._base(v) for k, v in slang.items() if k.strip()}
        keys = sorted(self._slang, key=len, reverse=True)
        alts = "|".join(re.escape(k) for k in keys) or "(?!)"
        self._slang_re = re.compile(f"(?<![a-z0-9])(?:{alts})(?![a-z0-9])")

    def _base(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text.translate(_ZERO_WIDTH)).casefold()
        if has_cjk(text):
            text = self._t2s.convert(text)
        text = text.translate(_QUOTES)
        for pattern, repl in _CONTRACTIONS:
            text = pattern.sub(repl, text)
        if len(_TONED.findall(text)) >= 2:
            text = _TONED.sub(r"\1", text)
        text = _LEET_TOKEN.sub(lambda m: m.group(0).translate(_LEET), _BANG_I.sub("i", text))
        text = _SPACED.sub(lambda m: re.sub(r"[ .\-*]", "", m.group(0)), text)
        text = _REPEAT_LATIN.sub(r"\1\1", text)
        return _REPEAT_OTHER.sub(r"\1", text)

    def term(self, text: str) -> str:
        """Normalise a lexicon term the same way as messages (without clause bookkeeping)."""
        return self.normalise(text).text

    def normalise(self, text: str) -> Normalised:
        """The canonical form of `text` with its clause boundaries."""
        base = self._base(text)
        base = self._slang_re.sub(lambda m: f" {self._slang[m.group(0)]} ", base)
        out, bounds = _squeeze(base)
        return Normalised(out, tuple(bounds), guess_lang(text))


def _squeeze(text: str) -> tuple[str, list[int]]:
    """Drop separators between Chinese characters, turn others into one space; note clause ends."""
    parts: list[str] = []
    bounds: list[int] = []
    size = 0
    pos = 0
    for m in _SEP_RE.finditer(text):
        chunk = text[pos:m.start()]
        parts.append(chunk)
        size += len(chunk)
        pos = m.end()
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if any(ch in _CLAUSE_CHARS for ch in m.group(0)):
            bounds.append(size)
        if before and after and not (_CJK_RE.match(before) and _CJK_RE.match(after)):
            parts.append(" ")
            size += 1
    parts.append(text[pos:])
    return "".join(parts).strip(), bounds
