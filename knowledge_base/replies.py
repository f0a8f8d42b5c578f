"""The bot's own words when it does not answer from an entry: not sure, or will not answer."""

from __future__ import annotations

import re
from collections.abc import Sequence

NOT_SURE = {
    "zh": "我不太确定理解了你的问题，不想给你不合适的回答。下面是最接近的几个话题，你可以点开看看；"
          "也可以直接找值班咨询师聊一聊：",
    "en": "I'm not sure I understood your question, and I'd rather not give you the wrong answer. "
          "These are the closest topics I have; you can also talk to the counselor on duty:",
}

# A long question's second worry (engine.also), named under the answer. Channel-neutral on purpose:
# a channel that shows it as a button (SearchResult.also carries topic, entry id and title) adds one.
# Worded as an offer, not a claim: on the project's long-question sets about 7 in 10 named second
# worries match the one labelled (mixed6-10), and the others are often a third worry the person did
# mention, but not always.
ALSO = {
    "zh": "如果“{title}”也让你烦心，可以接着问我。",
    "en": "If “{title}” is also on your mind, you can ask me about it too.",
}

# Outside demo mode, when the closest entry has not been published yet (clinical review pending).
UNREVIEWED = {
    "zh": "这个问题的资料还在等待专业人员审核，暂时不能给你回答。你可以直接找值班咨询师聊一聊。",
    "en": "The material on this is still waiting for review by a professional, so I can't answer from "
          "it yet. You can talk to the counselor on duty.",
}

REFUSAL = {
    "crisis": {
        "zh": "听到你这样说，我很担心你。你不必一个人扛着：请现在就打 {lines}，24小时都有人接听；"
              "如果你有危险，请拨打 120 或 110。你也可以点“找咨询师”，值班咨询师会来陪你。",
        "en": "I'm really worried to hear that, and you don't have to carry this alone. Please call {lines} "
              "now; someone answers 24 hours a day. If you are in danger, call 120 or 110. You can also tap "
              "“Talk to a counselor” and the counselor on duty will join you.",
    },
    "means": {
        "zh": "这个问题我不能回答。你问到的事情让我担心你的安全：如果你正在想伤害自己，请现在就打 {lines}，"
              "它们24小时有人接听；有危险时请拨打 120 或 110。你也可以点“找咨询师”，值班咨询师会来陪你。",
        "en": "I can't answer that. What you asked makes me worried "
        "about your safety: if you are thinking of "
              "hurting yourself, please call {lines} now; someone answers 24 hours a day. In danger, call "
              "120 or 110. You can also tap “Talk to a counselor” and the counselor on duty will join you.",
    },
    "medication": {
        "zh": "关于用药的剂量、加减药或停药，我不能给建议"
        "：这需要了解你病史的医生来决定。请咨询开药的医生或药师；"
              "不要自行调整。如果用药后感到很不舒服，请拨打 120。想聊聊心情的话，可以点“找咨询师”。",
        "en": "I can't advise on medication doses, changes or stopping: only a doctor who knows your history "
              "can decide that. Please ask the prescribing doctor or a "
              "pharmacist and don't change it on your "
              "own. If you feel very unwell after taking something, call 120. To talk about how you feel, "
              "tap “Talk to a counselor”.",
    },
    "diagnosis": {
        "zh": "我不能给任何人下诊断，包括你自己：只有专业人员当面评估才能判断。"
              "担心自己的话，可以去医院精神心理科或找心理咨询师评估；"
              "如果是别人的状况让你担心或让你很累，可以和值班咨询师聊聊你自己的感受和怎么应对，"
              "或建议对方去就诊。",
        "en": "I can't diagnose anyone, you included: only a professional who assesses the person can "
              "do that. If you're worried about yourself, a doctor or psychologist can assess you. If "
              "someone else's behaviour worries or exhausts you, you can talk to the counselor on duty "
              "about how you feel and how to cope, or suggest they see a doctor or psychologist.",
    },
    "legal": {
        "zh": "法律上的问题（比如离婚手续、抚养权、赔偿、仲裁）我没法给出可靠的答复，"
              "请咨询律师，或拨打 12348 公共法律服务热线。"
              "这些事往往也很耗心力：如果你心里难受，可以点“找咨询师”聊一聊。",
        "en": "I can't give reliable answers on legal questions such as divorce procedure, custody, "
              "compensation or arbitration: please ask a lawyer or the 12348 public legal service line. "
              "These matters are often draining too; if they weigh on you, tap “Talk to a counselor”.",
    },
    "out_of_scope": {
        "zh": "抱歉，这个问题不在我能帮忙的范围内：我只回答心理健康、情绪和心理服务方面的问题。"
              "如果你有心事想聊，可以点“找咨询师”；需要热线可以打 {lines}。",
        "en": "Sorry, that's outside what I can help with: I only answer questions about mental health, "
              "feelings and psychological services. If something is on your mind, tap “Talk to a counselor”; "
              "the 24-hour lines are {lines}.",
    },
}


