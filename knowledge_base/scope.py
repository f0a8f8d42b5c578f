"""Questions the bot must not answer from the knowledge base, and questions about services.

Never answered (safety, not modesty): medication doses and changes (only the prescriber knows the
person's history; WHO mhGAP leaves prescribing to trained clinicians), diagnosing someone who is
not in the conversation, and anything about lethal doses or obtaining means of self-harm (means
restriction, WHO LIVE LIFE 2021). Out of scope: weather, markets, homework, recipes and the like.
The patterns are explicit and reviewable; low retrieval confidence catches the rest.
"""

from __future__ import annotations

import re
from typing import Literal

RefusalReason = Literal["crisis", "means", "medication", "diagnosis", "legal", "out_of_scope"]

def _any(words: str) -> str:
    """A regex group of space-separated alternatives (keeps the lists readable and reviewable)."""
    return "(" + "|".join(words.split()) + ")"


_DRUG_ZH = _any("药 药片 安眠药 抗抑郁药 镇静药 舍曲林 氟西汀 帕罗西汀 西酞普兰 文拉法辛 度洛西汀 阿普唑仑 "
                "劳拉西泮 地西泮 安定 唑吡坦 思诺思 褪黑素 锂盐 碳酸锂 喹硫平 "
                "奥氮平 阿立哌唑 米氮平 曲唑酮 氯硝西泮")
_DRUG_EN = _any(r"pills? meds medication medicine antidepressants? sertraline zoloft prozac fluoxetine "
                r"paroxetine citalopram escitalopram lexapro venlafaxine xanax alprazolam lorazepam ativan "
                r"diazepam valium clonazepam klonopin ambien zolpidem melatonin lithium quetiapine seroquel "
                r"olanzapine mirtazapine trazodone benzos? sleeping\spills? ssris?")
_DOSE_ZH = _any(r"剂量 吃几片 吃多少 几毫克 多少毫克 \d+\s?mg 加量 减量 加药 减药 停药 换药 一次吃 一天吃 "
                r"能(不能)?一起吃 能同时吃 吃几颗 多少片")
_RELATION_ZH = _any("老公 老婆 丈夫 妻子 男朋友 女朋友 男友 女友 同事 老板 领导 上司 朋友 邻居 婆婆 "
                    "儿子 女儿 孩子 "
                    "公公 岳母 室友 同学 爸爸? 妈妈? 父亲 母亲 哥哥? 姐姐? 弟弟? 妹妹? 老师 舅舅 姑姑 阿姨")
_PERSON_ZH = "(他|她|我(的)?" + _RELATION_ZH + ")"
_LABEL_ZH = _any("精神病 神经病 抑郁症 焦虑症 强迫症 双相 躁郁症 精神分裂 人格障碍 反社会 自恋型 心理变态 "
                 "自闭症 孤独症 多动症")
_PERSON_EN = ("((?i:him|her)|(?i:my " + _any(
    r"husband wife partner boyfriend girlfriend boss coworker co-worker colleague friend neighbou?r "
    r"roommate mom "
    r"mum mother dad father brother sister ex mother-in-law teacher manager classmate cousin uncle aunt "
    r"son daughter child kid baby toddler student")
    + ")|[A-Z][a-z]+)")
_LABEL_EN = "(?i:" + _any(r"narcissist\w* psychopath\w* sociopath\w* bipolar schizophreni\w* borderline "
                          r"personality\sdisorder mentally\sill crazy insane autistic on\sthe\sspectrum "
                          r"adhd ocd psychotic autism asperger'?s?") + ")"
