"""The handoff card a counselor sees, and its later states (taken, declined, yours)."""

from __future__ import annotations

import html
from datetime import datetime

from bot.conversation import callbacks
from bot.conversation.messages import Button
from bot.storage.models import Handoff, Message

LEVEL_BADGE = {"imminent": "🔴 IMMINENT", "high": "🟠 HIGH", "medium": "🟡 MEDIUM", "low": "🟢 LOW",
               "none": "⚪ NONE"}


def card_ref(handoff_id: int, counselor_id: str) -> str:
    return f"card:{handoff_id}:{counselor_id}"


def waited(h: Handoff, now: datetime) -> str:
    seconds = int((now - h.created_at).total_seconds())
    return f"{seconds // 60} min {seconds % 60:02d} s"


def render_card(h: Handoff, recent: list[tuple[Message, str]], now: datetime, step_label: str) -> str:
    """HTML card: level, reasons, wait, the resident's recent messages (escaped: they are user text)."""
    lines = [
        f"<b>{LEVEL_BADGE.get(h.level, h.level)}</b> · handoff #{h.id} · {html.escape(step_label)}",
        f"Waiting: {waited(h, now)} · language: {h.lang}",
    ]
    if h.reasons:
        lines.append("Why: " + html.escape("; ".join(str(r) for r in h.reasons[:4])))
    if recent:
        lines.append("Recent messages:")
        for msg, text in recent[-6:]:
            who = {"resident": "R", "bot": "bot", "counselor": "C"}.get(msg.sender, msg.sender)
            lines.append(f"<i>{who}</i>: {html.escape(text[:300])}")
    return "\n".join(lines)


def card_buttons(handoff_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button("✅ Accept", callbacks.accept(handoff_id)),
             Button("Decline", callbacks.decline(handoff_id))),)


def taken_text(handoff_id: int, by_you: bool) -> str:
    if by_you:
        return (f"✅ You have handoff #{handoff_id}. Your messages now go to the resident. "
                "Commands: /close /transfer /handback")
    return f"Handoff #{handoff_id} was taken by another counselor."
