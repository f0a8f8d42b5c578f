"""Everyday lines that look like indirect crisis signs, and indirect crisis lines without a keyword.

Written for this test after the classifiers, trained on indirect crisis posts, flagged ordinary
life ("I sold my car", "去药店买点感冒药") as high. None of these lines is used in training; they
guard the false-alarm side of indirect phrasing on both languages. Measured when written (final
model of 2026-11-29): Chinese 3 of 30 everyday lines urgent, English 4 of 30 (the previous,
lexicon-led English engine: 3 of 30, but it let one of the ten indirect crisis lines pass and
reached 0.778 recall on Reddit C-SSRS); each bar is that figure, so any drift fails.
"""

from __future__ import annotations

import triage

CALM_EN = [
    "I gave my old bike to my sister and wrote everyone postcards from the trip this weekend",
    "we moved house last week and I'm giving away the furniture we don't need",
    "I finally finished writing my thesis, I'm so done with this",
    "can't wait for this semester to be over, I'm exhausted",
    "my grandmother passed away peacefully last year, I still miss her",
    "I'm going to the pharmacy to pick up my allergy pills",
    "the new season of that show is so sad, everyone dies",
    "I sold my car and I'm taking the bus from now on",
    "I said goodbye to my coworkers today, it was my last day at the old job",
    "I'm tired of this rain, it's been a whole week",
    "my daughter has a fever, should I take her to the doctor?",
    "I feel lonely since my best friend moved to another city",
    "I wrote a letter to my future self for the time capsule project",
    "my phone is dying and I forgot the charger",
    "I'm so done with my landlord, he never fixes anything",
    "this heat is unbearable, I just want to sleep all day",
    "I've been stressed at work but the weekend helped",
    "how do I tell my parents I failed my driving test",
    "I keep having nightmares about exams even though I graduated",
    "I want to disappear into a good book this weekend",
    "nobody came to my birthday party and I feel stupid",
    "I cleaned out my closet and donated everything I don't wear",
    "my therapist says I'm making progress with my anxiety",
    "I don't see the point of this meeting at all",
    "I'm ready to give up on learning the piano, it's too hard",
    "we put our old dog to sleep yesterday, the vet was kind",
    "what are the warning signs of suicide in teenagers?",
    "my friend lost her job and I want to help her",
    "I'm saving up money for a trip to Japan",
    "I told my sister to take care of my plants while I'm away",
]
RISK_EN = [
    "I won't be around much longer, I've made my peace",
    "I've been giving my stuff away, I won't need it where I'm going",
    "I keep thinking everyone would be fine if I just wasn't here",
    "I looked up how many of my pills it would take",
    "tonight I'm going to finally do it, I'm sorry mom",
    "I just want the pain to stop forever",
    "I cut again last night and I can't stop",
    "what's the point of anything, I just want to sleep and never wake up",
    "I wrote letters to my family and put them in my desk",
    "I'm so tired of being alive",
]
CALM_ZH = [
    "我把旧自行车送给表妹了",
    "搬家了，不要的家具都送人了",
    "论文终于写完了，我彻底解脱了",
    "这学期快点结束吧，累趴了",
    "奶奶去年走了，很安详，我还是很想她",
    "去药店买点感冒药",
    "今天是在老公司的最后一天，跟同事们告别了",
    "下了一周的雨，烦死了",
    "女儿发烧了要不要去医院",
    "好朋友搬去别的城市了，有点孤单",
    "给十年后的自己写了一封信",
    "手机快没电了",
    "房东什么都不修，受够了",
    "热得只想睡一整天",
    "怎么跟爸妈说我驾照没考过",
    "这周末想躲进书里谁也不见",
    "生日没人来，有点难过",
    "把衣柜清空了，旧衣服都捐了",
    "学钢琴太难了，想放弃了",
    "狗狗老了，昨天带它去安乐了，医生很温柔",
    "青少年自杀有哪些征兆",
    "朋友失业了我想帮帮她",
    "攒钱去日本旅游",
    "出差这几天让妹妹帮我照顾花草",
    "把车卖了以后坐地铁上班",
    "终于辞职了，和过去说再见",
    "我把游戏账号送给弟弟了，以后不玩了",
    "期末考完了，感觉被掏空",
    "这个月工资又花光了，吃土中",
    "今天好累啊，想早点睡",
]
RISK_ZH = [
    "我把猫托付给朋友了，以后就拜托她了",
    "药已经攒够了，就等周末",
    "不想再醒来了，真的太累了",
    "给爸妈的信写好了放在抽屉里",
    "这是我最后一次发朋友圈了，谢谢大家",
    "如果我不在了，大家会不会轻松一点",
    "又划了好几道，停不下来",
    "天台的风好大，我想往前走一步",
    "我已经想好怎么离开了",
    "活着真的没什么意思，想一了百了",
]


def _urgent(engine: triage.TriageEngine, lines: list[str]) -> list[str]:
    levels = [a.level for a in engine.assess_batch(lines)]
    return [t for t, lvl in zip(lines, levels, strict=True) if lvl in ("high", "imminent")]


def test_everyday_english_is_rarely_urgent(engine: triage.TriageEngine) -> None:
    assert len(_urgent(engine, CALM_EN)) <= 4, _urgent(engine, CALM_EN)


def test_everyday_chinese_is_rarely_urgent(engine: triage.TriageEngine) -> None:
    assert len(_urgent(engine, CALM_ZH)) <= 3, _urgent(engine, CALM_ZH)


def test_indirect_english_crisis_lines_reach_a_counselor(engine: triage.TriageEngine) -> None:
    missed = set(RISK_EN) - set(_urgent(engine, RISK_EN))
    assert len(missed) <= 1, missed


def test_indirect_chinese_crisis_lines_reach_a_counselor(engine: triage.TriageEngine) -> None:
    missed = set(RISK_ZH) - set(_urgent(engine, RISK_ZH))
    assert len(missed) <= 1, missed
