"""assess never raises, on any string up to 100,000 characters, and still finds a crisis at the end."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage import TriageEngine
from triage.levels import rank

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
TEXT = st.text(max_size=2000) | st.text(alphabet="我想死自杀 killmyself不活了.,，。💊\u200b", max_size=500)
FILLER = st.text(alphabet="今天天气很好我们去公园散步 the weather is nice.,", min_size=1, max_size=50)


@FAST
@given(TEXT)
def test_assess_never_raises(engine: TriageEngine, text: str) -> None:
    a = engine.assess(text)
    assert 0.0 <= a.score <= 1.0


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(FILLER, st.integers(min_value=10_000, max_value=99_000),
       st.sampled_from(["我真的不想活了", "I want to kill myself", "我已经准备好绳子了"]))
def test_crisis_sentence_at_the_end_of_a_long_text_is_found(engine: TriageEngine, filler: str, size: int,
                                                            crisis: str) -> None:
    body = (filler * (size // len(filler) + 1))[: size - len(crisis) - 1]
    text = body + "。" + crisis
    assert len(text) <= 100_000
    assert rank(engine.assess(text).level) >= 3


def test_a_text_over_the_limit_still_finds_a_crisis_at_the_end(engine: TriageEngine) -> None:
    text = "今天天气很好。" * 40_000 + "我想自杀"
    assert rank(engine.assess(text).level) >= 3


def test_odd_inputs(engine: TriageEngine) -> None:
    for text in ["", " ", "\x00", "\ud800", "🪦" * 1000, "a" * 100_000, None, 12]:
        engine.assess(text)  # type: ignore[arg-type]
