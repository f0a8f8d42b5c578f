"""Telegram rendering: long replies split at the Bot API limit; user text in cards is escaped."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.telegram import TELEGRAM_LIMIT, split_text
from bot.conversation.cards import render_card
from bot.storage.models import Handoff, Message

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=12000))
def test_split_never_exceeds_the_limit_and_loses_no_words(text: str) -> None:
    parts = split_text(text)
    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert "".join(parts).split() == text.split()


def test_a_long_answer_splits_at_a_paragraph_boundary() -> None:
    text = ("a" * 3000) + "\n\n" + ("b" * 3000)
    assert split_text(text) == ["a" * 3000, "b" * 3000]


def test_card_escapes_the_residents_words() -> None:
    h = Handoff(id=1, conversation_id=1, state="offered", level="high", reasons=["<b>x</b>"],
                created_at=NOW, lang="en")
    msg = Message(id=1, conversation_id=1, sender="resident", text_enc=b"", created_at=NOW)
    card = render_card(h, [(msg, "<script>alert(1)</script> & me")], NOW, "step 1")
    assert "<script>" not in card and "&lt;script&gt;" in card and "&amp; me" in card
