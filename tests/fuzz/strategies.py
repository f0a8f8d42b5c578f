"""Hostile text, shared by the fuzz tests: what a stranger (or a broken client) can send."""

from __future__ import annotations

from hypothesis import strategies as st

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
CONTROL = "".join(chr(c) for c in range(0x20)) + "\x7f" + "".join(chr(c) for c in range(0x80, 0xa0))
EMOJI = "😀😭💊🔪🩸🙏❤️‍🔥👨‍👩‍👧‍👦🏳️‍🌈🇨🇳🫠" + "\U000e0067\U000e0062"  # ZWJ sequences, tag characters
CJK = "我不想活了今晚就吃药你好压力很大睡不着紫砂"


def _decoded(how: str) -> st.SearchStrategy[str]:
    """Bytes that are mostly not UTF-8, decoded the way a lenient client or proxy would."""
    return st.binary(max_size=300).map(lambda b: b.decode("utf-8", how))


hostile_text: st.SearchStrategy[str] = st.one_of(
    st.just(""),
    st.text(max_size=200),
    st.text(alphabet=BIDI + ZERO_WIDTH + CONTROL + "a 不", max_size=100),
    st.text(alphabet=EMOJI + CJK, max_size=300),
    st.integers(1, 4000).map(lambda n: "😭" * n),  # emoji floods
    st.sampled_from(["a", "不", "💊", "\x00", "\u202e"]).map(lambda ch: ch * 100_000),  # 100 kB and more
    _decoded("surrogateescape"),  # lone surrogates, which UTF-8 cannot encode
    _decoded("replace"),
    st.sampled_from(["/", "//", "/start@", "/ ", "/\u202e", "\n\n\n", " ", "\t"]),
)


def with_crisis(crisis: str) -> st.SearchStrategy[str]:
    """Hostile text with a crisis sentence somewhere inside it (short enough not to be clipped)."""
    short = st.one_of(st.just(""), st.text(max_size=50),
                      st.text(alphabet=BIDI + ZERO_WIDTH + EMOJI + CJK, max_size=50))
    return st.tuples(short, short).map(lambda p: f"{p[0]} {crisis} {p[1]}")
