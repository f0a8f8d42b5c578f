"""Indirect ways people write about suicide in long posts, and everyday look-alikes that must stay calm."""

from __future__ import annotations

import pytest

from triage import TriageEngine

URGENT = ("high", "imminent")


@pytest.mark.parametrize("text", [
    "Every night I wish I wouldn't wake up in the morning. It would be so much easier.",
    "Honestly everyone would be better off if I was gone, they wouldn't have to deal with me.",
    "I've been counting my pills and looking up how much it would take.",
    "I wrote notes to my sister and my best friend last night, they're in my desk drawer.",
    "I attempted three months ago and ended up in the hospital. I regret that it didn't work.",
    "I relapsed last night after 200 days clean from self harm. Cut deeper than ever before.",
    "The only thing stopping me is my dog. When he's gone I'm gone.",
    "I've started giving my stuff away to friends.",
    "I can't see myself being alive by the end of the year.",
    "I keep fantasizing about dying.",
    "Sometimes I wish someone would kill me so I would not have to do it myself.",
    "This time it will work, I have enough saved up.",
    "活着真的没什么意思，每天都在重复，不知道为了什么。",
    "手臂上割了好几次了，旧的疤还没好又添了新的。",
    "如果我不在了，爸妈应该会轻松很多吧。",
    "去年吃过一次药，没死成，现在又开始有这种念头了。",
    "安眠药已经攒了一些了，放在柜子里。",
    "好想一睡不醒啊。",
    "要是哪天被车撞死就好了，就不用再面对这些了。",
    "最近又开始用圆规扎自己，停不下来。",
    "我已经跟朋友们都告别了，东西也送出去了。",
])
def test_indirect_crisis_phrasing_reaches_a_counselor(lexicon_engine: TriageEngine, text: str) -> None:
    assert lexicon_engine.assess(text).level in URGENT


@pytest.mark.parametrize("text", [
    "I tried before to learn guitar but gave up, maybe I'll try again.",
    "I can't keep doing this job forever, I need to find something better paid.",
    "I'm so tired after the gym, I could sleep forever.",
    "I'm counting the days until the holidays!",
    "I don't see the point of this meeting, can we just send an email instead?",
    "I used to self harm as a teenager but I'm in a good place now, 5 years clean.",
    "I used to want to die every day too, but it gets better, I promise. Please hold on.",
    "I know how it feels to think everyone would be better off without you, but that is depression lying.",
    "我以前有过轻生的念头，现在已经好多了，生活很充实。",
    "我想解脱出来，不再被工作束缚，想去旅行。",
    "吃了安眠药就睡着了，失眠好多了。",
    "这个游戏太难了，我的角色一直死。",
])
def test_everyday_look_alikes_do_not_page_a_counselor(lexicon_engine: TriageEngine, text: str) -> None:
    assert lexicon_engine.assess(text).level not in URGENT
