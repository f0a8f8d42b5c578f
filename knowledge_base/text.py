"""Language detection and tokenisation for retrieval.

Chinese: jieba words plus character bigrams, so a question still matches when jieba cuts it
differently from the entry. English: lower-cased words with light suffix stemming. Stop words are
dropped in both so "怎么办" or "how do I" cannot carry a match on their own.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
import opencc

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

ZH_STOP = frozenset(
    "的 了 吗 呢 吧 啊 呀 嘛 哦 么 着 过 是 在 有 和 与 或 就 都 也 还 又 很 太 挺 好 要 会 能 可以 应该 "
    "我 你 他 她 它 我们 你们 他们 自己 这 那 这个 那个 这样 那样 什么 怎么 怎么办 怎样 怎么样 如何 为什么 "
    "一个 一些 一下 一点 一直 总是 老是 特别 非常 真的 有点 有些 感觉 觉得 "
    "请问 问 想 该 办 得 地 让 被 把 给 "
    "吗 呢 么 没 不 没有 多 到 对 说 做 去 来 上 下 里 中".split()
)
EN_STOP = frozenset(
    "a an the i me my mine myself you your yours he him his she her hers it its we us our they them "
    "their this that these those is am are was were be been being do does did doing have has had "
    "having will would shall should can could may might must and or but if so than then too very "
    "just of to in on at by for with about from into over after before as what which who whom how why "
    "when where there here all any some much many more most no not any anything something really "
    "get got getting feel feeling keep always ever still also what's i'm it's can't don't dont im ok "
    "please help tips tip anyone someone".split()
)
# Endings stripped longest first; a stem keeps at least three letters so "news" stays a word.
SUFFIXES = ("ational", "fulness", "iveness", "ousness", "ation", "ments", "ement", "ness", "ment",
            "ings", "ing", "ies", "ied", "ers", "ed", "er", "ly", "es", "s")

log = logging.getLogger(__name__)


def detect_lang(text: str, default: str = "zh") -> str:
    """"zh" when Chinese characters are at least as many as Latin words, else "en"."""
    han = len(HAN.findall(text))
    latin = len(LATIN_WORD.findall(text.lower()))
    if han == 0 and latin == 0:
        return default
    return "zh" if han >= latin else "en"


_JIEBA_LOCK = threading.Lock()
_jieba_tok: jieba.Tokenizer | None = None


def _jieba() -> jieba.Tokenizer:
    # A private tokenizer with its dictionary cache in the temp dir: no global state, no noise on
    # stderr, nothing fetched from the network. Loaded once; a caller that comes while another
    # thread loads it waits for that load instead of starting a second one.
    global _jieba_tok
    tok = _jieba_tok
    if tok is not None:
        return tok
    with _JIEBA_LOCK:
        if _jieba_tok is None:
            jieba.setLogLevel(logging.WARNING)
            fresh = jieba.Tokenizer()
            fresh.tmp_dir = str(Path(tempfile.gettempdir()))
            fresh.initialize()
            _jieba_tok = fresh
        return _jieba_tok


def chinese_ready() -> bool:
    """Whether jieba's dictionary is loaded: until then a Chinese question would wait for the load."""
    return _jieba_tok is not None


def warm_up() -> None:
    """Load jieba's dictionary now rather than on the first question."""
    _jieba()


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits), traditional -> simplified Chinese, single spaces.

    Entries are written in simplified Chinese; a resident in Hong Kong or Taiwan types 焦慮, 睡不著.
    """
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return _t2s().convert(text) if HAN.search(text) else text


def stem(word: str) -> str:
    """A light English stemmer: enough to join "worrying" with "worry" and "attacks" with "attack"."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return base + "y"
            return base
    return word


def tokens_en(text: str) -> list[str]:
    """Stemmed English content words."""
    words = LATIN_WORD.findall(text.lower().replace("’", "'"))
    return [stem(w) for w in words if w not in EN_STOP and len(w) > 1]


@lru_cache(maxsize=64)
def zh_words(run: str) -> tuple[str, ...]:
    """jieba's words of a run of Chinese characters (stop words kept).

    Cached only for the few runs of the current question: BM25 and the semantic gloss both cut it.
    """
    return tuple(_jieba().lcut(run))


def tokens_zh(text: str) -> list[str]:
    """jieba words (no stop words) plus character bigrams inside each run of Chinese characters."""
    out: list[str] = []
    for run in HAN_RUN.findall(text):
        out.extend(w for w in zh_words(run) if w not in ZH_STOP)
        out.extend("_" + run[i : i + 2] for i in range(len(run) - 1))
    # Latin words inside Chinese text ("app", "PTSD") still carry meaning.
    out.extend(tokens_en(HAN_RUN.sub(" ", text)))
    return out


def tokenize(text: str, lang: str) -> list[str]:
    """Tokens of `text` for the index of `lang`."""
    return tokens_zh(text) if lang == "zh" else tokens_en(text)