def not_sure(lang: str, alternatives: Sequence[tuple[str, str]]) -> str:
    """The fallback message with the closest topics as a numbered list (for channels without buttons)."""
    listed = "\n".join(f"{i}. {name}" for i, (_, name) in enumerate(alternatives, 1))
    return f"{NOT_SURE[lang]}\n{listed}" if listed else NOT_SURE[lang]


def refusal(reason: str, lang: str, lines: Sequence[str]) -> str:
    """A polite refusal naming where to turn; `lines` are the 24-hour numbers to show."""
    joiner = "、" if lang == "zh" else " or "
    return REFUSAL[reason][lang].format(lines=joiner.join(lines))


# Social turns (knowledge_base/scope_model.py "social"): answered in kind, never with a topic list.
# A goodbye carries the 24-hour lines, so whoever leaves knows where to turn at night.
SOCIAL = {
    "hello": {
        "zh": "你好，我是心理服务的自动助手，在这里陪你。你可以直接写下想问的问题或心里的事，"
              "比如睡不好、压力大、和家人的矛盾；想和真人聊，可以点“找咨询师”。",
        "en": "Hello, I'm the support line's automatic assistant and I'm here with you. You can write "
              "whatever is on your mind or what you'd like to know, such as poor sleep, stress or a "
              "family quarrel; to talk to a person, tap “Talk to a counselor”.",
    },
    "thanks": {
        "zh": "不客气，很高兴能帮上一点忙。之后有什么想聊的，随时可以再来；需要的话也可以点“找咨询师”。",
        "en": "You're welcome, I'm glad if it helped a little. Come back any time you want to talk; "
              "you can also tap “Talk to a counselor”.",
    },
    "bye": {
        "zh": "好的，照顾好自己。需要的时候随时回来；夜里也有人接听的热线：{lines}。",
        "en": "Take care of yourself. Come back whenever you need to; these lines answer day and night: "
              "{lines}.",
    },
    "ack": {
        "zh": "好的。还有什么想问或想聊的，可以直接写给我；想和真人聊，可以点“找咨询师”。",
        "en": "Okay. If there's anything else you'd like to ask or talk about, just write it here; to "
              "talk to a person, tap “Talk to a counselor”.",
    },
}
_BYE = re.compile(r"再见|拜拜|晚安|886|回头聊|先这样|"
                  r"\b(bye|goodbye|good ?night|see (you|ya)|talk later|ttyl)\b", re.I)
_THANKS = re.compile(r"谢|感谢|3q|\b(thanks?|thx|ty|cheers|appreciate)\b", re.I)
_HELLO = re.compile(r"你好|您好|在吗|在不在|哈喽|嗨|早上好|早安|晚上好|有人吗|"
                    r"\b(hi|hello|hey|hiya|good (morning|afternoon|evening)|anyone)\b|机器人|真人|\bbot\b|"
                    r"who (am i|are you)|名字", re.I)


def social(text: str, lang: str, lines: Sequence[str]) -> str:
    """The reply to a social turn: goodbye (with the 24-hour lines), thanks, hello, else an ack."""
    kind = ("bye" if _BYE.search(text) else "thanks" if _THANKS.search(text)
            else "hello" if _HELLO.search(text) else "ack")
    joiner = "、" if lang == "zh" else " or "
    return SOCIAL[kind][lang].format(lines=joiner.join(lines))