# Words that judge a person ("my boss is a narcissist"); a carer's "my son is autistic" is not a
# request to diagnose anyone, so the statement form below takes only these.
_JUDGE_EN = "(?i:" + _any(r"narcissist\w* psychopath\w* sociopath\w* crazy insane psycho") + ")"
_MEANS_ZH = "|".join([
    "致死量", "致命剂量", "(吃|喝|吞)(多少|几).{0,8}(会死|能死|致死|死掉|没命)",
    "(怎么|怎样|如何|哪里|去哪).{0,4}(买|弄到|搞到|拿到).{0,6}"
    + _any("安眠药 农药 百草枯 毒药 木炭 炭 刀片 氰化物"),
    _any("安眠药 农药 百草枯 毒药 氰化物") + ".{0,4}(哪里|哪儿|怎么|去哪|在哪).{0,4}(买|弄|搞|拿)",
    "(跳河|跳楼|跳桥|上吊|割腕|烧炭|服毒|喝农药|卧轨).{0,8}(痛苦|会死|死得|多久|怎么|方法)",
    "(无痛|不痛苦).{0,4}(死|自杀)", "自杀(的)?方法",
    "怎么(样)?自杀", "(几|多少)层.{0,4}(摔死|跳|会死)",
    "烧炭.{0,4}(怎么|多久|步骤|弄)",
    "(用刀|刀片|割|划|刺|捅)(哪里|哪儿|哪个部位|什么部位)",
    "(割|划|刺|捅)(腕|脖子|动脉).{0,6}(最快|多深|会死)",
    # a medicine or way "to sleep and not wake up" is a question about means (offtopic10, 2026-12-07)
    "(药|吃什么|怎么|办法|方法).{0,10}(不再醒|再也不醒|永远不醒|永远醒不|再也醒不|一睡不醒)",
])
_MEANS_EN = "|".join([
    "lethal dose", "fatal dose", "overdose", "(is|be) (lethal|fatal|deadly)", "致命",
    "how (many|much) .{0,30}(to die|would kill|to kill myself|is fatal)",
    "painless(ly)? (way )?(to )?(die|suicide|kill)",
    # any "easy way out" wording: end it / things / everything / my life, go, not wake up
    "(painless|easiest|easy|quickest|quick|fastest|peaceful|best|surest) (way|method) (to|of) "
    "(go|going|die|dying|end(ing)? (it|it all|things|everything|my life)|not wake up)",
    "(pills?|medicine|drugs?|take) .{0,30}(never|not) wake (up|again)",
    "(where|how) (can|do|could) i (buy|get|find) .{0,20}(gun|rope|poison|pills to die|cyanide)",
    "(buy|get) .{0,20}poison", "hang (myself|yourself|oneself)",
    "(how|way) to (die|hang|drown|slit)", "suicide methods?",
    "how high .{0,40}(to die|fatal|kill)",
    "easiest way to die",
])
_DOSE_EN = "|".join([
    r"dose", "dosage", "how many mg", r"milligrams?", r"\d+ ?mg", "how (much|many) .{0,20}should i take",
    "double (my|the) dose", "without (a )?prescription",
    "(double|extra) (up )?(on )?((my|the|a|an|some) )?(\\w+ ){0,2}" + _DRUG_EN,
    r"prescribe (me )?",
    "(is|are) .{0,20}(dangerous|toxic) (dose|amount)",
    "how (much|many) .{0,30}(can|should|do|could) (i|you|he|she|they|a child|a kid|my \\w+) take",
    "how (much|many) (mg |milligrams )?(of )?" + _DRUG_EN, "take at once",
    "(increase|decrease|raise|lower|stop|quit|come off|taper) (taking )?(my )?" + _DRUG_EN,
    "(take|mix) .{0,20}" + _DRUG_EN + " (with|and) ",
    # alcohol with medicine: a pharmacist's question, not ours
    "(alcohol|drink(ing)?|wine|beer) (on|with|while (on|taking)) .{0,12}"
    + "(antibiotics?|" + _DRUG_EN[1:-1] + ")",
])
# Out of scope: everyday information and errands. "作业"/"homework" only as a request for help with it,
# so "homework keeps me up until midnight" still reaches exam_stress.
_OFF_ZH = _any(" ".join([
    "天气(预报|怎么样|如何|好不好) (明天|今天|后天|周末).{0,4}天气 气温多少 下不下雨 会不会下雨 空气质量",
    "股票 股市 基金 炒股 比特币 理财产品 彩票",
    "(帮我|帮忙|教我|怎么)(做|写|解).{0,6}(作业|题|作文) 高数 (数学|物理|化学|这道)题",
    "数学题 解方程 方程式 作文",
    "翻译(一下|成) 菜谱 食谱 怎么做(饭|菜|蛋糕|红烧肉) 红烧 比分 球赛 世界杯",
    "机票 火车票 高铁 航班 快递 写代码 编程 python 爬虫 电脑.{0,4}(坏|修)",
    "(买|推荐|哪款|哪个牌子).{0,6}(手机|电脑|洗衣机|冰箱|车|相机) 手机.{0,4}(推荐|哪款) 哪个牌子",
    "讲个笑话 唱首歌 几点了 星座 算命 菜价 房价 (申请|办)信用卡 信用卡怎么 贷款 签证 护照 报名",
    "宠物.{0,6}(不吃|生病|拉肚子|怎么养) 写.{0,4}(辞职信|简历|求职信|论文|报告|文案|邮件) 注册公司",
    "(推荐|好玩的).{0,4}游戏 手机.{0,6}(设置|语言|壁纸) NBA 足球 篮球 小说 星期几 几号 汇率 限号",
    "帮我(算|计算) (手机|电脑).{0,4}怎么(截|设置|下载|安装) 截长图 截屏 "
    "(能|可以)吃.{1,4}吗 机器人 减肥 综艺 截图 密码 黄金价格 金价",
    "(手机|电脑|网络|wifi|WiFi).{0,4}(没信号|信号|连不上|上不了网)",
    "(手机|电脑|平板|笔记本).{0,6}(重启|死机|卡顿|黑屏|蓝屏|发烫|充不进电|没声音)",
    "excel ppt word文档 数据透视 表格.{0,4}(公式|函数|怎么做)",
    "(买|选)什么(样|牌子)的?.{0,8}(合适|好|比较好)",
    "清理内存 手机内存 存储空间 (苹果|华为|小米|三星).{0,6}(哪个好|怎么样) 今晚吃什么 吃什么好 多远 几种语言",
    "好吃的 火锅店 饭店 饭馆 餐馆 (报|选)什么(岗位|职位|专业) 报考条件 "
    "(物理|化学|数学|生物).{0,6}(怎么理解|怎么算|公式|知识点|定理|定律) "
    "(推荐|好看的).{0,4}(电影|电视剧|书|歌|餐厅) 有多长 有多高 多少米 轮胎 去哪里玩 旅游攻略 超市 餐厅",
]))
_OFF_EN = r"\b" + _any(
    r"weather forecast rain(ing|y)? snow(ing)? temperature\soutside stocks? shares crypto bitcoin "
    r"invest(ing|ment) lottery "
    r"(do|help\swith|solve)\s(my\s)?(math\s|algebra\s)?homework equation algebra essay\sfor translate "
    r"recipes? bake cook(ing)?\s(a|the) football soccer world\scup score\sof\sthe flights? train\stickets? "
    r"parcel write\s(me\s)?(some\s|a\s)?(code|python) python\sscript fix\smy\s(computer|laptop|phone|car) "
    r"laptop which\sphone best\s\w+\sunder tell\sme\sa\sjoke sing\sa\ssong horoscope capital\sof "
    r"fun\sfacts? trivia riddle "
    # errands: writing for someone, sums, what to wear, banks and shops
    r"write\s(me\s)?(a|an|some)\s(\w+\s)?(message|letter|email|speech|poem|story|caption|post) "
    r"calculate what\sshould\si\swear bank post\soffice "
    r"recommend\sa\s(good\s)?(movie|film|book|song|restaurant) movie pizza restaurant supermarket passport "
    r"visa credit\scard loan how\stall how\sfar\sis quantum tyre tire cover\sletter resume cv "
    r"exchange\srate what\sday\sis what\stime\sis president\sof history\sof wifi router "
    r"get\sto\sthe\s(airport|station) buy\sshoes nba fried\srice "
    r"play\s(chess|cards|poker|guitar|piano|football|basketball|tennis|mahjong) "
    r"phone'?s?\s(language|settings|wallpaper) recommend\sa\s(good\s)?game password "
    r"(next|public|bank)\sholiday") + r"\b"

