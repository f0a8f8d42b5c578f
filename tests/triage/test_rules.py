"""Spec tables, one per context rule: what a person writes -> whether a counselor is called.

'urgent' means level high or imminent (a counselor now); 'not urgent' means medium or lower.
Each table runs on the lexicon-only engine (the floor every deployment has) and the full engine.
"""

from __future__ import annotations

import pytest

from triage import TriageEngine
from triage.levels import rank

URGENT, CALM = "urgent", "not urgent"

NEGATION = [
    ("我不想死了", CALM),
    ("我不想活了", URGENT),
    ("我没有自杀的想法，就是想聊聊工作", CALM),
    ("我不会自杀的，放心", CALM),
    ("I don't want to die, I want help with sleep", CALM),
    ("I'm not going to kill myself", CALM),
    ("I don't want to live anymore", URGENT),
    ("I can't stop thinking about killing myself", URGENT),
    ("没有人在乎我，我想死", URGENT),
    ("I'm not suicidal", CALM),
]
IDIOM = [
    ("笑死我了", CALM),
    ("今天热死了", CALM),
    ("累死了，终于下班", CALM),
    ("想死你了，快回来", CALM),
    ("这道题难死了", CALM),
    ("手机又死机了", CALM),
    ("this exam is killing me", CALM),
    ("I'd kill for a coffee", CALM),
    ("she killed it on stage", CALM),
    ("I'm dead tired", CALM),
    ("累死了，真的想死", URGENT),
    ("bored to death in this meeting", CALM),
    ("my mom will kill me when she sees my grades", CALM),
    ("I'm going to kill my brother for eating my fries", CALM),
    ("I'd rather die than wear that sweater", CALM),
    ("I'm so tired I could die", CALM),
    ("我妈看到成绩会打死我的", CALM),
    ("这个题要把我逼疯了，想死的心都有了哈哈", CALM),
    ("he said he will kill me if I leave", URGENT),
    ("I'd rather die than keep living like this", URGENT),
    ("我老公说要打死我，他现在在门外", URGENT),
    ("我妈要是知道我挂科，非杀了我不可", CALM),
    ("尴尬得想死，当众摔了一跤", CALM),
    ("今天的晚饭🔪切菜切到手了", CALM),
    ("this commute is murdering me", CALM),
    ("我真的想死，你知道吗", URGENT),  # "想死你" (miss you) read across the comma is no idiom
    ("我好想死，你们别管我", URGENT),
    ("好想死你们了！", CALM),
    ("求推荐好用的紫砂壶，泡普洱用", CALM),
    ("真想掐死我弟，又偷吃我藏的辣条", CALM),
    ("my phone's about to die and the laptop's on 3%, talk later", CALM),
    ("this econ final is gonna kill me fr 💀", CALM),
    ("about to unalive this entire large pizza 🍕💀", CALM),
    ("杀了我吧 明天早八还要点名", CALM),
    ("landlord still hasn't fixed the heating, I'm so done with this flat", CALM),
    ("I'm so done with this life", URGENT),
    ("今日返工返到想死，老細又叫我OT", CALM),
    ("my sister is going to kill me when she sees what I did to her car lmaooo", CALM),
    ("刚看完《自杀小队》 小丑女也太飒了吧", CALM),
    ("kms this group project is a disaster", CALM),
    ("这道高数题要了我的命 谁来杀了我", CALM),
    ("这周加班加到我想死哈哈哈，周五必须去撸串", CALM),
    ("what does 'passive suicidal ideation' actually mean? saw it on a tiktok", CALM),
    ("hanging out with my sister tonight so can we push our call to tmrw?", CALM),
    ("这游戏boss杀了我二十次了，气死我了", CALM),
    ("我要杀了我弟，他把我刚拼好的高达摔了😤", CALM),
    ("what does 'sewerslide' mean?? my 12yo's friends keep saying it", CALM),
    ("I'm thinking about hanging myself tonight", URGENT),
    ("I would literally die for a coffee right now", CALM),
    ("今晚打邊爐，個麻辣湯底辣到我想死😂😂", CALM),
    ("跳伞教练证终于考下来了！下周第一次带人从四千米往下跳", CALM),
    ("oh great another monday, can't wait to walk into the sea 🌊", CALM),
    ("I want to walk into the sea tonight", URGENT),
]
SLANG = [
    ("想紫砂了", URGENT),
    ("我想自鲨", URGENT),
    ("想zs", URGENT),
    ("i wanna unalive", URGENT),
    ("kms", URGENT),
    ("sewerslide is the only way out", URGENT),
    ("k1ll myself", URGENT),
    ("我想自 殺", URGENT),
    ("不 想 活 了", URGENT),
    ("我想死死死死", URGENT),
    ("s u i c i d a l", URGENT),
    ("bu xiang huo le", URGENT),
    ("bu4 xiang3 huo2 le", URGENT),
    ("i w a n t t o d i e", URGENT),
    ("want 2 d1e", URGENT),
    ("8想活了", URGENT),
    ("1 d0n7 w4nn4 b3 h3r3 4nym0r3", URGENT),
]
TRADITIONAL = [
    ("我真的不想活了", URGENT),
    ("我想自殺", URGENT),
    ("我已經準備好繩子了", URGENT),
    ("活著沒有意義，想結束自己的生命", URGENT),
    ("笑死我了，這個影片太好笑", CALM),
    ("請問服務站幾點開門", CALM),
]
THIRD_PERSON = [
    ("my friend says she wants to die", URGENT),
    ("我儿子说他想去死，现在联系不上", URGENT),
    ("my sister says she wants to kill herself", URGENT),
    ("室友说他不想活了", URGENT),
    ("电视剧里那个角色自杀了，好可惜", CALM),
    ("my brother texted me goodbye and now his phone is off", URGENT),
    ("a kid in my class said he's going to bring a gun to school tomorrow", URGENT),
    ("室友发了条朋友圈说“谢谢大家，再见了”，现在电话打不通", URGENT),
    ("我個仔成日講「死咗好過」，我好擔心佢", URGENT),
]
EMOJI = [("我想死💊", URGENT), ("💊💊💊 goodbye everyone", URGENT), ("🔪 I want to cut myself", URGENT),
         ("这个蛋糕看起来好好吃😋", CALM), ("lol 💀 that joke", CALM)]
