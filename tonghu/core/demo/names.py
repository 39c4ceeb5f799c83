"""Deterministic generator of plausible, entirely invented personal names for demo data.

Every function takes a ``random.Random`` (or an int seed) and draws only from it, so the same seed gives the same
names on every run and platform. Nothing here is, or is taken from, a real person's record; full names that
belong to well-known people are rejected and drawn again.

Naming conventions followed (``ethnicity_code`` is the GB/T 3304 code, see ``tonghu.core.reference.ethnicities``):

* 汉族 and most groups: surname + one- or two-character given name, surnames weighted by national frequency;
  children's given names use current fashions, adults' those of the 1970s-90s.
* 壮族 / 布依族 / 仫佬族 / 毛南族 / 京族, 瑶族, 苗族 and 回族 (also 东乡 / 撒拉 / 保安): Han-style names with the
  surnames common in those groups (黄 韦 覃 莫 蒙 农 ... ; 盘 赵 邓 ... ; 马 白 丁 ...).
* 藏族 (also 门巴 / 珞巴): no surname; one or (usually) two two-character parts, e.g. 次仁卓玛, 扎西多吉.
  Children are not named after their parents.
* 维吾尔族 (also approximated for 哈萨克 / 柯尔克孜 / 塔吉克 / 乌孜别克 / 塔塔尔): own name · father's name,
  e.g. 阿依古丽·买买提; a child's second part is the father's first part.
* 彝族: clan name (家支名) + personal name, e.g. 阿西木呷; children take the father's clan name.
* 蒙古族: Mongolian names without surname (巴特尔, 其其格) or Han-style names.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from tonghu.core.reference.ethnicities import by_name

MALE = "M"
FEMALE = "F"

# --------------------------------------------------------------------------------------------------------------
# Surnames with weights (per mille, roughly the national frequency for 汉族; regional for the others).

HAN_SURNAMES: list[tuple[str, float]] = [
    ("王", 72), ("李", 71), ("张", 68), ("刘", 52), ("陈", 46), ("杨", 31), ("黄", 24), ("赵", 23), ("吴", 20),
    ("周", 19), ("徐", 15), ("孙", 15), ("马", 14), ("朱", 13), ("胡", 13), ("郭", 12), ("何", 12), ("林", 11),
    ("高", 11), ("罗", 11), ("郑", 10), ("梁", 9), ("谢", 8), ("宋", 8), ("唐", 8), ("许", 7), ("邓", 7),
    ("冯", 7), ("韩", 7), ("曹", 7), ("曾", 7), ("彭", 6), ("肖", 6), ("蔡", 6), ("潘", 6), ("田", 6), ("董", 5),
    ("袁", 5), ("于", 5), ("余", 5), ("叶", 5), ("蒋", 5), ("杜", 5), ("苏", 5), ("魏", 5), ("程", 5), ("吕", 4),
    ("丁", 4), ("沈", 4), ("任", 4), ("姚", 4), ("卢", 4), ("傅", 4), ("钟", 4), ("姜", 4), ("崔", 4), ("谭", 4),
    ("廖", 3), ("范", 3), ("汪", 3), ("陆", 3), ("金", 3), ("石", 3), ("戴", 3), ("贾", 3), ("韦", 3), ("夏", 3),
    ("邱", 3), ("方", 3), ("侯", 3), ("邹", 3), ("熊", 3), ("孟", 3), ("秦", 3), ("白", 3), ("江", 3), ("闫", 3),
    ("薛", 3), ("尹", 3), ("段", 2), ("雷", 2), ("黎", 2), ("史", 2), ("龙", 2), ("陶", 2), ("贺", 2), ("顾", 2),
    ("毛", 2), ("郝", 2), ("龚", 2), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2), ("赖", 2), ("覃", 2), ("洪", 2),
    ("武", 2), ("莫", 2), ("孔", 2), ("蒙", 1), ("欧阳", 0.5),
]

# 壮族 and neighbouring groups of western Guangxi (百色, 河池): 黄 韦 覃 莫 蒙 农 lead.
ZHUANG_SURNAMES: list[tuple[str, float]] = [
    ("黄", 18), ("韦", 14), ("覃", 10), ("李", 6), ("莫", 6), ("蒙", 5), ("农", 5), ("陆", 5), ("梁", 5),
    ("罗", 5), ("卢", 4), ("杨", 4), ("廖", 3), ("岑", 3), ("潘", 3), ("何", 3), ("陈", 3), ("班", 2), ("蓝", 2),
    ("谭", 2), ("邓", 2), ("甘", 2), ("黎", 2), ("周", 2), ("赵", 2), ("王", 2), ("零", 1), ("凌", 1), ("冯", 1),
    ("唐", 1), ("苏", 1), ("刘", 1), ("许", 1), ("劳", 1), ("方", 1), ("马", 1),
]

# 瑶族 (蓝靛瑶, 背篓瑶 ... of 百色): 盘 赵 邓 李 lead.
YAO_SURNAMES: list[tuple[str, float]] = [
    ("盘", 10), ("赵", 10), ("邓", 8), ("李", 8), ("黄", 6), ("蓝", 6), ("罗", 6), ("冯", 4), ("班", 4), ("陆", 3),
    ("蒙", 3), ("杨", 3), ("房", 2), ("唐", 2), ("周", 2), ("胡", 2), ("陈", 2), ("韦", 2), ("卢", 2), ("潘", 2),
    ("何", 1), ("马", 1),
]

MIAO_SURNAMES: list[tuple[str, float]] = [
    ("杨", 10), ("龙", 8), ("吴", 8), ("石", 7), ("王", 6), ("李", 6), ("张", 5), ("熊", 4), ("陶", 4), ("罗", 4),
    ("麻", 3), ("侯", 3), ("田", 3), ("潘", 3), ("马", 2), ("滕", 2), ("韦", 2), ("项", 2), ("刘", 2), ("陈", 2),
    ("欧", 2), ("蒙", 1), ("金", 1),
]

HUI_SURNAMES: list[tuple[str, float]] = [
    ("马", 30), ("白", 6), ("丁", 6), ("杨", 6), ("李", 6), ("王", 6), ("张", 5), ("刘", 4), ("韩", 3), ("海", 3),
    ("穆", 3), ("金", 3), ("哈", 2), ("纳", 2), ("沙", 2), ("米", 2), ("冶", 2), ("苏", 2), ("锁", 1), ("撒", 1),
    ("达", 1), ("喇", 1), ("保", 1),
]

# --------------------------------------------------------------------------------------------------------------
# Han-style given names. Children: names popular since the 2000s; adults: names of the 1970s-1990s.

CHILD_MALE_FIRST = list("浩宇子俊梓睿嘉思家志明泽文博一天承奕铭皓昊晨煜锦景鸿凯永振立晓云海彦钰卓骏翔宸亦弘正")
CHILD_MALE_SECOND = list("轩然宇杰睿泽辰豪博航鑫凯彬阳晨洋林诚锐翔恒皓霖熙哲铭涛峰俊毅伟腾远康宁川辉鹏琦楠森源坤斌勋煊逸瑞麟乐")
CHILD_MALE_SINGLE = list("浩宇杰睿轩航凯鑫博豪涛磊鹏辉毅哲晨阳峰坤森斌")
CHILD_FEMALE_FIRST = list("子梓欣思雨诗佳可语一紫嘉若梦晓心雅静婉亦依文艺美慧馨月芷沐书安乐晴怡婧")
CHILD_FEMALE_SECOND = list("涵萱怡琪琳彤妍瑶欣悦然雪婷菲颖洁诺馨蕾璐晴茜雯婕娜妮蓉月倩楠薇宁曦桐瑾媛玥岚")
CHILD_FEMALE_SINGLE = list("琪彤妍瑶悦雪婷菲颖洁蕾璐晴雯娜妮倩楠薇曦瑾媛玥岚敏丹静")
CHILD_FEMALE_DOUBLED = ["婷婷", "欣欣", "佳佳", "璐璐", "晶晶", "甜甜", "乐乐", "菲菲", "露露", "莉莉", "妮妮", "琪琪"]

ADULT_MALE_FIRST = list("建国志文明永海小晓春金德立俊家振新伟世光东成学宏江玉长庆运锦福云兴胜忠")
ADULT_MALE_SECOND = list("华军平明国强伟勇林波峰东辉刚斌涛飞生荣龙成杰鹏亮超文祥才贵富宝兵武海新民庆")
ADULT_MALE_SINGLE = list("伟军勇强磊刚斌涛明超亮鹏辉杰峰波健平飞兵锋")
ADULT_FEMALE_FIRST = list("秀丽美春海小晓玉桂金红彩月凤翠素淑雪艳慧冬爱丹燕文静佳雅")
ADULT_FEMALE_SECOND = list("英兰芳华梅珍娟红霞燕琴玲萍艳莉丽敏静婷娜凤云芬菊莲秀香妹")
ADULT_FEMALE_SINGLE = list("芳敏静丽燕娟艳霞婷娜玲萍红梅丹琳英兰莉慧")

# Characters used as a shared generation character (字辈) between siblings of either sex.
GENERATION_CHARS = list("思嘉子梓一佳文家")

# Given names and full names that belong to well-known people: never generated.
BLOCKED_GIVEN_NAMES = {
    "泽东", "近平", "恩来", "小平", "锦涛", "家宝", "克强", "镕基", "少奇", "德怀", "泽民", "岐山", "沪宁", "乐际",
    "正声", "德江", "云山", "丽媛", "中山", "介石",
}
FAMOUS_NAMES = {
    "李娜", "刘翔", "王菲", "张杰", "李宁", "李强", "韩红", "林丹", "马龙", "孙杨", "姚明", "王楠", "丁宁", "朱婷",
    "杨倩", "王源", "赵薇", "刘涛", "黄磊", "陈坤", "李晨", "邓超", "王凯", "周杰", "马云", "雷军", "王一博",
    "刘昊然", "吴磊", "王俊凯", "杨洋", "韩雪", "樊振东", "陈梦", "刘国梁", "邓亚萍", "杨威", "李小鹏", "田亮",
    "周洋", "张怡宁", "王皓", "马琳", "周琦", "杨利伟", "王亚平", "刘洋", "袁隆平", "张文宏", "李兰娟", "杨振宁",
    "余华", "郭敬明", "陈凯歌", "刘德华", "张学友", "黎明", "张国荣", "张家辉", "王力宏", "林俊杰", "李荣浩",
    "华晨宇", "汪峰", "李健", "李志", "崔健", "朱军", "康辉", "周涛", "岳云鹏", "贾玲", "马丽", "陈宝国", "张国立",
    "王刚", "唐国强", "王志文", "范伟", "宋茜", "孙怡", "邓紫棋", "张子枫", "马思纯", "李宇春", "黄晓明", "刘备",
    "关羽", "张飞", "赵云", "李白", "杜甫", "王维", "鲁迅", "胡适", "李鹏", "朱德", "汪洋", "韩正", "王毅", "蔡奇",
    "李希", "丁薛祥", "赵乐际", "王沪宁", "李克强", "温家宝", "胡锦涛", "江泽民", "朱镕基", "毛泽东", "周恩来",
    "邓小平", "习近平", "刘少奇", "彭德怀", "彭丽媛", "孙中山", "蒋介石", "李小龙", "马化腾", "王健林", "莫言",
    "杨幂", "周迅", "黄渤", "沈腾", "吴京", "孙俪", "杨紫", "李冰冰", "范冰冰", "章子怡", "刘亦菲", "赵丽颖",
    "全红婵", "苏炳添", "张继科", "孙颖莎", "王楚钦", "郎平", "谷爱凌", "武大靖", "王濛", "郭晶晶", "易建联",
}

# --------------------------------------------------------------------------------------------------------------
# Tibetan parts. Any part may stand alone; most names are two parts (four characters).

TIBETAN_MALE_PARTS = [
    "扎西", "次仁", "格桑", "尼玛", "达瓦", "巴桑", "边巴", "普布", "米玛", "拉巴", "平措", "洛桑", "索朗", "旦增",
    "多吉", "顿珠", "次旦", "罗布", "强巴", "土登", "晋美", "朗杰", "贡布", "赤列", "群培", "阿旺", "格勒", "加措",
    "桑杰", "欧珠", "旺堆", "贡觉", "伦珠", "达杰", "丹增", "益西",
]
TIBETAN_FEMALE_PARTS = [
    "卓玛", "央金", "德吉", "拉姆", "曲珍", "卓嘎", "白玛", "玉珍", "仓决", "梅朵", "措姆", "旺姆", "次珍", "央宗",
    "拉珍", "次央", "德央", "曲宗", "桑姆", "普赤", "边珍", "洛珍", "康珠", "益西",
]
# Parts that open a name of either sex (e.g. 次仁卓玛, 扎西多吉, 格桑拉姆).
TIBETAN_UNISEX_FIRST = ["扎西", "次仁", "格桑", "尼玛", "达瓦", "巴桑", "边巴", "普布", "米玛", "拉巴", "索朗", "益西", "德吉"]
TIBETAN_FEMALE_FIRST = ["卓玛", "央金", "德吉", "拉姆", "曲珍", "玉珍", "次珍", "央宗", "桑姆"]

# --------------------------------------------------------------------------------------------------------------
# Uyghur given names in their usual Chinese transcription.

UYGHUR_MALE = [
    "艾力", "买买提", "吐尔逊", "艾买提", "努尔", "亚森", "热合曼", "阿里木", "艾尔肯", "吾斯曼", "依明", "麦麦提",
    "卡德尔", "库尔班", "肉孜", "玉素甫", "艾山", "木拉提", "迪力夏提", "热西提", "阿迪力", "艾克拜尔", "塔依尔",
    "赛买提", "米吉提", "阿力木江", "哈力克", "司马义", "乃比江", "吐尔洪", "艾则孜", "奥斯曼", "克然木", "阿布拉",
    "吾买尔", "沙塔尔", "尼亚孜", "托合提", "阿不力孜", "买合木提", "居来提", "热扎克", "达吾提", "阿卜杜拉",
]
UYGHUR_FEMALE = [
    "阿依古丽", "古丽米拉", "古丽娜尔", "热依拉", "迪丽努尔", "帕提古丽", "阿依努尔", "米热古丽", "努尔古丽",
    "再努尔", "热娜", "阿娜尔古丽", "布再娜甫", "佐日古丽", "祖丽皮亚", "阿依夏木", "米娜瓦尔", "美合日班", "古再丽",
    "帕丽旦", "茹克亚", "努尔比亚", "玛依拉", "阿米娜", "萨妮娅", "阿孜古丽", "迪娜拉", "古丽巴哈尔", "赛乃姆",
    "苏比努尔", "莎依拉", "吐尔逊娜依", "图妮莎", "凯丽比努尔", "麦尔哈巴", "努尔尼沙",
]
NAME_DOT = "·"  # U+00B7, the separator used in household registration for transcribed names

# --------------------------------------------------------------------------------------------------------------
# Yi (彝族): clan names (家支名) and personal names.

YI_CLANS = [
    "阿西", "吉克", "阿牛", "海来", "沙马", "曲比", "阿苦", "吉伍", "马海", "俄木", "阿尔", "勒格", "苏呷", "吉木",
    "阿侯", "莫色", "瓦扎", "加拉", "金古", "倮伍", "日火", "吉尔", "阿约", "阿说", "的日", "马黑", "俄的", "阿克",
    "果基", "勒尔", "吉觉", "瓦其", "罗木", "阿来", "井曲", "吉色",
]
YI_MALE = [
    "木呷", "拉且", "日呷", "尔哈", "约哈", "子呷", "伍各", "尔布", "石布", "克古", "曲哈", "拉哈", "木牛", "伍沙",
    "阿木", "日格", "拉格", "尔体", "尔古", "石哈", "木且", "依布",
]
YI_FEMALE = [
    "阿依", "阿果", "阿芝", "尔莫", "阿莫", "日莫", "拉莫", "石莫", "木果", "日果", "阿妞", "伍芝", "阿衣", "阿支",
    "伍果", "尔果", "子莫",
]

# --------------------------------------------------------------------------------------------------------------
# Mongolian names (no surname).

MONGOL_MALE = [
    "巴特尔", "苏和", "额尔敦", "朝鲁", "宝音", "孟和", "巴雅尔", "那顺", "阿拉坦", "布和", "特木尔", "乌力吉",
    "哈斯", "毕力格", "额尔德木图", "吉日嘎拉",
]
MONGOL_FEMALE = [
    "其其格", "萨仁", "乌日娜", "娜仁", "高娃", "托娅", "斯琴", "乌兰", "塔娜", "萨日娜", "图雅", "格日勒", "诺敏",
    "阿拉坦其其格",
]

# --------------------------------------------------------------------------------------------------------------
# Which convention each ethnicity follows.

_STYLE_BY_CODE = {
    "04": "tibetan", "54": "tibetan", "55": "tibetan",
    "05": "uyghur", "17": "uyghur", "29": "uyghur", "41": "uyghur", "43": "uyghur", "50": "uyghur",
    "07": "yi",
    "02": "mongol",
}
_SURNAMES_BY_CODE: dict[str, list[tuple[str, float]]] = {
    "08": ZHUANG_SURNAMES, "09": ZHUANG_SURNAMES, "32": ZHUANG_SURNAMES, "36": ZHUANG_SURNAMES,
    "49": ZHUANG_SURNAMES,
    "13": YAO_SURNAMES,
    "06": MIAO_SURNAMES,
    "03": HUI_SURNAMES, "26": HUI_SURNAMES, "35": HUI_SURNAMES, "47": HUI_SURNAMES,
}


def _rng(rng: random.Random | int | None) -> random.Random:
    if isinstance(rng, random.Random):
        return rng
    return random.Random(rng)


def _sex(value: str) -> str:
    text = str(value).strip().upper()
    if text in ("M", "男", "MALE", "1"):
        return MALE
    if text in ("F", "女", "FEMALE", "2"):
        return FEMALE
    raise ValueError(f"sex must be 'M' or 'F': {value!r}")


def _code(ethnicity_code: str | None) -> str:
    if ethnicity_code in (None, ""):
        return "01"
    return by_name(ethnicity_code) or "01"


def _weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([name for name, _w in table], weights=[w for _n, w in table])[0]


def surname_table(ethnicity_code: str | None) -> list[tuple[str, float]]:
    """The weighted surname table used for Han-style names of an ethnicity."""
    return _SURNAMES_BY_CODE.get(_code(ethnicity_code), HAN_SURNAMES)


def name_style(ethnicity_code: str | None) -> str:
    """``"han"``, ``"tibetan"``, ``"uyghur"``, ``"yi"`` or ``"mongol"``."""
    return _STYLE_BY_CODE.get(_code(ethnicity_code), "han")


def han_surname(rng: random.Random | int | None, ethnicity_code: str | None = "01") -> str:
    return _weighted(_rng(rng), surname_table(ethnicity_code))


def han_given_name(rng: random.Random | int | None, sex: str, *, adult: bool = False, first: str | None = None) -> str:
    """A one- or two-character given name; ``first`` fixes the first character (a generation character)."""
    rng = _rng(rng)
    sex = _sex(sex)
    if sex == MALE:
        firsts, seconds, singles = (
            (ADULT_MALE_FIRST, ADULT_MALE_SECOND, ADULT_MALE_SINGLE) if adult
            else (CHILD_MALE_FIRST, CHILD_MALE_SECOND, CHILD_MALE_SINGLE)
        )
    else:
        firsts, seconds, singles = (
            (ADULT_FEMALE_FIRST, ADULT_FEMALE_SECOND, ADULT_FEMALE_SINGLE) if adult
            else (CHILD_FEMALE_FIRST, CHILD_FEMALE_SECOND, CHILD_FEMALE_SINGLE)
        )
    if first is None:
        roll = rng.random()
        if roll < (0.25 if adult else 0.1):
            return rng.choice(singles)
        if sex == FEMALE and not adult and roll < 0.14:
            return rng.choice(CHILD_FEMALE_DOUBLED)
    while True:
        a = first if first is not None else rng.choice(firsts)
        b = rng.choice(seconds)
        if a != b and a + b not in BLOCKED_GIVEN_NAMES:
            return a + b


def _han_name(rng: random.Random, surname: str, sex: str, adult: bool, first: str | None = None,
              avoid: set[str] = frozenset()) -> str:
    while True:
        name = surname + han_given_name(rng, sex, adult=adult, first=first)
        if name not in FAMOUS_NAMES and name not in avoid:
            return name


def tibetan_name(rng: random.Random | int | None, sex: str) -> str:
    """次仁卓玛, 扎西多吉, 格桑拉姆, 或 a single part such as 卓玛."""
    rng = _rng(rng)
    sex = _sex(sex)
    parts = TIBETAN_MALE_PARTS if sex == MALE else TIBETAN_FEMALE_PARTS
    openers = (TIBETAN_UNISEX_FIRST + TIBETAN_MALE_PARTS) if sex == MALE else (TIBETAN_UNISEX_FIRST + TIBETAN_FEMALE_FIRST)
    # A name never opens with a character that reads as a Han surname (罗布, 白玛 only stand second).
    openers = [p for p in openers if p[0] not in _HAN_SURNAME_CHARS]
    if rng.random() < 0.2:
        return rng.choice(openers if sex == MALE else [p for p in parts if p[0] not in _HAN_SURNAME_CHARS])
    while True:
        a, b = rng.choice(openers), rng.choice(parts)
        if a != b:
            return a + b


def uyghur_name(rng: random.Random | int | None, sex: str, father_first: str | None = None) -> str:
    """Own name · father's name: 阿依古丽·买买提, 艾力·吐尔逊."""
    rng = _rng(rng)
    sex = _sex(sex)
    if father_first is None:
        father_first = rng.choice(UYGHUR_MALE)
    own = rng.choice(UYGHUR_MALE if sex == MALE else UYGHUR_FEMALE)
    while own == father_first:  # a son is not given his father's name
        own = rng.choice(UYGHUR_MALE)
    return f"{own}{NAME_DOT}{father_first}"