# Legal questions (custody, compensation, suing, divorce procedure, labour arbitration): a lawyer or
# the 12348 legal-aid line answers them; the feelings around them stay ours ("离婚后走不出来").
_LEGAL_ZH = _any("抚养权 赔偿金 补偿金 劳动仲裁 仲裁 起诉 打官司 律师 法院 判决 离婚协议 离婚手续 "
                 "(怎么|如何)(办理?|申请)离婚 财产(怎么)?分割 违法辞退 违法解除 经济补偿 立案 诉讼 "
                 "法律(上|责任) 归谁 社保 公积金 (去哪|哪里|怎么)投诉 劳动合同 "
                 "合法吗 加班费 抚养费 (去哪|哪里|怎么|能不能|可以)(里)?告(?![诉别白知]) "
                 "(房子|房产|存款|车子?)(怎么|如何)分 "
                 "(辞退|开除|解雇|裁员).{0,8}(赔偿|补偿|赔钱|n\\+1|N\\+1)")
_LEGAL_EN = r"\b" + _any(r"legally is\sit\slegal sue suing lawsuit lawyer attorney "
                          r"custody\s(battle|rights|case)? "
                          r"legal\s(rights|action|advice) (get|file\sfor|apply\sfor)\sa\sdivorce "
                          r"divorce\s(papers|law|procedure|process) compensation\sclaim severance\spay "
                          r"small\sclaims court\scase tribunal legal\soptions child\ssupport alimony "
                          r"overtime\spay "
                          r"(can|could|is)\s(my\s)?(employer|boss|company|landlord|school)\s(legally\s)?"
                          r"(allowed\sto\s)?(fire|sack|dismiss|evict|expel)") + r"\b"

# The asker speaks of ending their own life: no entry is the answer, a person and the 24-hour lines
# are (triage normally takes these first; the knowledge base must not answer them either).
_CRISIS = "|".join([
    "我(真的)?(想|要|准备|打算)(去)?(自杀|死|轻生|结束(自己的)?生命)", "我不想活", "活不下去了",
    r"\bi (really )?(want|wanna|plan|am going) to (die|kill myself|end (it|my life))",
    r"\bi('m| am) going to kill myself", r"\bkill myself", r"\bend my (own )?life",
])