INFORMATION = [
    ("what are the signs of suicide", CALM),
    ("自杀的征兆有哪些", CALM),
    ("We had a suicide prevention training at work", CALM),
    ("我在写一篇关于自杀预防的论文", CALM),
    ("如果有人说想死，我该怎么回应", CALM),
    ("I want to kill myself, what is the hotline number", URGENT),
    ("If you are suicidal, please call a hotline", CALM),
    ("I do not know if you are there but I want to die", URGENT),
    ("你会有想死的时候吗", CALM),
    ("what are the signs that someone is suicidal?", CALM),
    ("my friend is suicidal", URGENT),
    ("心理学课作业：青少年自伤行为的原因有哪些", CALM),
    ("how can I tell if a coworker might be thinking about suicide?", CALM),
    ("如果有人跟我说他想死，我应该怎么回应比较好", CALM),
    ("做報告需要，想問台灣的自殺防治專線是幾號", CALM),
    ("请问药师 搭十几个小时的飞机 可以吃安眠药调时差吗", CALM),
    ("hypothetically if someone wanted to OD what would be the least painful way", URGENT),
    ("写小说用：一个角色想从天台跳下去，他最好的朋友怎么劝会比较真实？", CALM),
    ("in my novel the hero wants to kill himself, is that too dark?", CALM),
    ("I want to kill myself and this is not for my novel", URGENT),
    ("这不是写小说，我真的想死", URGENT),
    ("书里直子和木月都自杀了，我想写写作者是怎么处理死亡这个主题的", CALM),
    ("If I ever did feel suicidal, would you have to call the police on me?", CALM),
    ("我是社工，想问问遇到来访者说想死的时候，第一句话怎么回比较好", CALM),
]
PAST_VS_NOW = [
    ("我以前想过自杀，现在好多了", CALM),
    ("I used to self harm years ago but I'm better now", CALM),
    ("我以前想过自杀，最近又开始想了", URGENT),
    ("I attempted suicide last year and I want to try again", URGENT),
    ("三年前我想过自杀，现在好多了", CALM),
    ("三年前我自杀过，最近又想了", URGENT),
    ("I used to self harm but I've been clean for 3 years and I'm doing great", CALM),
    ("I used to cut myself and last night I cut myself again", URGENT),
    ("高中的时候想过自杀，现在挺好的", CALM),
    ("我以前自残过，但已经三年没有了", CALM),
    ("I tried to kill myself two years ago but I'm in a much better place now", CALM),
    ("I self-harmed in high school, haven't in ages", CALM),
    ("I tried to kill myself two years ago and lately I think about it again", URGENT),
    ("8 months clean from sh and I relapsed last night", URGENT),
    ("I used to cut in high school. 8 years free of it now.", CALM),
    ("我國高中的時候有自殘過，現在已經好幾年都沒有了", CALM),
    ("我以前有自殘的習慣，不過已經戒掉五年了", CALM),
    ("4 years self harm free today 🎉 just wanted to tell someone", CALM),
    ("Ten years ago I tried to kill myself. Ten good years since. I'd like to volunteer", CALM),
]
# A joke softens a threat to others and a wish to die the writer calls a joke; laughter alone
# never softens a wish to die, and "not kidding" is no joke.
JOKE = [
    ("室友偷吃我的零食，我要杀了他哈哈", CALM),
    ("if my brother eats my leftovers again I swear I'll murder him lol", CALM),
    ("这游戏太烂了，我要紫砂（开玩笑的）", CALM),
    ("我想死哈哈哈", URGENT),
    ("我不是开玩笑，我真的想自杀", URGENT),
    ("I'm not kidding, I want to kill myself", URGENT),
    ("同事上周说她不想活了，我以为她开玩笑，结果今天她没来上班，电话也打不通", URGENT),
    ("队友太坑了我要紫砂了（游戏里的那种 别紧张）", CALM),
    ("I could strangle my brother for crashing my car. not literally.", CALM),
]
CANTONESE = [
    ("我真係唔想活啦", URGENT),
    ("我已經冇再諗住自殺啦，放心", CALM),
    ("炭已經買好咗，聽晚燒", URGENT),
    ("以前嗰陣有自殘，依家好返好多", CALM),
    ("今晚同朋友去飲茶，好開心", CALM),
    ("又𠝹咗手，冇人知", URGENT),
    ("佢拎住把刀喺門口叫，我同個仔匿咗喺房", URGENT),
    ("我唔係想死啦，只係考完DSE好迷惘", CALM),
    ("成日諗住死咗就唔使咁辛苦", URGENT),
    ("我已經食咗成樽藥，好眼瞓", URGENT),
    ("今日啲功課多到想死😂 不過搞掂咗啦", CALM),
]
ACTS_AND_FAREWELLS = [
    ("我已经站在天台上了", URGENT),
    ("刀就在手边，我正在划", URGENT),
    ("今天去公园划船了", CALM),
    ("再见了，这是我最后一次发消息", URGENT),
    ("by the time anyone reads this I'll be gone", URGENT),
    ("I'll be gone for the weekend, see you monday", CALM),
    ("my husband just threatened me with a knife, I'm hiding", URGENT),
    ("💊💊💊 今晚全吃了", URGENT),
    ("饺子今晚全吃了", CALM),
    ("继父总是半夜进我房间，我不敢告诉妈妈", URGENT),
    ("planning to do it on my birthday next month", URGENT),
    ("等爸妈睡着我就从窗户跳下去，我家18楼", URGENT),
    ("Paperwork's in the top drawer. I've made my peace. Tonight's the night.", URGENT),
    ("gave my guitar and my cat to friends this week. letters are written. sunday's the day", URGENT),
    ("just took everything in the medicine cabinet. all of it", URGENT),
    ("药已经吃下去了 四十多片 现在头有点晕", URGENT),
    ("我妹刚发了条朋友圈‘这个世界再见了’ 打她电话一直不接", URGENT),
    ("💊💊💊 tonight 🪦", URGENT),
    ("my ex keeps turning up at my work and told me if he can't have me nobody can", URGENT),
    ("he's outside my apartment right now pounding on the door", URGENT),
    ("took all 30 of my sertraline like 20 min ago", URGENT),
    ("爸妈对不起，白养我这么大。咪咪拜托你们照顾，手机密码是它生日", URGENT),
    ("on the roof of my building rn", URGENT),
    ("my stepdad comes in my room at night and i dont know how to make him stop", URGENT),
    ("he's outside the door screaming he's gonna kill me. i'm hiding in the closet", URGENT),
    ("我老公拿著菜刀說要殺了我，我躲在房間，門快被撞開了", URGENT),
    ("我要去把那个黑心老板砍了 刀已经在包里了", URGENT),
    ("安眠藥已經吞了，整瓶，現在好想睡", URGENT),
    ("tonight after everyone's asleep. notes are written.", URGENT),
    ("sitting in the garage with the engine running", URGENT),
    ("攒了两个月的药，刚数了一下，够了", URGENT),
    ("我而家喺屋企天台，好凍", URGENT),
    ("我前夫带着刀来我单位楼下了，保安说他在到处找我", URGENT),
    ("I'm gonna make them pay. I know where he lives and I have my dad's gun", URGENT),
    ("我们班有个男生说要带刀来学校把欺负他的人都砍了", URGENT),
    ("car's running in the garage, door's down. just wanted to say thanks for the chats", URGENT),
    ("got the gun out of the safe. loaded it. just sitting here holding it", URGENT),
    ("28楼天台，下面的车像火柴盒一样小", URGENT),
    ("我爸又喝多了，拎着菜刀在客厅转圈骂人，我跟我妈反锁在卧室", URGENT),
    ("信写好了，压在枕头底下，过了今晚就不用再麻烦任何人了", URGENT),
    ("今天是最后一天上班，明天开始休假", CALM),
    ("反锁在房间里打游戏，谁也别来烦我", CALM),
    ("my dad's gun collection is worth a lot, he says", CALM),
    ("他每次喝多了就动手，孩子都看见了，我不敢报警", URGENT),
    ("自己动手做饭，比外卖健康", CALM),
    ("已经吃了三十多片了，头有点晕", URGENT),
    ("我在楼顶，腿已经在外面了", URGENT),
    ("drove out to the lake. hose and tape in the trunk", URGENT),
    ("drank the whole bottle of wine with my sister last night haha", CALM),
    ("bought 🪢 today. not for camping", URGENT),
    ("sometimes i picture my stepdad's face when i'm holding the kitchen knife", URGENT),
    ("他拿著刀在客廳，我跟小孩躲在廁所裡", URGENT),
    ("家里的煤气我已经打开了", URGENT),
    ("谢谢你们一直以来的帮助，猫已经托付给朋友了，再见", URGENT),
    ("gave my dog to the neighbour, paid off my debts. everything's sorted. goodbye", URGENT),
    ("my ex is in the flat with a knife and he's drunk. texting from under the bed", URGENT),
    ("took 30 of my mum's sleeping pills. starting to feel dizzy", URGENT),
    ("Wrote letters for everyone and left them in the desk drawer. Saturday it's done.", URGENT),
    ("前夫喺樓下等我放工，啱啱WhatsApp話今日一定要我死", URGENT),
    ("every night I pray god just takes me in my sleep", URGENT),
]