def yi_name(rng: random.Random | int | None, sex: str, clan: str | None = None) -> str:
    """Clan name + personal name: 阿西木呷, 吉克阿依."""
    rng = _rng(rng)
    sex = _sex(sex)
    clan = clan or rng.choice(YI_CLANS)
    return clan + rng.choice(YI_MALE if sex == MALE else YI_FEMALE)


def mongol_name(rng: random.Random | int | None, sex: str) -> str:
    rng = _rng(rng)
    return rng.choice(MONGOL_MALE if _sex(sex) == MALE else MONGOL_FEMALE)


def person_name(rng: random.Random | int | None, ethnicity_code: str | None = "01", sex: str = MALE, *,
                adult: bool = False) -> str:
    """One plausible name for a person of the given ethnicity (GB/T 3304 code or name) and sex (``"M"``/``"F"``).

    ``adult=True`` picks Han-style given names of the parents' generation instead of children's.
    """
    rng = _rng(rng)
    sex = _sex(sex)
    style = name_style(ethnicity_code)
    if style == "tibetan":
        return tibetan_name(rng, sex)
    if style == "uyghur":
        return uyghur_name(rng, sex)
    if style == "yi":
        return yi_name(rng, sex)
    if style == "mongol" and rng.random() < 0.5:
        return mongol_name(rng, sex)
    return _han_name(rng, han_surname(rng, ethnicity_code), sex, adult)


