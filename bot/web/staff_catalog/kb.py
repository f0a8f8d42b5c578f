"""The words of the knowledge-base page (/admin/kb), key -> (zh, en), in the staff catalog's form.

Review-state labels (`kb_state.`) are here too: the page and its filter say them.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "admin.tab.kb": ("知识库", "Knowledge base"),
    "admin.kb.title": ("知识库内容与审核", "Knowledge base: content and review"),
    "admin.kb.mode_demo": ("演示模式：未发布的条目也会回答给居民，并标明“尚待审核”。",
                           "Demo mode: unpublished entries are served to residents, "
                           "marked as awaiting review."),
    "admin.kb.mode_live": ("正式模式：只有已发布的条目会回答给居民。",
                           "Live mode: only published entries are served to residents."),
    "admin.kb.counts": ("共 {total} 条，{due} 条到期待审核", "{total} entries, {due} due for review"),
    "admin.kb.all": ("全部状态", "All states"),
    "admin.kb.state": ("审核状态", "Review state"),
    "admin.kb.entry": ("条目", "Entry"),
    "admin.kb.topic": ("主题", "Topic"),
    "admin.kb.reviewer": ("审核人", "Reviewer"),
    "admin.kb.reviewed": ("审核日期", "Reviewed"),
    "admin.kb.next": ("下次审核", "Next review"),
    "admin.kb.sources": ("来源", "Sources"),
    "admin.kb.due": ("到期", "Due"),
    "admin.kb.empty": ("没有这个状态的条目。", "No entry in this state."),
    "admin.kb.record_hint": ("记录一次审核：hotline kb review --record 条目编号 --status 状态 "
                             "--reviewer 姓名 --role 职务",
                             "Record a review: hotline kb review --record ENTRY_ID --status STATE "
                             "--reviewer NAME --role ROLE"),
    "admin.kb.feedback": ("居民反馈（近 {days} 天）", "Residents' feedback (last {days} days)"),
    "admin.kb.rated_down": ("被评为没帮助最多的条目", "Entries most often rated down"),
    "admin.kb.up": ("有帮助", "Helpful"),
    "admin.kb.down": ("没帮助", "Not helpful"),
    "admin.kb.not_asked": ("不是我问的", "Not what I asked"),
    "admin.kb.none_down": ("这段时间没有条目被评为没帮助。", "No entry was rated down in this period."),
    "admin.kb.gaps": ("机器人拿不准时最接近的主题", "Closest topics when the bot was not sure"),
    "admin.kb.fallbacks": ("次数", "Times"),
    "admin.kb.none_fallback": ("这段时间没有记录到拿不准的提问。",
                               "No unsure answer was recorded in this period."),
    "admin.kb.no_topic": ("（没有接近的主题）", "(no close topic)"),
    "admin.kb.broken": ("无法读取的条目文件", "Entry files that cannot be read"),
}

# Review states, in their order (knowledge_base.governance.ORDER): label('kb_state', status).
STATES: dict[str, tuple[str, str]] = {
    "kb_state.draft": ("草稿", "Draft"),
    "kb_state.project_reviewed": ("项目已审（待临床审核）", "Project reviewed (clinical review pending)"),
    "kb_state.clinically_reviewed": ("临床已审", "Clinically reviewed"),
    "kb_state.published": ("已发布", "Published"),
}