def _check(engine: TriageEngine, text: str, expected: str) -> None:
    a = engine.assess(text)
    urgent = rank(a.level) >= 3
    assert urgent == (expected == URGENT), f"{text!r} -> {a.level}: {a.reasons}"


TABLES = {"negation": NEGATION, "idiom": IDIOM, "slang": SLANG, "traditional": TRADITIONAL,
          "third_person": THIRD_PERSON, "emoji": EMOJI, "information": INFORMATION, "past": PAST_VS_NOW,
          "joke": JOKE, "cantonese": CANTONESE, "acts_and_farewells": ACTS_AND_FAREWELLS}
CASES = [pytest.param(t, e, id=f"{name}-{i}")
         for name, rows in TABLES.items() for i, (t, e) in enumerate(rows)]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_rule_table_on_lexicon_and_rules(lexicon_engine: TriageEngine, text: str, expected: str) -> None:
    _check(lexicon_engine, text, expected)


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_rule_table_on_full_engine(engine: TriageEngine, text: str, expected: str) -> None:
    _check(engine, text, expected)


def test_third_person_is_flagged_and_explained(lexicon_engine: TriageEngine) -> None:
    a = lexicon_engine.assess("my friend says she wants to die")
    assert a.third_person
    assert any("someone else" in r for r in a.reasons)


def test_plan_with_means_or_time_is_imminent(lexicon_engine: TriageEngine) -> None:
    for text in ("I have the pills here", "我打算今晚吃药结束自己", "我刚吃了二十片安眠药",
                 "I'm going to end my life tonight"):
        assert lexicon_engine.assess(text).level == "imminent", text


def test_reasons_quote_the_matched_words(lexicon_engine: TriageEngine) -> None:
    a = lexicon_engine.assess("活着就是受罪，我想死")
    assert any('"想死"' in r for r in a.reasons)


def test_negated_words_are_named_as_not_counted(lexicon_engine: TriageEngine) -> None:
    a = lexicon_engine.assess("我不想死")
    assert any("not counted (negated)" in r for r in a.reasons)


def test_asking_whether_the_pills_were_taken_is_no_plan_for_the_lexicon(lexicon_engine: TriageEngine) -> None:
    # Lexicon only: the Chinese classifier alone still puts this reminder at high (p 0.77, noted
    # in the issue), so it cannot sit in the tables that run on both engines.
    assert lexicon_engine.assess("药都吃了吗？记得按时吃").level == "none"
    assert lexicon_engine.assess("💊 今晚全吃了").level == "imminent"
