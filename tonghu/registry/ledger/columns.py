"""The ledger columns: Guangxi's 农村留守儿童和困境儿童个人信息台账 (seed 003, annex) laid out one child per row.

Each :class:`Column` names the field it fills (``key``), the header written on export (``group`` over ``header``:
the template's two-row merged headers), the header texts accepted on import (``aliases``, compared after
:func:`tonghu.registry.ledger.parsing.norm_header`), how its cells are read (``kind``), and whether it is
required. Vocabularies (``VOCAB``) list every accepted spelling of a choice. docs/ledger-format.md is the
human-readable version of this module; keep them in step.

Headers and vocabularies are the format of a Chinese government spreadsheet, not user-interface text: they are
not translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- Vocabularies: canonical value -> accepted spellings (compared after normalisation, see parsing.norm_text) ----
VOCAB: dict[str, dict[str, tuple[str, ...]]] = {
    "sex": {
        "M": ("男", "男性", "男孩", "M", "male", "1"),
        "F": ("女", "女性", "女孩", "F", "female", "2"),
    },
    "hukou": {
        "rural": ("农村", "农村户籍", "农村户口", "农业", "农业户口", "农业户籍", "乡村"),
        "urban": ("城市", "城镇", "城市户籍", "城镇户籍", "城市户口", "城镇户口", "非农业", "非农业户口", "居民户口"),
    },
    "category": {
        "left_behind": ("农村留守儿童", "留守儿童", "留守"),
        "difficulty": ("困境儿童", "困境"),
    },
    "single_parent": {
        "": ("否", "无", "不是", "非单亲", "双亲"),
        "mother": ("单亲母亲", "单亲母亲家庭", "是,单亲母亲", "是,单亲母亲家庭", "是单亲母亲家庭", "母亲", "单亲(母亲)", "是(母亲)"),
        "father": ("单亲父亲", "单亲父亲家庭", "是,单亲父亲", "是,单亲父亲家庭", "是单亲父亲家庭", "父亲", "单亲(父亲)", "是(父亲)"),
    },
    "boarding": {
        "yes": ("寄宿", "寄宿生", "住校", "是"),
        "no": ("非寄宿", "非寄宿生", "走读", "走读生", "不寄宿", "否"),
    },
    "health": {
        "healthy": ("健康", "良好", "好"),
        "weak": ("一般或较弱", "一般", "较弱", "体弱", "虚弱", "一般/较弱"),
        "serious": ("重病", "大病", "重大疾病"),
        "chronic": ("慢性病", "慢病"),
        "disabled": ("残疾", "残障"),
        "other": ("其他", "其它"),
    },
    "guardian_health": {
        "healthy": ("健康", "良好"),
        "unhealthy": ("不健康", "患病", "有病", "残疾", "重病", "慢性病"),
    },
    "caregiver_type": {
        "grandparents": ("祖父母、外祖父母", "祖父母", "外祖父母", "祖父母/外祖父母", "爷爷奶奶", "外公外婆", "祖辈"),
        "relatives": ("亲戚朋友", "亲戚", "朋友", "亲友", "其他亲属"),
        "none": ("无委托人照护", "无委托人", "无", "无人照护", "自行照料"),
        "other": ("其他（机构等）", "其他", "其它", "机构"),
    },
    "entrust_reason": {
        "both_away": ("父母双方同时外出", "父母双方外出", "双方外出", "父母均外出", "父母都外出"),
        "one_away_other_incapable": ("父母一方外出，另一方无监护能力", "一方外出另一方无监护能力", "一方外出,另一方无监护能力", "一方外出"),
        "both_incapable": ("父母双方无监护能力", "双方无监护能力", "父母均无监护能力"),
        "other": ("其他", "其它"),
    },
    "care_quality": {
        "good": ("较好", "好", "良好"),
        "fair": ("一般", "中"),
        "poor": ("差", "较差", "不好"),
    },
    "yes_no": {
        "yes": ("是", "有", "√", "✓", "✔", "☑", "■", "Y", "yes", "1", "true"),
        "no": ("否", "无", "×", "✗", "☐", "□", "N", "no", "0", "false"),
    },
}

# Disability grades (残疾等级) as written on 残疾人证: 一级 (most severe) … 四级.
DISABILITY_GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1级": 1, "2级": 2, "3级": 3, "4级": 4}
DISABILITY_TYPES = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")

# Assistance schemes of the template's 享受救助情况 (child) and 家庭享受补助情况 (household), as scheme codes.
CHILD_SCHEMES = {
    "assist_orphan": "orphan",
    "assist_unsupported": "unsupported",
    "assist_dibao": "dibao",
    "assist_tekun": "tekun",
    "assist_disability": "disability",
    "assist_temporary": "temporary",
    "assist_other": "other",
}
FAMILY_SCHEMES = {"family_dibao": "dibao", "family_tekun": "tekun", "family_disability": "disability", "family_other": "other"}

G_CHILD = "儿童基本信息"
G_ASSIST = "享受救助情况"
G_GUARDIAN = "监护人姓名及电话"
G_FAMILY = "家庭信息"
G_SUBSIDY = "家庭享受补助情况"
G_CARE = "留守儿童委托照护"
G_PAIR = "牵手“童”行结对信息"
G_VISIT = "走访情况"
G_SENSITIVE = "敏感信息（仅限授权人员）"
G_FILE = "建档信息"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    group: str = ""  # "" = the header spans both header rows (vertically merged)
    kind: str = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    vocab: str | None = None
    max_length: int = 200
    width: int = 12
    imported: bool = True  # False: written on export, ignored on import (e.g. visits, filed by)
    sensitive: bool = False  # exported/imported only for roles with registry.view_sensitive
    note: str = ""
    group_aliases: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        """``组/列`` as used in error messages and the docs."""
        return f"{self.group}/{self.header}" if self.group else self.header


def _c(*args, **kwargs) -> Column:
    return Column(*args, **kwargs)


COLUMNS: list[Column] = [
    _c("seq", "序号", kind="ignore", width=6, imported=False, aliases=("编号", "顺序号", "No", "No.")),
    # 儿童基本信息
    _c("name", "姓名", G_CHILD, kind="name", required=True, max_length=50, width=10, aliases=("儿童姓名", "姓 名")),
    _c("sex", "性别", G_CHILD, kind="choice", vocab="sex", required=True, width=6, aliases=("儿童性别",)),
    _c("ethnicity", "民族", G_CHILD, kind="ethnicity", width=8, aliases=("族别",)),
    _c("birth_date", "出生年月", G_CHILD, kind="month", required=True, width=12, aliases=("出生日期", "出生年月日", "生日", "出生时间")),
    _c("id_number", "身份证号", G_CHILD, kind="id_number", width=21, aliases=("身份证号码", "公民身份号码", "身份证", "证件号码", "儿童身份证号")),
    _c("address", "家庭地址", G_CHILD, width=24, aliases=("家庭住址", "现住址", "住址", "居住地址")),
    _c("township", "乡镇（街道）", G_CHILD, kind="text", width=10, aliases=("乡镇", "乡(镇)", "乡镇(街道)", "所在乡镇", "街道")),
    _c("village", "村（社区）", G_CHILD, kind="village", required=True, width=12, aliases=("村", "村(社区)", "所在村", "所在村(社区)", "村(居)委会", "村委会", "社区", "村/社区", "行政村")),
    _c("hukou", "户籍类别", G_CHILD, kind="choice", vocab="hukou", width=10, aliases=("户籍类型", "户口类别", "户口性质", "户籍性质")),
    _c("category", "儿童类别", G_CHILD, kind="category", width=14, aliases=("儿童类型", "类别")),
    _c("difficulty_type", "困境儿童具体类别", G_CHILD, width=14, aliases=("具体类别", "困境类别", "困境儿童类别")),
    _c("single_parent", "是否单亲家庭", G_CHILD, kind="choice", vocab="single_parent", width=12, aliases=("单亲家庭", "是否单亲")),
    _c("schooling", "就学情况", G_CHILD, width=16, aliases=("就学", "就读学校", "在读学校及年级", "学校及年级")),
    _c("boarding", "寄宿情况", G_CHILD, kind="choice", vocab="boarding", width=10, aliases=("是否寄宿", "寄宿")),
    _c("guardianship", "监护情况", G_CHILD, width=16, aliases=("监护状况",)),
    _c("health", "健康状况", G_CHILD, kind="health", width=16, aliases=("身体状况", "健康情况")),
    _c("psychology", "日常心理和行为情况", G_CHILD, width=16, aliases=("心理和行为情况", "日常心理及行为情况", "心理行为情况")),
    # 享受救助情况 (child): 孤儿 and 事实无人抚养 are ticks or amounts; the others 元/月.
    _c("assist_orphan", "孤儿（元/月）", G_ASSIST, kind="money_or_tick", width=9, aliases=("孤儿", "孤儿基本生活费", "孤儿基本生活费(元/月)")),
    _c("assist_unsupported", "事实无人抚养儿童（元/月）", G_ASSIST, kind="money_or_tick", width=11, aliases=("事实无人抚养儿童", "事实无人抚养", "事实无人抚养儿童基本生活补贴")),
    _c("assist_dibao", "低保（元/月）", G_ASSIST, kind="money_or_tick", width=9, aliases=("低保", "低保(元)", "低保金")),
    _c("assist_tekun", "特困（元/月）", G_ASSIST, kind="money_or_tick", width=9, aliases=("特困", "特困供养", "特困(元)")),
    _c("assist_disability", "残疾（元/月）", G_ASSIST, kind="money_or_tick", width=9, aliases=("残疾", "残疾人补贴", "残疾(元)", "残疾补贴")),
    _c("assist_temporary", "临时（元/月）", G_ASSIST, kind="money_or_tick", width=9, aliases=("临时", "临时救助", "临时(元)")),
    _c("assist_other", "其他（元/月）", G_ASSIST, kind="money_or_tick", width=9, aliases=("其他", "其它", "其他(元)", "其他救助")),
    _c("aid_education", "教育救助情况", kind="text", width=14, aliases=("教育救助",)),
    _c("aid_medical", "医疗救助情况", kind="text", width=14, aliases=("医疗救助",)),
    _c("aid_other", "其他救助情况", kind="text", width=14, aliases=("其他救助情况说明",)),
    # 家庭信息
    _c("father_name", "父亲姓名", G_GUARDIAN, kind="name", max_length=50, width=10, aliases=("父亲", "父亲姓名", "父姓名")),
    _c("father_phone", "父亲电话", G_GUARDIAN, kind="phone", width=14, aliases=("父亲联系电话", "父亲手机", "父亲电话号码")),
    _c("mother_name", "母亲姓名", G_GUARDIAN, kind="name", max_length=50, width=10, aliases=("母亲", "母亲姓名", "母姓名")),
    _c("mother_phone", "母亲电话", G_GUARDIAN, kind="phone", width=14, aliases=("母亲联系电话", "母亲手机", "母亲电话号码")),
    _c("guardian_health", "监护人健康状况", G_FAMILY, kind="guardian_health", width=14, aliases=("监护人健康情况", "监护人身体状况")),
    _c("guardian_occupation", "职业", G_FAMILY, width=10, aliases=("监护人职业",)),
    _c("income_per_head", "家庭收入人均（元/年）", G_FAMILY, kind="money", width=12, aliases=("家庭人均收入", "家庭人均收入(元/年)", "家庭收入人均", "人均收入", "家庭年人均收入", "家庭人均年收入")),
    _c("family_dibao", "低保（元/月）", G_SUBSIDY, kind="money", width=9, aliases=("低保", "家庭低保", "家庭低保(元/月)")),
    _c("family_tekun", "特困（元/月）", G_SUBSIDY, kind="money", width=9, aliases=("特困", "家庭特困", "家庭特困(元/月)")),
    _c("family_disability", "残疾（元/月）", G_SUBSIDY, kind="money", width=9, aliases=("残疾", "家庭残疾", "家庭残疾(元/月)")),
    _c("family_other", "其他（元/月）", G_SUBSIDY, kind="money", width=9, aliases=("其他", "其它", "家庭其他", "家庭其他(元/月)")),
    _c("social_support", "社会力量帮扶情况", G_FAMILY, width=14, aliases=("社会力量帮扶", "社会帮扶情况")),
    _c("caregiver_type", "委托监护人", G_CARE, kind="choice", vocab="caregiver_type", width=14, aliases=("留守儿童委托监护人情况", "留守儿童委托监护人情", "委托监护人情况", "委托照护人")),
    _c("caregiver_name", "委托监护人姓名及电话", G_CARE, kind="name_phone", width=16, aliases=("委托监护人姓名", "受托人姓名及电话", "受委托人")),
    _c("entrust_reason", "委托照料原因", G_CARE, kind="choice", vocab="entrust_reason", width=18, aliases=("委托照料原因情况", "委托原因")),
    _c("care_quality", "委托照料情况", G_CARE, kind="choice", vocab="care_quality", width=10, aliases=("照料情况", "委托照料质量")),
    # 牵手“童”行结对信息
    _c("partner_name", "结对人员姓名", G_PAIR, kind="name", max_length=50, width=10, aliases=("结对人员姓名及电话", "结对人姓名", "结对人员")),
    _c("partner_phone", "结对人员电话", G_PAIR, kind="phone", width=14, aliases=("结对人电话", "结对人员联系电话")),
    _c("partner_unit", "结对人员所在单位", G_PAIR, width=16, aliases=("结对人单位", "结对单位", "所在单位")),
    _c("director_name", "儿童主任姓名", G_PAIR, kind="name", max_length=50, width=10, aliases=("儿童主任", "儿童主任姓名及电话")),
    _c("director_phone", "儿童主任电话", G_PAIR, kind="phone", width=14, aliases=("儿童主任联系电话",)),
    # 走访情况: written on export from the visits app, ignored on import (visits are recorded there).
    *[
        _c(f"visit_q{q}_{part}", f"{qn}季度{label}", G_VISIT, imported=False, width=w)
        for q, qn in ((1, "一"), (2, "二"), (3, "三"), (4, "四"))
        for part, label, w in (("date", "走访时间", 11), ("problems", "发现的问题", 14), ("measures", "解决措施", 14))
    ],
    _c("care_notes", "关爱帮扶情况", kind="text", max_length=2000, width=16, aliases=("关爱帮扶",)),
    _c("other_notes", "其他说明情况", kind="text", max_length=2000, width=16, aliases=("其他说明", "备注")),
    # Sensitive facts (not in the template; kept by tonghu): only for roles with registry.view_sensitive.
    _c("hiv", "艾滋病感染", G_SENSITIVE, kind="choice", vocab="yes_no", width=8, sensitive=True, aliases=("艾滋病病毒感染", "感染艾滋病")),
    _c("abuse_history", "受侵害史", G_SENSITIVE, kind="text", width=12, sensitive=True, aliases=("受侵害情况",)),
    # 建档信息
    _c("filed_by", "建档人", G_FILE, kind="text", max_length=50, width=10, aliases=("建档人签名",)),
    _c("filed_at", "建档时间", G_FILE, kind="date", width=11, aliases=("建档日期",)),
    _c("file_no", "档案编号（系统生成，请勿修改）", G_FILE, kind="file_no", width=12, aliases=("档案编号", "系统档案编号", "档案号")),
    # the file's version at export (ledger/conflicts.py): a row changed in the system after the export is a conflict
    _c("file_version", "档案版本（系统生成，请勿修改）", G_FILE, kind="file_version", width=12, aliases=("档案版本", "版本号")),
]

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
GROUPS: list[str] = list(dict.fromkeys(c.group for c in COLUMNS if c.group))

# Leaf headers that occur under two groups (child's 低保 vs. household's 低保): without a group row, the first
# occurrence is the child's (享受救助情况) and the second the household's (家庭享受补助情况).
AMBIGUOUS_ORDER = {"assist_dibao": "family_dibao", "assist_tekun": "family_tekun", "assist_disability": "family_disability", "assist_other": "family_other"}

TITLE = "{year} 年农村留守儿童和困境儿童个人信息台账"
PRIVACY_WARNING = "说明：本表涉及个人信息，要妥善管理，严禁泄露。"
