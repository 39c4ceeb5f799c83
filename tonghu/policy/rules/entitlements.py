"""Entitlements (R-E1): what a child in a category should receive, and whether it is received (``ENTITLEMENT_RULES``)."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..dates import fmt_zh
from ..facts import (
    SchoolingStatus,
)
from .base import Ctx, disability_within, disability_zh
from .categories import _disability_defn, _receives


# ------------------------------------------------------------------------------------ entitlements (R-E1)

# An entitlement rule returns None (not eligible) or (status, because-keys, detail zh, detail en).
EntitlementVerdict = tuple[str, tuple[str, ...], str, str] | None
EntitlementRule = Callable[[Ctx, Mapping[str, Any], Any], EntitlementVerdict]

REQUIREMENTS_ZH = {"in_school": "在校", "in_school_or_dropout": "在校，或义务教育年龄内辍学（劝返复学后落实）",
                   "serious_illness": "患重病", "disabled": "有残疾"}
# Needs the plans require that are not assistance schemes: nothing is "received"; the rule itself stops finding
# the need once it is met (a dropout back at school).
NEEDS = ("return_to_school",)


def compulsory_school_dropout(ctx: Ctx) -> bool:
    """Dropped out of school while of compulsory-schooling age (``definitions.compulsory_school_age``, R-E4)."""
    c = ctx.child
    if c.schooling is None or c.schooling.status is not SchoolingStatus.DROPPED_OUT:
        return False
    ages = ctx.setting_value("definitions.compulsory_school_age")
    return int(ages["from"]) <= ctx.age() <= int(ages["to"])


def _requirement_met(ctx: Ctx, req: str) -> bool:
    c = ctx.child
    if req == "in_school":
        return c.schooling is not None and c.schooling.status is SchoolingStatus.IN_SCHOOL
    if req == "in_school_or_dropout":
        return _requirement_met(ctx, "in_school") or compulsory_school_dropout(ctx)
    if req == "serious_illness":
        return c.health.serious_illness is not None
    if req == "disabled":
        return c.health.disability is not None
    raise ValueError(f"unknown requirement {req!r}")  # pragma: no cover - validated at load


def ent_in_category(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    cats = [f"in_difficulty.{c}" for c in params.get("categories") or []]
    max_age = params.get("max_age")
    if max_age is not None and ctx.age() >= int(max_age):
        return None
    for req in params.get("require") or []:
        if not _requirement_met(ctx, req):
            return None
    met = [k for k in cats if k in classification.categories]
    pending = [k for k in cats if k in classification.pending]
    keys = met or pending
    if not keys:
        return None
    labels = "、".join(classification.explanation(k).label_zh for k in keys)
    detail = f"依据：{labels}"
    if "in_school_or_dropout" in (params.get("require") or []) and compulsory_school_dropout(ctx):
        detail += "；儿童已辍学，劝返复学后落实"
        keys = [*keys, "child.schooling.status"]
    return ("eligible" if met else "pending_evidence"), tuple(keys), detail, ""


def ent_dropout_return(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    """劝返复学 (R-E4): a child of the served groups who dropped out at compulsory-schooling age."""
    if not compulsory_school_dropout(ctx):
        return None
    groups = list(params.get("groups") or [])
    if groups and not any(g in classification.categories or g in classification.pending for g in groups):
        return None
    schooling = ctx.child.schooling
    assert schooling is not None
    ages = ctx.setting_value("definitions.compulsory_school_age")
    since = f"，{fmt_zh(schooling.dropout_since)}起辍学" if schooling.dropout_since else "，已辍学"
    detail = f"{ctx.age()}周岁{since}（义务教育年龄{ages['from']}至{ages['to']}周岁）"
    return "eligible", ("child.schooling.status",), detail, ""


def ent_hiv_infected(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    hiv = ctx.child.health.hiv
    if hiv is None:
        return None
    return ("eligible" if hiv.evidence else "pending_evidence"), ("child.health.hiv",), "", ""


def ent_child_disability(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    d = ctx.child.health.disability
    if d is None:
        return None
    max_age = params.get("max_age")
    if max_age is not None and ctx.age() >= int(max_age):
        return None
    if not disability_within(d, _disability_defn(ctx, params)):
        return None
    return ("eligible" if d.evidence else "pending_evidence"), ("child.health.disability",), disability_zh(d), ""


def ent_disability_allowance(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    d = ctx.child.health.disability
    if d is None:
        return None
    severe = d.grade <= int(params.get("severe_max_grade", 2))
    if not (severe or _receives(ctx, "dibao")):
        return None
    detail = disability_zh(d) + ("（重度）" if severe else "，低保家庭")
    return ("eligible" if d.evidence else "pending_evidence"), ("child.health.disability",), detail, ""


def ent_income_below_line(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> EntitlementVerdict:
    line = params.get("line_yuan_per_head_year")
    income = ctx.facts.household.income_per_head_yuan_year
    if line is None or income is None or income >= float(line):
        return None
    return "eligible", ("household.income_per_head_yuan_year",), f"人均年收入{income:g}元，低于{line}元", ""


ENTITLEMENT_RULES: dict[str, EntitlementRule] = {
    "in_category": ent_in_category,
    "hiv_infected": ent_hiv_infected,
    "child_disability": ent_child_disability,
    "disability_allowance": ent_disability_allowance,
    "income_below_line": ent_income_below_line,
    "dropout_return": ent_dropout_return,
}
