"""Chinese names of profile settings, categories and schemes, and the wording of validation errors.

Source strings are Chinese (docs/decisions/0001); English comes from the app's translation catalogue.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


# Sections whose members are keyed entries (a whole mapping per key) rather than ``{value: …}`` settings.
ENTRY_SECTIONS = ("in_difficulty.categories", "visits.escalation_triggers", "entitlements")

SECTION_LABELS = {
    "left_behind": gettext_lazy("农村留守儿童认定"),
    "definitions": gettext_lazy("共用定义（重残、限制人身自由、失联）"),
    "in_difficulty": gettext_lazy("困境儿童认定"),
    "single_parent": gettext_lazy("单亲家庭儿童"),
    "visits": gettext_lazy("联系与走访频次"),
    "entitlements": gettext_lazy("应保尽保：保障项目"),
    "mandatory_reporting": gettext_lazy("强制报告：转送部门、受理处置时限与逾期上报"),
    "risk_scale": gettext_lazy("家庭监护风险等级评估"),
    "census": gettext_lazy("摸底排查"),
    "progress_reports": gettext_lazy("工作进展报告"),
    "phases": gettext_lazy("实施阶段"),
    "milestones": gettext_lazy("时间节点"),
}

SETTING_LABELS = {
    "left_behind.age_limit": gettext_lazy("年龄上限（不满N周岁）"),
    "left_behind.months_away": gettext_lazy("父母外出务工连续月数"),
    "left_behind.label": gettext_lazy("本方案对留守儿童的称谓"),
    "left_behind.distance_rule": gettext_lazy("外出地域要求（跨县/跨市/不限）"),
    "left_behind.distance_unit": gettext_lazy("跨域判断所依据的行政区域（县级/地级/省级）"),
    "left_behind.rural_requirement": gettext_lazy("农村户籍或农村居住要求"),
    "left_behind.short_returns": gettext_lazy("短暂回家探亲是否中断外出时间"),
    "left_behind.other_parent_incapable_when": gettext_lazy("另一方无监护能力的情形"),
    "definitions.severe_disability": gettext_lazy("重残的等级标准"),
    "definitions.restriction_min_months": gettext_lazy("服刑在押、强制隔离戒毒等最少月数"),
    "definitions.restriction_planned_term_counts": gettext_lazy("判决期限满6个月的自开始之日计入"),
    "definitions.out_of_contact_min_months": gettext_lazy("失联最少月数（自公安机关受理报案）"),
    "definitions.s_conditions": gettext_lazy("事实无人抚养儿童父母情形（集合S）"),
    "in_difficulty.label": gettext_lazy("本方案对困境儿童的称谓"),
    "in_difficulty.age_limit": gettext_lazy("困境儿童年龄上限"),
    "definitions.compulsory_school_age": gettext_lazy("义务教育年龄（劝返复学）"),
    "single_parent.label": gettext_lazy("本方案对单亲家庭儿童的称谓"),
    "single_parent.tracked": gettext_lazy("是否单独建立单亲家庭儿童台账"),
    "single_parent.rural_only": gettext_lazy("是否仅限农村"),
    "single_parent.derive_from_parent_death": gettext_lazy("父母一方死亡时视为单亲家庭"),
    "single_parent.age_limit": gettext_lazy("单亲家庭儿童年龄上限"),
    "visits.applies_to": gettext_lazy("需联系走访的儿童类别"),
    "visits.contact_interval": gettext_lazy("联系频次"),
    "visits.home_visit_interval": gettext_lazy("入户走访频次"),
    "visits.escalated_contact_interval": gettext_lazy("加密后的联系频次"),
    "visits.escalated_home_visit_interval": gettext_lazy("加密后的入户走访频次"),
    "visits.problem_due_days": gettext_lazy("走访发现问题的解决时限（天，按严重程度）"),
    "visits.problem_escalation_days": gettext_lazy("问题逾期后每一级处理天数"),
    "mandatory_reporting.routing.departments": gettext_lazy("强制报告转送部门"),
    "mandatory_reporting.routing.womens_federation_situations": gettext_lazy("同时转送妇联的情形"),
    "mandatory_reporting.accept_hours": gettext_lazy("受理时限（小时：紧急/一般）"),
    "mandatory_reporting.assess_hours": gettext_lazy("初步处置（风险评估）时限（小时：紧急/一般）"),
    "mandatory_reporting.conference_hours": gettext_lazy("个案会商时限（小时：紧急/一般）"),
    "mandatory_reporting.escalation": gettext_lazy("逾期逐级上报"),
    "mandatory_reporting.procuratorate_reviews_every_case": gettext_lazy("检察机关每案必查"),
    "risk_scale.scale": gettext_lazy("监护风险评估指标与等级"),
    "census.deadlines": gettext_lazy("摸底排查截止时间"),
    "census.times_per_year": gettext_lazy("每年摸底排查次数"),
    "progress_reports.deadlines": gettext_lazy("工作进展报送时间"),
    "phases.items": gettext_lazy("实施阶段安排"),
    "milestones.items": gettext_lazy("时间节点"),
}

GROUP_LABELS = {
    "left_behind": gettext_lazy("农村留守儿童"),
    "in_difficulty": gettext_lazy("困境儿童"),
    "single_parent": gettext_lazy("单亲家庭儿童"),
}

CATEGORY_LABELS = {
    "orphan": gettext_lazy("孤儿"),
    "de_facto_unsupported": gettext_lazy("事实无人抚养儿童"),
    "hiv": gettext_lazy("艾滋病病毒感染儿童"),
    "serious_illness": gettext_lazy("重病儿童"),
    "severe_disability": gettext_lazy("重残儿童"),
    "disability": gettext_lazy("残疾儿童"),
    "poor_family": gettext_lazy("贫困家庭儿童"),
    "guardianship_lacking": gettext_lazy("监护缺失或监护不当儿童"),
    "other": gettext_lazy("其他困境儿童"),
}

# Assistance schemes and the needs the rules raise beside them (劝返复学 is a need, not a scheme one receives).
SCHEME_LABELS = {
    "orphan_allowance": gettext_lazy("孤儿基本生活费"),
    "unsupported_allowance": gettext_lazy("事实无人抚养儿童基本生活补贴"),
    "dibao": gettext_lazy("最低生活保障（低保）"),
    "tekun": gettext_lazy("特困人员救助供养"),
    "temporary_relief": gettext_lazy("临时救助"),
    "disability_allowance": gettext_lazy("残疾人两项补贴"),
    "hiv_allowance": gettext_lazy("艾滋病病毒感染儿童基本生活费"),
    "education_aid": gettext_lazy("教育资助"),
    "medical_aid": gettext_lazy("医疗救助"),
    "disability_rehab": gettext_lazy("残疾儿童康复救助"),
    "student_grant": gettext_lazy("孤儿和事实无人抚养儿童助学金"),
    "return_to_school": gettext_lazy("劝返复学"),
}


def setting_label(path: str, entry_value=None) -> str:
    """"外出务工连续月数" for ``left_behind.months_away``; an entry's own label for categories/triggers/schemes."""
    if path in SETTING_LABELS:
        return str(SETTING_LABELS[path])
    key = path.rsplit(".", 1)[-1]
    if isinstance(entry_value, dict):
        label = entry_value.get("label")
        if isinstance(label, dict) and label.get("zh"):
            return str(label["zh"])
    if path.startswith("entitlements."):
        return str(SCHEME_LABELS.get(key, key))
    if path.startswith("in_difficulty.categories."):
        return str(CATEGORY_LABELS.get(key, key))
    return path


