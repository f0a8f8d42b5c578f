"""Content of the counselor console page (templates/console.html); console.js fills it from the
JSON API.

Quick replies follow WHO psychological first aid (look, listen, link): presence, safety, people
nearby, emergency numbers. The counselor can edit a quick reply before sending it.
"""

from __future__ import annotations

from bot.conversation.states import CLOSE_OUTCOMES, SAFETY_CHECKS, FollowUpKind

QUICK_REPLIES = {
    "zh": ("我在这里，愿意听你说。", "你现在安全吗？", "你身边有可以陪着你的人吗？",
           "如果你现在有危险，请立即拨打 110 或 120。", "谢谢你愿意告诉我这些。"),
    "en": ("I am here and I am listening.", "Are you safe right now?",
           "Is there someone near you who can stay with you?",
           "If you are in danger right now, please call 110 or 120.", "Thank you for telling me this."),
}
# What a counselor may pick when closing: the outcomes and labels of bot.conversation.states.
OUTCOME_LABELS: tuple[tuple[str, str], ...] = tuple(CLOSE_OUTCOMES.items())
FOLLOW_UP_LABELS: tuple[tuple[str, str], ...] = (
    ("", "No follow-up"), (FollowUpKind.DAY, "In 24 hours"), (FollowUpKind.WEEK, "In 1 week"),
    (FollowUpKind.MONTH, "In 1 month"))
# Asked before a high or imminent chat closes (bot.conversation.states.SafetyCheck).
SAFETY_LABELS: tuple[tuple[str, str], ...] = tuple(SAFETY_CHECKS.items())
RISK_LABELS: tuple[tuple[str, str], ...] = (
    ("", "Not judged"), ("none", "None"), ("low", "Low"), ("medium", "Medium"),
    ("high", "High"), ("imminent", "Imminent"))
