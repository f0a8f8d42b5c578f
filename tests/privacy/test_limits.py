"""Size bounds: a message is clipped (and says so), a WebSocket frame fits exactly one full message."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.security.limits import Limits, clip_message, limits_for


def test_message_at_the_limit_is_kept_whole_and_one_more_character_is_clipped() -> None:
    limits = Limits(message_chars=100)

    assert clip_message("x" * 100, limits) == ("x" * 100, False)
    assert clip_message("x" * 101, limits) == ("x" * 100, True)


def test_limits_follow_the_operators_message_setting() -> None:
    limits = limits_for(8000)

    assert limits.message_chars == 8000
    assert limits.request_body_bytes >= limits.ws_frame_bytes


def test_limits_that_could_not_carry_one_message_are_refused() -> None:
    with pytest.raises(ValueError):
        Limits(message_chars=4000, request_body_bytes=1024)


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=0, max_size=4000))
def test_a_full_message_of_any_characters_fits_one_websocket_frame(text: str) -> None:
    limits = Limits()
    clipped, _ = clip_message(text + "😀" * 4000, limits)
    frame = json.dumps({"type": "message", "text": clipped, "seq": 2**31, "csrf": "c" * 64,
                        "lang": "zh"}, ensure_ascii=False)

    assert len(frame.encode("utf-8")) <= limits.ws_frame_bytes