def category_label(key: str) -> str:
    """``in_difficulty.orphan`` → 困境儿童（孤儿）."""
    if key in GROUP_LABELS:
        return str(GROUP_LABELS[key])
    group, _dot, cat = key.partition(".")
    return f"{GROUP_LABELS.get(group, group)}（{CATEGORY_LABELS.get(cat, cat)}）"


def category_msg(key: str):
    """``category_label`` as a stored message (``tonghu.core.texts``): rendered in the reader's language later."""
    from tonghu.core.texts import msg

    if key in GROUP_LABELS:
        return GROUP_LABELS[key]
    group, _dot, cat = key.partition(".")
    return msg("%(group)s（%(category)s）", group=GROUP_LABELS.get(group, group), category=CATEGORY_LABELS.get(cat, cat))


def scheme_label(code: str) -> str:
    return str(SCHEME_LABELS.get(code, code))


# ------------------------------------------------------------------------------- validation error wording

_MESSAGES = [
    (re.compile(r"must be an integer ≥ (\d+), got (.*)"), lambda m: _("必须是不小于%(n)s的整数，填写的是 %(v)s") % {"n": m[1], "v": m[2]}),
    (re.compile(r"must be true or false"), lambda m: _("只能填 true（是）或 false（否）")),
    (re.compile(r"must be one of (.*)"), lambda m: _("只能是以下之一：%(v)s") % {"v": m[1]}),
    (re.compile(r"allowed: (.*)"), lambda m: _("只能包含：%(v)s") % {"v": m[1]}),
    (re.compile(r"unknown settings (.*)"), lambda m: _("有无法识别的设置 %(v)s") % {"v": m[1]}),
    (re.compile(r"missing settings (.*)"), lambda m: _("缺少设置 %(v)s") % {"v": m[1]}),
    (re.compile(r"section missing"), lambda m: _("缺少这一部分")),
    (re.compile(r"unknown rule (.*?);"), lambda m: _("规则 %(v)s 未实现") % {"v": m[1]}),
    (re.compile(r"unknown rule"), lambda m: _("规则未实现")),
    (re.compile(r"must be a list"), lambda m: _("必须是列表")),
    (re.compile(r"needs (\w+): \{zh, en\}"), lambda m: _("需要中英文名称 %(v)s: {zh, en}") % {"v": m[1]}),
    (re.compile(r"requires_evidence must be true or false"), lambda m: _("requires_evidence 只能填 true 或 false")),
    (re.compile(r"refers to category '(.*)', which is not enabled"), lambda m: _("引用的困境类别 %(v)s 在本方案中未启用") % {"v": m[1]}),
    (re.compile(r"satisfied_by must list scheme codes"), lambda m: _("satisfied_by 必须列出保障项目代码")),
    (re.compile(r"must be \{tolerate: bool, max_days: int\|null\}"), lambda m: _("必须写成 {tolerate: true/false, max_days: 天数或 null}")),
    (re.compile(r"needs max_grade_any_type"), lambda m: _("需要 max_grade_any_type（以及可选的 max_grade_by_type）")),
    (re.compile(r"must be a positive integer or null"), lambda m: _("必须是正整数或 null")),
    (re.compile(r"needs zh and en"), lambda m: _("每一项都需要 zh 和 en")),
    (re.compile(r"date must be a YYYY-MM-DD date"), lambda m: _("date 必须是 YYYY-MM-DD 格式的日期")),
    (re.compile(r"needs date or annual"), lambda m: _("每一项需要 date 或 annual")),
    (re.compile(r"unknown scheme code"), lambda m: _("无法识别的保障项目代码")),
    (re.compile(r"must be \{high: days"), lambda m: _("必须写成 {high: 天数, medium: 天数, low: 天数}，每项至少1天")),
    (re.compile(r"must be null or \{immediate: hours"), lambda m: _("必须为 null，或写成 {immediate: 小时数, normal: 小时数}，且紧急不长于一般")),
    (re.compile(r"must be \{repeat_hours"), lambda m: _("必须写成 {repeat_hours: 小时数, levels: [逐级上报的角色]}")),
    (re.compile(r"needs max_score, indicators and levels"), lambda m: _("需要 max_score、indicators（指标）和 levels（等级）")),
    (re.compile(r"the last level must have no rule"), lambda m: _("最后一个等级不能设条件（用于兜底）")),
    (re.compile(r"must be null or \{level"), lambda m: _("必须为 null，或写成 {level: county/prefecture/province, zh: 中文名称, en: 英文名称}")),
    (re.compile(r"must be \{from: age, to: age\}"), lambda m: _("必须写成 {from: 起始年龄, to: 截止年龄}，且起始不大于截止")),
]

_VALIDATE = re.compile(r"^profile '(?P<profile>[^']*)' on (?P<on>\S+): (?P<path>[^:]+): (?P<msg>.*)$", re.S)
_ANNOTATE = re.compile(r"^[^:]*@[^:]*:(?P<path>\S+?): (?P<msg>.*)$", re.S)


def profile_error_zh(message: str) -> tuple[str | None, str]:
    """(setting path, Chinese message) for a :class:`~tonghu.policy.profile.ProfileError` text."""
    m = _VALIDATE.match(message) or _ANNOTATE.match(message)
    if not m:
        return None, _("方案设置无效：%(msg)s") % {"msg": message}
    path = m["path"].replace(":", ".")
    detail = m["msg"]
    for pattern, fmt in _MESSAGES:
        found = pattern.search(detail)
        if found:
            detail = fmt(found)
            break
    base = re.sub(r"\[\d+\]$", "", path)
    label = setting_label(base)
    where = f"“{label}”（{path}）" if label != base else f"“{path}”"
    text = _("设置%(where)s无效：%(detail)s") % {"where": where, "detail": detail}
    if m.groupdict().get("on"):
        text += _("（在 %(on)s 生效的规则中）") % {"on": m["on"]}
    return base, text