class FamilyNames(NamedTuple):
    """Names of a father, a mother and their child(ren); ``children`` holds ``(name, sex)`` for each child."""

    father: str
    mother: str
    child: str
    child_sex: str
    children: tuple[tuple[str, str], ...]


def family_names(rng: random.Random | int | None, ethnicity_code: str | None = "01", *,
                 child_sex: str | None = None, n_children: int = 1,
                 mother_ethnicity: str | None = None) -> FamilyNames:
    """Consistent names for a family; the children follow the father's ethnicity and its convention.

    * Han-style: the children carry the father's surname; the mother keeps her own. Siblings sometimes share a
      generation character.
    * Tibetan / Mongolian: no family name; everyone's name is independent.
    * Uyghur-style: each child's second part is the father's first part.
    * Yi: the children carry the father's clan name; the mother is of another clan.

    ``child_sex`` fixes the first child's sex (random otherwise); ``mother_ethnicity`` defaults to the father's.
    """
    rng = _rng(rng)
    if n_children < 1:
        raise ValueError("n_children must be at least 1")
    code = _code(ethnicity_code)
    mother_code = _code(mother_ethnicity) if mother_ethnicity else code
    sexes = [_sex(child_sex) if child_sex else rng.choice((MALE, FEMALE))]
    sexes += [rng.choice((MALE, FEMALE)) for _ in range(n_children - 1)]
    style = name_style(code)
    if style == "mongol" and rng.random() < 0.5:
        style = "han"  # many Mongol families use Han-style names

    surname = None
    if style == "uyghur":
        father = uyghur_name(rng, MALE)
    elif style == "yi":
        father = yi_name(rng, MALE)
    elif style in ("tibetan", "mongol"):
        father = tibetan_name(rng, MALE) if style == "tibetan" else mongol_name(rng, MALE)
    else:
        surname = han_surname(rng, code)
        father = _han_name(rng, surname, MALE, adult=True)

    while True:
        if mother_code == code and style == "yi":
            mother = yi_name(rng, FEMALE, clan=rng.choice([c for c in YI_CLANS if not father.startswith(c)]))
        elif mother_code == code and style == "mongol":
            mother = mongol_name(rng, FEMALE)
        else:
            mother = person_name(rng, mother_code, FEMALE, adult=True)
        if mother != father:
            break

    taken = {father, mother}
    generation = rng.choice(GENERATION_CHARS) if style == "han" and n_children > 1 and rng.random() < 0.3 else None
    father_first = father.split(NAME_DOT)[0]
    clan = next((c for c in YI_CLANS if father.startswith(c)), None)
    children: list[tuple[str, str]] = []
    for sex in sexes:
        while True:
            if style == "uyghur":
                name = uyghur_name(rng, sex, father_first=father_first)
            elif style == "yi":
                name = yi_name(rng, sex, clan=clan)
            elif style == "tibetan":
                name = tibetan_name(rng, sex)
            elif style == "mongol":
                name = mongol_name(rng, sex)
            else:
                name = _han_name(rng, surname, sex, adult=False, first=generation)
            if name not in taken:
                break
        taken.add(name)
        children.append((name, sex))

    return FamilyNames(father, mother, children[0][0], children[0][1], tuple(children))


_HAN_SURNAME_CHARS = {s[0] for s, _w in HAN_SURNAMES}
