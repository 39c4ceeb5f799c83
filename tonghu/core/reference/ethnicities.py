"""Ethnic groups of China with their GB/T 3304 codes (中国各民族名称的罗马字母拼写法和代码).

The 56 recognised groups carry the two-digit codes 01 (汉族) to 56 (基诺族) in the order of the standard; household
registration (户籍) and most civil-affairs forms also use 97 其他未识别民族 and 98 外国血统中国籍人士.

``ETHNICITIES`` holds ``(code, 中文名, English name)``. The English name is the usual one (Tibetan, Uyghur, Korean,
Manchu, ...); ``by_name`` also accepts the romanisation of the standard itself (Zang, Uygur, Chosen, Man, ...), a
few common short forms (维族, 蒙族) and any name with or without its trailing 族.

Pure Python: no Django import, usable from migrations, importers and tests alike.
"""

from __future__ import annotations

import unicodedata

# (code, Chinese name, English name) in the order of GB/T 3304.
ETHNICITIES: list[tuple[str, str, str]] = [
    ("01", "汉族", "Han"),
    ("02", "蒙古族", "Mongol"),
    ("03", "回族", "Hui"),
    ("04", "藏族", "Tibetan"),
    ("05", "维吾尔族", "Uyghur"),
    ("06", "苗族", "Miao"),
    ("07", "彝族", "Yi"),
    ("08", "壮族", "Zhuang"),
    ("09", "布依族", "Buyei"),
    ("10", "朝鲜族", "Korean"),
    ("11", "满族", "Manchu"),
    ("12", "侗族", "Dong"),
    ("13", "瑶族", "Yao"),
    ("14", "白族", "Bai"),
    ("15", "土家族", "Tujia"),
    ("16", "哈尼族", "Hani"),
    ("17", "哈萨克族", "Kazakh"),
    ("18", "傣族", "Dai"),
    ("19", "黎族", "Li"),
    ("20", "傈僳族", "Lisu"),
    ("21", "佤族", "Va"),
    ("22", "畲族", "She"),
    ("23", "高山族", "Gaoshan"),
    ("24", "拉祜族", "Lahu"),
    ("25", "水族", "Sui"),
    ("26", "东乡族", "Dongxiang"),
    ("27", "纳西族", "Naxi"),
    ("28", "景颇族", "Jingpo"),
    ("29", "柯尔克孜族", "Kyrgyz"),
    ("30", "土族", "Tu"),
    ("31", "达斡尔族", "Daur"),
    ("32", "仫佬族", "Mulao"),
    ("33", "羌族", "Qiang"),
    ("34", "布朗族", "Blang"),
    ("35", "撒拉族", "Salar"),
    ("36", "毛南族", "Maonan"),
    ("37", "仡佬族", "Gelao"),
    ("38", "锡伯族", "Xibe"),
    ("39", "阿昌族", "Achang"),
    ("40", "普米族", "Pumi"),
    ("41", "塔吉克族", "Tajik"),
    ("42", "怒族", "Nu"),
    ("43", "乌孜别克族", "Uzbek"),
    ("44", "俄罗斯族", "Russian"),
    ("45", "鄂温克族", "Evenki"),
    ("46", "德昂族", "De'ang"),
    ("47", "保安族", "Bonan"),
    ("48", "裕固族", "Yugur"),
    ("49", "京族", "Gin"),
    ("50", "塔塔尔族", "Tatar"),
    ("51", "独龙族", "Derung"),
    ("52", "鄂伦春族", "Oroqen"),
    ("53", "赫哲族", "Hezhen"),
    ("54", "门巴族", "Monpa"),
    ("55", "珞巴族", "Lhoba"),
    ("56", "基诺族", "Jino"),
    ("97", "其他未识别民族", "Other (unrecognised ethnic group)"),
    ("98", "外国血统中国籍人士", "Chinese citizen of foreign origin"),
]

ETHNICITY_CHOICES: list[tuple[str, str]] = [(code, zh) for code, zh, _en in ETHNICITIES]

HAN = "01"
UNRECOGNISED = "97"
FOREIGN_ORIGIN = "98"

_ZH = {code: zh for code, zh, _en in ETHNICITIES}
_EN = {code: en for code, _zh, en in ETHNICITIES}

# Other spellings: the romanisation of GB/T 3304 itself where it differs from the usual English name, older
# Wade-Giles/pinyin variants, and colloquial Chinese short forms. Keys are compared after ``_key`` folding.
_ALIASES: dict[str, str] = {
    # GB/T 3304 romanisation
    "zang": "04", "uygur": "05", "buyi": "09", "bouyei": "09", "chosen": "10", "man": "11", "kazak": "17",
    "kirgiz": "29", "mulam": "32", "russ": "44", "ewenki": "45", "deang": "46", "derung": "51",
    "monba": "54", "jinuo": "56",
    # other common spellings
    "mongolian": "02", "tibet": "04", "uighur": "05", "uigur": "05", "hmong": "06", "nuosu": "07",
    "chuang": "08", "kam": "12", "wa": "21", "shui": "25", "kirghiz": "29", "kyrgyz": "29",
    "monguor": "30", "dagur": "31", "bulang": "34", "gelo": "37", "xibo": "38", "sibe": "38",
    "tadjik": "41", "uzbek": "43", "evenk": "45", "palaung": "46", "baoan": "47", "yugu": "48",
    "jing": "49", "kinh": "49", "drung": "51", "dulong": "51", "orochon": "52", "nanai": "53",
    "menba": "54", "luoba": "55",
    # Chinese short forms in everyday use
    "维族": "05", "蒙族": "02", "哈族": "17", "柯族": "29", "未识别": "97",
    "未识别民族": "97", "其他": "97", "外国血统": "98", "外国血统中国籍": "98",
}


def _key(value: str) -> str:
    """Fold a name for lookup: full-width to half-width, case, spaces, apostrophes and a trailing 族/people."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    for ch in " \t'’`-_·.":
        text = text.replace(ch, "")
    for suffix in ("people", "nationality", "ethnicgroup", "ethnicity"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
    if len(text) > 1 and text.endswith("族"):
        text = text[:-1]
    return text


_LOOKUP: dict[str, str] = {}
for _code, _zh_name, _en_name in ETHNICITIES:
    _LOOKUP[_key(_zh_name)] = _code
    _LOOKUP[_key(_en_name)] = _code
_LOOKUP[_key("Other")] = UNRECOGNISED
for _alias, _code in _ALIASES.items():
    _LOOKUP.setdefault(_key(_alias), _code)


def by_name(value: str | int | None) -> str | None:
    """The two-digit code for a Chinese name, English name or code; ``None`` when nothing matches.

    ``"壮族"``, ``"壮"``, ``"Zhuang"``, ``"zhuang"``, ``"08"``, ``"8"`` and ``8`` all give ``"08"``.
    """
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:02d}"
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    if text.isdigit() and len(text) <= 2:
        code = text.zfill(2)
        return code if code in _ZH else None
    return _LOOKUP.get(_key(text))


def zh_name(code: str) -> str:
    """Chinese name of a code (``"08"`` -> ``"壮族"``); raises ``KeyError`` for an unknown code."""
    return _ZH[code]


def en_name(code: str) -> str:
    """English name of a code (``"08"`` -> ``"Zhuang"``); raises ``KeyError`` for an unknown code."""
    return _EN[code]
