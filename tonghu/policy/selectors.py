"""Reads of the policy app: what the file page, the gap list and the registry's list filter show.

Sensitive facts (docs/permissions.md rule 7): an explanation that rests on HIV infection, a parent's restriction
of liberty or a guardianship problem (abuse, unlawful harm …), the HIV category itself and the HIV allowance gap
are shown to holders of ``registry.view_sensitive`` only; others see that the item is restricted.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonghu.core.capabilities import has_capability

from .facts import LABELS_ZH
from .labels import CATEGORY_LABELS, GROUP_LABELS, category_label, scheme_label
from .models import ChildClassification, EntitlementGap

SENSITIVE_FACTS = re.compile(r"(child\.health\.hiv|\.restrictions|child\.guardianship_problems)")
SENSITIVE_KEYS = {"in_difficulty.hiv"}
SENSITIVE_SCHEMES = {"hiv_allowance"}
RESTRICTED = gettext_lazy("受限信息")

# The list filter the registry may use: value → label. ``?category=in_difficulty.orphan`` etc.
CATEGORY_CHOICES = [
    ("left_behind", gettext_lazy("农村留守儿童")),
    ("in_difficulty", gettext_lazy("困境儿童")),
    *[(f"in_difficulty.{k}", v) for k, v in CATEGORY_LABELS.items() if k != "hiv"],
    ("single_parent", gettext_lazy("单亲家庭儿童")),
    ("none", gettext_lazy("不属于以上类别")),
    ("gaps", gettext_lazy("有应享未享的保障")),
]


def filter_children_by_category(queryset, value: str, user=None):
    """Registry list hook: narrow a ``Child`` queryset to one stored category (see CATEGORY_CHOICES).
    ``in_difficulty.hiv`` is honoured only for users who may see sensitive facts."""
    if not value:
        return queryset
    if value == "left_behind":
        return queryset.filter(classification__left_behind=True)
    if value == "in_difficulty":
        return queryset.filter(classification__in_difficulty=True)
    if value == "single_parent":
        return queryset.filter(classification__single_parent=True)
    if value == "none":
        return queryset.filter(classification__categories_text__in=["  ", " "])
    if value == "gaps":
        return queryset.filter(classification__gap_count__gt=0)
    if value in SENSITIVE_KEYS and (user is None or not has_capability(user, "registry.view_sensitive")):
        return queryset.none()
    return queryset.filter(classification__categories_text__contains=f" {value} ")


# ----------------------------------------------------------------------------------------- presentation

_LEAF = {
    "birth_date": "出生日期", "hukou_type": "户籍类别", "residence_code": "居住地区划代码",
    "lives_in_rural_area": "居住在农村", "single_parent_family": "单亲家庭", "since": "开始日期", "until": "结束日期",
    "destination_code": "务工地区划代码", "working_away": "外出务工", "deceased": "死亡", "declared_missing": "宣告失踪",
    "out_of_contact": "失联", "police_report_accepted": "公安机关受理报案日期", "guardianship_revoked": "被撤销监护资格",
    "deported": "被遣送（驱逐）出境", "disability": "残疾", "type": "类别", "grade": "等级", "serious_illness": "重病",
    "restrictions": "限制人身自由", "kind": "类型", "from": "开始日期", "to": "结束日期", "dibao": "低保",
    "tekun": "特困供养", "low_income": "低收入家庭", "income_per_head_yuan_year": "家庭年人均收入（元）",
    "evidence": "证明材料", "birth_parents_unfound": "查找不到生父母", "other_difficulty": "其他困境",
    "description": "情形", "guardianship_problems": "监护缺失或不当情形", "hiv": "艾滋病病毒感染",
    "status": "就学状态", "schooling": "就学", "health": "健康", "short_trips_home": "回家探亲", "date": "日期",
    "declared_by_court": "人民法院宣告", "dropout_since": "辍学日期",
}
_ROLE = {"father": "父亲", "mother": "母亲"}


def fact_label(path: str, facts_doc: dict | None = None) -> str:
    """``guardians[0].working_away.since`` → 父亲·外出务工·开始日期 (roles from the facts when known)."""
    out = []
    for part in path.split("."):
        m = re.match(r"^(\w+)\[(\d+)\]$", part)
        if m and m[1] == "guardians":
            out.append(_("监护人%(n)s") % {"n": int(m[2]) + 1})
        elif m:
            out.append(f"{_LEAF.get(m[1], m[1])}{int(m[2]) + 1}")
        elif part in ("child", "household"):
            if part == "household":
                out.append("家庭")
        else:
            out.append(_LEAF.get(part, part))
    return "·".join(out)


def fact_value(value: Any) -> str:
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if value is None:
        return _("未登记")
    if isinstance(value, list):
        return "、".join(fact_value(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{_LEAF.get(k, k)}：{fact_value(v)}" for k, v in value.items())
    return LABELS_ZH.get(str(value), str(value))


def _is_sensitive(e: dict) -> bool:
    return e.get("key") in SENSITIVE_KEYS or any(SENSITIVE_FACTS.search(f.get("path", "")) for f in e.get("facts", []))


def _present(e: dict, may_see_sensitive: bool) -> dict:
    masked = _is_sensitive(e) and not may_see_sensitive
    lang = "en" if (get_language() or "").startswith("en") else "zh"  # the engine words every verdict in both
    return {
        "key": e.get("key"),
        "status": e.get("status"),
        "label": str(RESTRICTED) if masked and e.get("key") in SENSITIVE_KEYS else (e.get(f"label_{lang}") or e.get("label_zh")),
        "text": _("此项认定涉及敏感信息，仅限有权限的人员查看。") if masked else (e.get(f"text_{lang}") or e.get("text_zh")),
        "facts": [] if masked else [{"label": fact_label(f["path"]), "path": f["path"], "value": fact_value(f.get("value"))} for f in e.get("facts", [])],
        "missing": [] if masked else [fact_label(p) for p in e.get("missing", [])],
        "evidence_missing": [] if masked else [fact_label(p) for p in e.get("evidence_missing", [])],
        "rule": e.get("rule"),
        "profile": e.get("profile"),
        "profile_version": e.get("profile_version"),
        "source": e.get("source"),
        "masked": masked,
    }


def classification_view(user, classification: ChildClassification | None) -> dict | None:
    """The file section's content: one block per group with in/out, the why, and the why-not."""
    if classification is None:
        return None
    data = classification.explanation or {}
    if data.get("error"):
        return {"error": data["error"], "c": classification}
    sensitive_ok = has_capability(user, "registry.view_sensitive")
    met = [_present(e, sensitive_ok) for e in data.get("explanations", [])]
    not_met = [_present(e, sensitive_ok) for e in data.get("not_met", [])]
    groups = []
    for group in ("left_behind", "in_difficulty", "single_parent"):
        g_met = [e for e in met if e["key"] == group or e["key"].startswith(group + ".")]
        g_not = [e for e in not_met if e["key"] == group or e["key"].startswith(group + ".")]
        if not g_met and not g_not:
            continue  # e.g. single-parent families not tracked by this profile
        in_group = group in classification.categories
        pending = any(e["status"] == "pending_evidence" for e in g_met)
        cats = [e["label"] for e in g_met if e["key"] != group and e["status"] == "met"]
        # The profile's own name for the group (001: 留守儿童, not 农村留守儿童), as the engine recorded it.
        label = next((e["label"] for e in g_met + g_not if e["key"] == group), str(GROUP_LABELS[group]))
        groups.append({"key": group, "label": label, "in": in_group, "pending": pending,
                       "categories": cats, "met": g_met, "not_met": g_not})
    gaps = [gap_view(g, sensitive_ok) for g in classification.gaps]
    try:
        from .engine import load_profiles

        profile_name = load_profiles()[classification.profile_key].name_zh
    except KeyError:
        profile_name = classification.profile_key
    return {"c": classification, "profile_name": profile_name, "groups": groups, "gaps": gaps, "visits": data.get("visits"),
            "next_change": classification.next_change, "profile": classification.profile_key,
            "profile_version": classification.profile_version}


