"""How much a message says: content characters (Chinese) or words (English) after the words that
carry no content of their own (greetings, thanks, acknowledgements, particles, pronouns).

A classifier trained on counselling conversations learned that a short line carries its
conversation's label, so its confidence on "谢谢" or "ok bye" means nothing (issue 14). The policy
lets the classifier alone raise a message only when the message holds enough content to judge
(`classifier.min_content` in config/triage.yaml; the model card shows the data behind it).
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9*!@$#.]*[a-z][a-z0-9*!@$#.]*")
# Letters hidden behind symbols ("d!e", "k*ll", "su1c1de"): the writer hides a word, which says
# something; such a token counts twice. Emoji and other symbols count once each ("🌉", "💊").
_HIDDEN = re.compile(r"[a-z][*!@$#0-9]+[a-z]")
_SYMBOL = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff]")
# Whole phatic and function words, longest first so 谢谢你 goes before 谢谢 and 你 (simplified:
# the text is normalised first, so traditional and most Cantonese forms arrive as these).
_ZH_PHRASES = sorted((
    "你好", "您好", "大家好", "早上好", "晚上好", "下午好", "中午好", "早安", "晚安", "哈喽", "嗨",
    "谢谢", "感谢", "多谢", "谢啦", "谢了", "麻烦你", "麻烦您", "辛苦了", "辛苦", "不客气", "没关系",
    "拜拜", "再见", "回见", "下次见", "明天见", "好的", "好吧", "好滴", "好哒", "好嘞", "行吧", "可以",
    "知道了", "明白了", "明白", "收到", "了解", "懂了", "没事", "没问题", "对的", "是的", "不是",
    "对不起", "不好意思", "抱歉", "请问", "一下", "这个", "那个", "什么", "怎么", "为什么", "哪里",
    "我们", "你们", "他们", "她们", "自己", "已经", "还是", "就是", "但是", "因为", "所以", "如果",
    "然后", "真的", "有点", "一点", "非常", "特别", "一直", "现在", "今天", "刚才", "唔该", "多谢晒",
    "冇问题", "係", "唔", "咁", "嘅", "咗", "喺", "啲",
), key=len, reverse=True)
_ZH_CHARS = set("的了吗呢吧啊呀哦噢嗯哈嘿喔哇啦嘛么呗咯哟诶欸耶"
                "是不没有也都还就很太好对我你您他她它这那在和跟与及或又再才")
_EN_STOP = frozenset((
    "a an the and or but so if then than to of in on at by for with from as is am are was were be been "
    "being do does did have has had i me my mine you your yours we us our he him his she her it its "
    "they them their this that these those there here what which who how why when where can could "
    "will would shall should may might must just really very too also still again now today ok okay "
    "okey k kk yes yeah yep yup no nope not sure fine right alright hi hello hey hiya bye goodbye "
    "cya see later thanks thank thx ty please pls sorry oh ah um uh hmm lol haha hah morning evening "
    "night afternoon good great nice cool got it gotcha understood noted welcome all any some one "
    "s t d ll ve re m much lot lots"
).split())


def hidden_words(raw: str) -> int:
    """Words hidden behind symbols in the raw text ("d!e", "k*ll"); normalising turns the symbols
    into spaces, so they are counted before (content_size adds two for each)."""
    return len(_HIDDEN.findall(raw.lower()))


def content_size(text: str, raw: str = "") -> int:
    """Content characters (Chinese) plus content words (English) in normalised `text`, plus two
    for each word hidden behind symbols in the `raw` text."""
    s = text
    for phrase in _ZH_PHRASES:
        if phrase in s:
            s = s.replace(phrase, " ")
    zh = sum(1 for ch in _CJK.findall(s) if ch not in _ZH_CHARS)
    en = 0
    for w in _WORD.findall(s):
        w = w.strip(".")
        if _HIDDEN.search(w):
            en += 2
        elif w not in _EN_STOP and len(w) > 1:
            en += 1
    return zh + en + len(_SYMBOL.findall(s)) + 2 * hidden_words(raw)
