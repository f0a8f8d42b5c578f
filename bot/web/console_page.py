"""Markup of the counselor console; console.js fills it from the JSON API.

Quick replies follow WHO psychological first aid (look, listen, link): presence, safety, people
nearby, emergency numbers. The counselor can edit a quick reply before sending it.
"""

from __future__ import annotations

from html import escape as esc

QUICK_REPLIES = {
    "zh": ("我在这里，愿意听你说。", "你现在安全吗？", "你身边有可以陪着你的人吗？",
           "如果你现在有危险，请立即拨打 110 或 120。", "谢谢你愿意告诉我这些。"),
    "en": ("I am here and I am listening.", "Are you safe right now?",
           "Is there someone near you who can stay with you?",
           "If you are in danger right now, please call 110 or 120.", "Thank you for telling me this."),
}
OUTCOME_LABELS = (("resolved", "Resolved"), ("referred", "Referred"),
                  ("emergency", "Emergency services contacted"), ("no_response", "No response"))
FOLLOW_UP_LABELS = (("", "No follow-up"), ("24h", "In 24 hours"), ("1w", "In 1 week"), ("1m", "In 1 month"))


def _quick_replies() -> str:
    out = []
    for lang, texts in QUICK_REPLIES.items():
        buttons = "".join(
            f'<button type="button" class="secondary quick" data-text="{esc(t)}">{esc(t)}</button>'
            for t in texts)
        out.append(f'<div class="quick-replies" data-lang="{lang}" hidden>{buttons}</div>')
    return "".join(out)


def _options(pairs: tuple[tuple[str, str], ...]) -> str:
    return "".join(f'<option value="{esc(v)}">{esc(label)}</option>' for v, label in pairs)


def console_body() -> str:
    return (
        '<div class="console">'
        '<section class="duty card" aria-labelledby="duty-h"><h2 id="duty-h">Duty</h2>'
        '<p id="duty-state" role="status">…</p>'
        '<button type="button" id="duty-toggle">…</button></section>'
        '<section class="queue card" aria-labelledby="queue-h"><h2 id="queue-h">Waiting residents</h2>'
        '<p id="queue-note" class="hint" role="status" aria-live="polite"></p>'
        '<ol id="queue" class="queue-list"></ol>'
        '<h2 id="mine-h">My chats</h2><ol id="mine" class="queue-list" aria-labelledby="mine-h"></ol>'
        '</section>'
        '<section class="pane card" id="pane" aria-labelledby="pane-h" hidden>'
        '<h2 id="pane-h">Chat</h2><p id="pane-risk" class="risk"></p>'
        '<ol id="transcript" class="transcript" role="log" aria-live="polite" aria-label="Messages"></ol>'
        f'{_quick_replies()}'
        '<form id="reply" class="reply"><label for="reply-text">Message to the resident</label>'
        '<textarea id="reply-text" rows="3" required></textarea>'
        '<button type="submit">Send</button></form>'
        '<form id="close" class="close-form"><fieldset><legend>Close the chat</legend>'
        '<label for="outcome">Outcome</label>'
        f'<select id="outcome" required>{_options(OUTCOME_LABELS)}</select>'
        f'<label for="followup">Follow-up</label><select id="followup">{_options(FOLLOW_UP_LABELS)}</select>'
        '<button type="submit" class="secondary">Close chat</button></fieldset></form>'
        '</section></div>'
    )
