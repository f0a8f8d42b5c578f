"""What the bot says, in zh and en. Wording choices follow WHO psychological first aid: be
honest about what happens next, never promise what a bot cannot do, never diagnose."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "zh": "你好，我是社区心理服务网络的支持机器人。\n"
              "我可以回答常见的心理健康问题，也可以帮你联系值班的心理咨询师。我不是医生，不能做诊断。\n"
              "隐私：你的身份以化名保存，聊天内容加密存储，只有接手的咨询师能看到，"
              "并按规定期限删除。发送 /forget 可删除你的记录。\n"
              "如果你现在有危险，请立即拨打：\n{emergency}\n"
              "请直接告诉我你在想什么。发送 /lang en 切换英文。",
        "en": "Hello, I am the support bot of the community psychological service network.\n"
              "I can answer common mental-health questions and connect you with the on-duty "
              "counselor. I am not a doctor and cannot diagnose.\n"
              "Privacy: you are stored under a pseudonym, messages are encrypted, only the counselor "
              "who takes your chat sees them, and they are deleted after a set time. Send /forget to "
              "erase your records.\n"
              "If you are in danger now, call:\n{emergency}\n"
              "Tell me what is on your mind. Send /lang zh for Chinese.",
    },
    "emergency_first": {
        "zh": "你的安全最重要。如果你可能马上伤害自己或有人正在伤害你，请现在就拨打：\n{emergency}\n"
              "我正在为你联系值班咨询师，请留在这里。",
        "en": "Your safety comes first. If you might hurt yourself now or someone is hurting you, "
              "call now:\n{emergency}\nI am contacting the on-duty counselor for you. Please stay here.",
    },
    "safety_high": {
        "zh": "谢谢你愿意告诉我，这一定很不容易。你不必一个人扛着。\n"
              "我已经请值班心理咨询师来和你聊，通常几分钟内会有人回复。\n"
              "如果你觉得自己可能会有危险，请随时拨打：\n{emergency}",
        "en": "Thank you for telling me; that takes courage. You do not have to carry this alone.\n"
              "I have asked the on-duty counselor to talk with you; someone usually replies within "
              "minutes.\nIf you feel you might be in danger, call any time:\n{emergency}",
    },
    "medium_offer": {
        "zh": "听起来你现在真的很辛苦。愿意的话，我可以帮你联系一位值班心理咨询师，和真人聊聊。",
        "en": "It sounds like things are really hard right now. If you like, I can connect you with "
              "an on-duty counselor, a real person, to talk it through.",
    },
    "waiting": {
        "zh": "值班咨询师马上就来，请稍等，我会一直在这里。如果你现在有危险，请拨打 110 或 120，"
              "或 12356（24小时心理援助）。",
        "en": "A counselor is coming; please wait, I am here with you. If you are in danger right "
              "now, call 110 or 120, or 12356 (24-hour psychological support).",
    },
    "care": {
        "zh": "我还在这里陪着你。咨询师正在赶来。可以试着慢慢呼吸：吸气四秒，停一下，呼气六秒。"
              "如果情况变得危险，请拨打 110 或 120。",
        "en": "I am still here with you, and a counselor is on the way. Try breathing slowly: in for "
              "four, pause, out for six. If things become dangerous, call 110 or 120.",
    },
    "fallback": {
        "zh": "很抱歉，现在没有咨询师能够马上接听，我不想让你一直等。请拨打 24 小时热线：\n{emergency}\n"
              "我会继续在这里陪你，咨询师有空时也会看到你的请求。",
        "en": "I am sorry: no counselor can answer right now, and I do not want to leave you "
              "waiting. Please call a 24-hour line:\n{emergency}\nI am still here with you, and a "
              "counselor will see your request as soon as one is free.",
    },
    "joined": {
        "zh": "咨询师 {alias} 已加入对话。你现在可以直接和 TA 交流。",
        "en": "Counselor {alias} has joined. You can talk with them directly now.",
    },
    "supervisor_joined": {
        "zh": "一位督导（资深同事）加入了这次对话，会和你的咨询师一起陪着你。"
              "从现在起你写的内容，他们两位都能看到，也都可能回复你。",
        "en": "A supervisor, a senior colleague, has joined this conversation to support you "
              "together with your counselor. Both of them can see what you write and may reply.",
    },
    "handed_back": {
        "zh": "咨询师已结束这段对话。如果还需要帮助，随时发消息给我，或拨打 12356。",
        "en": "The counselor has ended this chat. Write to me any time if you need more help, or "
              "call 12356.",
    },
    "transferred": {
        "zh": "另一位咨询师会继续和你聊，请稍等。",
        "en": "Another counselor will continue with you; please wait a moment.",
    },
    "not_sure": {
        "zh": "这个问题我不太确定怎么回答。你是想了解下面这些话题吗？也可以直接和咨询师聊。",
        "en": "I am not sure how to answer that. Did you mean one of these topics? You can also "
              "talk to a counselor.",
    },
    "non_text": {
        "zh": "谢谢你发来的内容。我现在只能读文字，能用几句话告诉我你的情况吗？",
        "en": "Thank you for sending that. I can only read text for now; could you tell me in a few "
              "words what is going on?",
    },
    "too_long": {
        "zh": "消息太长了（上限 {limit} 字）。我已读了开头部分，能分几条简短地发给我吗？",
        "en": "That message is too long (limit {limit} characters). I read the beginning; could you "
              "send the rest in shorter messages?",
    },
    "slow_down": {
        "zh": "我收到了你的很多消息，我都在看。请慢一点，我会一条一条回复你。",
        "en": "I am getting many messages from you and I am reading them. Please slow down a "
              "little; I will answer one at a time.",
    },
    "empty": {
        "zh": "我没有看到文字内容，可以再说一次吗？",
        "en": "I did not see any text; could you say that again?",
    },
    "forget_confirm": {
        "zh": "确定要删除你在这里的所有对话记录吗？删除后无法恢复。",
        "en": "Erase all your conversations here? This cannot be undone.",
    },
    "forgotten": {
        "zh": "你的对话记录已删除。需要时随时可以再来找我。",
        "en": "Your conversations have been erased. Come back any time.",
    },
    "forget_kept": {"zh": "好的，记录保留。", "en": "OK, nothing was erased."},
    "lang_set": {"zh": "好的，我们用中文交流。", "en": "OK, we will talk in English."},
    "thanks_feedback": {"zh": "谢谢你的反馈。", "en": "Thank you for the feedback."},
    "thanks_miss": {
        "zh": "谢谢告诉我，这能帮我们改进回答。可以换个说法再问一次，或者点“和咨询师聊聊”。",
        "en": "Thank you for telling me; it helps us improve the answers. You can ask again in other "
              "words, or press \"Talk to a person\".",
    },
    "offer_declined": {
        "zh": "好的。想聊的时候随时告诉我，或点击“和咨询师聊聊”。",
        "en": "OK. Tell me any time you want to talk, or press \"Talk to a person\".",
    },
    "staff_only": {
        "zh": "这个命令只供工作人员使用。",
        "en": "This command is for staff only.",
    },
    "coordinator_only": {
        "zh": "这个命令只供协调员使用。",
        "en": "This command is for coordinators only.",
    },
    # While waiting (bot/conversation/waiting.py): an honest status, then one of four caring lines.
    "waiting_status": {
        "zh": "你已经等了 {minutes} 分钟。我已通知 {asked} 位值班咨询师，第一位有空的会来和你聊。",
        "en": "You have waited {minutes} min. I have asked {asked} on-duty counselor(s); the first "
              "one free will talk with you.",
    },
    "waiting_nobody": {
        "zh": "你已经等了 {minutes} 分钟，还没有咨询师能接听，你的请求仍然保留着。"
              "不想等的话，请拨打 12356（24小时心理援助）。",
        "en": "You have waited {minutes} min and no counselor has been free yet; your request stays "
              "open. If you would rather not wait, call 12356 (24-hour psychological support).",
    },
    "waiting_care_0": {
        "zh": "我在这里。你写的每一句我都会转给咨询师。",
        "en": "I am here. Everything you write here goes to the counselor too.",
    },
    "waiting_care_1": {
        "zh": "可以试着慢慢呼吸：吸气四秒，停一下，呼气六秒。如果你现在有危险，请拨打 110 或 120。",
        "en": "Try breathing slowly: in for four, pause, out for six. If you are in danger now, call "
              "110 or 120.",
    },
    "waiting_care_2": {
        "zh": "谢谢你继续告诉我。等待不容易，你愿意留下来已经很勇敢了。",
        "en": "Thank you for telling me more. Waiting is hard, and staying here takes courage.",
    },
    "waiting_care_3": {
        "zh": "如果身边有信任的人，也可以请 TA 陪着你。情况变得危险时，请拨打 110 或 120。",
        "en": "If someone you trust is nearby, you could ask them to stay with you. If things become "
              "dangerous, call 110 or 120.",
    },
    "request_cancelled": {
        "zh": "好的，已取消请求。想再找咨询师时，随时点“和咨询师聊聊”。",
        "en": "OK, your request is withdrawn. Press \"Talk to a person\" whenever you want a counselor.",
    },
    "nothing_to_cancel": {
        "zh": "现在没有等待中的请求。",
        "en": "There is no request waiting now.",
    },
    # Satisfaction at close (bot/conversation/satisfaction.py): asked once, skippable.
    "rate_ask": {
        "zh": "这次和咨询师的谈话对你有帮助吗？请打 1 到 5 分（5 分最好），也可以跳过。",
        "en": "Did this conversation with the counselor help? Rate it from 1 to 5 (5 is best), or "
              "skip.",
    },
    "rate_thanks": {
        "zh": "谢谢你的评分，这能帮助我们做得更好。",
        "en": "Thank you for rating it; it helps us do better.",
    },
    "rate_skipped": {"zh": "好的，不用评分。", "en": "OK, no rating."},
    "rate_done": {
        "zh": "这段谈话已经评过分了，谢谢。",
        "en": "This conversation has been rated already; thank you.",
    },
}

BUTTONS: dict[str, dict[str, str]] = {
    "helpful": {"zh": "👍 有帮助", "en": "👍 Helpful"},
    "not_helpful": {"zh": "👎 没帮助", "en": "👎 Not helpful"},
    "not_asked": {"zh": "❓ 不是我问的", "en": "❓ Not what I asked"},
    "talk": {"zh": "🧑 和咨询师聊聊", "en": "🧑 Talk to a person"},
    "yes_talk": {"zh": "好，请帮我联系", "en": "Yes, connect me"},
    "no_talk": {"zh": "暂时不用", "en": "Not now"},
    "forget_yes": {"zh": "确定删除", "en": "Yes, erase"},
    "forget_no": {"zh": "取消", "en": "Cancel"},
    "cancel_request": {"zh": "取消请求", "en": "Withdraw my request"},
    "rate_skip": {"zh": "跳过", "en": "Skip"},
}


def t(key: str, lang: str, **values: object) -> str:
    """Text `key` in `lang` (zh fallback), with values filled in."""
    table = TEXTS[key]
    return table.get(lang, table["zh"]).format(**values)


def b(key: str, lang: str) -> str:
    table = BUTTONS[key]
    return table.get(lang, table["zh"])


def detect_lang(text: str, default: str = "zh") -> str:
    """zh when the text has CJK characters, en when it is mostly Latin letters."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if cjk:
        return "zh"
    if latin >= 3:
        return "en"
    return default