def gap_view(g: dict | EntitlementGap, sensitive_ok: bool) -> dict:
    scheme = g["scheme"] if isinstance(g, dict) else g.scheme
    reason = g["reason_zh"] if isinstance(g, dict) else g.reason_zh
    source = g["source"] if isinstance(g, dict) else g.source
    masked = scheme in SENSITIVE_SCHEMES and not sensitive_ok
    return {"scheme": scheme, "label": str(RESTRICTED) if masked else scheme_label(scheme),
            "reason": _("涉及敏感信息，仅限有权限的人员查看。") if masked else reason,
            "source": "" if masked else source, "masked": masked,
            "status": g["status"] if isinstance(g, dict) else g.status}


def describe_categories_msg(keys, sensitive_ok: bool = True):
    """``describe_categories`` as a stored message (a list of category labels, rendered for the reader)."""
    from tonghu.core.texts import msg

    from .labels import category_msg

    labels = [RESTRICTED if (k in SENSITIVE_KEYS and not sensitive_ok) else category_msg(k) for k in keys]
    unique = list({repr(x): x for x in labels}.values())
    return unique if unique else msg("（无）")


def describe_categories(keys, sensitive_ok: bool = True) -> str:
    """Chinese labels of category keys; sensitive categories read 受限信息 for users who may not see them."""
    labels = [str(RESTRICTED) if (k in SENSITIVE_KEYS and not sensitive_ok) else category_label(k) for k in keys]
    return "、".join(dict.fromkeys(labels)) or _("（无）")
