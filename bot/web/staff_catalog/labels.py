# ruff: noqa: E501  (a catalog line holds one phrase in two languages; CJK counts double)
"""Words for the codes the database and the rota keep (`label(kind, code)`): handoff and
conversation states, risk levels, outcomes, safety checks, follow-ups, note kinds, shift layers,
swap states, roles and station levels. A label, never the raw code, is what staff read."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # risk levels (triage/levels.py)
    "level.imminent": ("紧急", "Imminent"),
    "level.high": ("高", "High"),
    "level.medium": ("中", "Medium"),
    "level.low": ("低", "Low"),
    "level.none": ("无", "None"),
    # handoff states (bot/conversation/states.py HandoffState)
    "state.requested": ("待分派", "Requested"),
    "state.offered": ("已通知值班", "Offered"),
    "state.fallback": ("已转热线兜底", "Fallback (hotline)"),
    "state.accepted": ("已接单", "Accepted"),
    "state.active": ("进行中", "Active"),
    "state.closed": ("已结束", "Closed"),
    # conversation states (ConvState)
    "conv.welcome": ("未开始", "Not started"),
    "conv.self_help": ("机器人答复中", "With the bot"),
    "conv.offered": ("已提议转人工", "Person offered"),
    "conv.waiting": ("等待咨询师", "Waiting"),
    "conv.with_counselor": ("咨询师接待中", "With a counselor"),
    # close outcomes (Outcome)
    "outcome.resolved": ("已解决", "Resolved"),
    "outcome.referred": ("已转介", "Referred"),
    "outcome.emergency": ("已联系急救/警方", "Emergency services contacted"),
    "outcome.no_response": ("居民无回应", "No response"),
    "outcome.handed_back": ("交回机器人", "Handed back to the bot"),
    "outcome.withdrawn": ("居民撤回求助", "Withdrawn by the resident"),
    # safety checks at close (SafetyCheck)
    "safety.safety_plan": ("已与居民商定安全计划", "Safety plan agreed"),
    "safety.emergency": ("已联系急救/警方", "Emergency services contacted"),
    "safety.resident_left": ("居民已离开", "Resident left"),
    "safety.other": ("其他（见备注）", "Other (see note)"),
    # follow-ups (FollowUpKind)
    "followup.24h": ("24 小时后", "In 24 hours"),
    "followup.1w": ("1 周后", "In 1 week"),
    "followup.1m": ("1 个月后", "In 1 month"),
    # case note kinds (NoteKind)
    "note.close": ("结案记录", "Close note"),
    "note.transfer": ("转交记录", "Transfer note"),
    "note.handback": ("交回记录", "Hand-back note"),
    # message senders
    "sender.resident": ("居民", "Resident"),
    "sender.bot": ("机器人", "Bot"),
    "sender.counselor": ("咨询师", "Counselor"),
    "sender.supervisor": ("督导", "Supervisor"),
    "sender.system": ("系统", "System"),
    # chat languages
    "lang.zh": ("中文", "Chinese"),
    "lang.en": ("英文", "English"),
    # rota layers (scheduling/model.py Layer)
    "layer.rotation": ("轮班", "rota"),
    "layer.override": ("临时替班", "override"),
    "layer.swap": ("换班", "swap"),
    "layer.leave_cover": ("顶替请假", "covering leave"),
    # swap states (SwapState)
    "swap.requested": ("待对方确认", "Requested"),
    "swap.accepted": ("待协调员批准", "Accepted, awaiting approval"),
    "swap.approved": ("已批准", "Approved"),
    "swap.declined": ("已拒绝", "Declined"),
    # roles
    "role.counselor": ("咨询师", "counselor"),
    "role.coordinator": ("协调员", "coordinator"),
    "role.admin": ("管理员", "admin"),
    # station levels
    "station_level.city": ("市级", "City"),
    "station_level.district": ("区级", "District"),
    "station_level.street": ("街道", "Street"),
    "station_level.community": ("社区", "Community"),
}