REFUSALS: tuple[tuple[RefusalReason, re.Pattern[str]], ...] = (
    ("crisis", re.compile(_CRISIS, re.I)),
    ("means", re.compile(_MEANS_ZH)),
    ("means", re.compile(_MEANS_EN, re.I)),
    ("medication", re.compile("(不用|没有|不要|无)处方|(能|可以|该不该)(吃|服用?).{0,4}" + _DRUG_ZH
                              + "|开(点|些|一点)?.{0,4}" + _DRUG_ZH + "|" + _DRUG_ZH
                              + ".{0,10}" + _DOSE_ZH
                              + "|" + _DOSE_ZH + ".{0,10}" + _DRUG_ZH
                              + "|" + _DRUG_ZH + ".{0,6}(和|跟|与).{0,6}(酒|药).{0,4}(一起|同时)")),
    ("medication", re.compile(_DOSE_EN, re.I)),
    # A request to judge someone else ("is my boss a psychopath?", "我怀疑我老板有反社会人格"), not a
    # carer saying a relative has a diagnosis ("my husband has bipolar disorder, how do I cope?").
    ("diagnosis", re.compile("(诊断|确诊|判断|鉴定|分析)一?下?.{0,4}" + _PERSON_ZH + "|" + _PERSON_ZH
                             + ".{0,6}(是不是|是否|算不算|有没有)(得了|有|患了?)?.{0,4}" + _LABEL_ZH
                             + "|(怀疑|觉得|感觉)" + _PERSON_ZH + ".{0,6}" + _LABEL_ZH)),
    ("diagnosis", re.compile(r"\b(?i:diagnose) " + _PERSON_EN + r"|\b(?i:is|does|has) " + _PERSON_EN
                             + " (a |an |have |has |got |)?" + _LABEL_EN + "|" + _PERSON_EN
                             + " (?i:is|seems) (?i:like )?(a |an )?(?i:real |total )?" + _JUDGE_EN)),
    # Asking the bot itself for a diagnosis ("can you diagnose me", 给我个诊断).
    ("diagnosis", re.compile(r"(?i:(can|could|will) you (please )?diagnose|diagnose me\b|give me a diagnosis)"
                             "|(给|帮)我(下|做)?(个|一个)?诊断|帮我诊断")),
    # A demand that the bot settle it ("just tell me if I have ADHD", 直接告诉我我是不是得了抑郁症); the
    # open question ("could this be depression?", 如何判断我是不是抑郁症) stays with the low-mood
    # entries, which say who assesses.
    ("diagnosis", re.compile("(直接|你就?|帮我)(帮我)?(说|讲|告诉|确定|确认|判断|下个?结论)(一下)?"
                             "我?[，,]?我?(到底)?(是不是|是否|有没有)(得了|患了?|有)?.{0,2}" + _LABEL_ZH
                             + r"|(?i:(just |please )?(tell|confirm|say)( to)? me (if|whether|that) "
                             r"i (have|'ve got|am|'m)|confirm (that )?i have) .{0,12}" + _LABEL_EN)),
    ("legal", re.compile(_LEGAL_ZH)),
    ("legal", re.compile(_LEGAL_EN, re.I)),
    ("out_of_scope", re.compile(_OFF_ZH)),
    ("out_of_scope", re.compile(_OFF_EN, re.I)),
)

SERVICE_PATTERNS = (
    re.compile(_any("热线 电话 号码 服务站 心理站 服务中心 咨询室 心理驿站 开门 "
                    "营业 开放时间 开着 几点(开|关) "
                    "地址 在哪(里|儿)? 预约 挂号 附近")),
    re.compile(r"\b" + _any(r"hotline helpline phone\snumber number\s(can|could|should|do)\si\scall "
                            r"call\stonight stations? cent(re|er)s? open\s(now|today|tonight) opening\shours "
                            r"address near\sme nearby book\s(an\s)?appointment where\sis") + r"\b", re.I),
)
OPEN_NOW = re.compile(_any(r"现在 此刻 这会儿 开着 开门 今晚 晚上 半夜 深夜 凌晨 \bnow\b \bopen\b tonight "
                           r"right\saway at\snight midnight"), re.I)
LINES = re.compile(r"热线|电话|号码|打给|\b(call|number|hotline|helpline|phone|ring)\b", re.I)

def refusal_reason(question: str) -> RefusalReason | None:
    """The first refusal rule the question meets, if any (safety rules before scope rules)."""
    for reason, pattern in REFUSALS:
        if pattern.search(question):
            return reason
    return None


def asks_for_services(question: str) -> bool:
    """The question is about stations, opening hours, hotlines or booking."""
    return any(p.search(question) for p in SERVICE_PATTERNS)
