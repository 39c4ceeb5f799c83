"""Visit escalation (R-C2): the triggers that raise a child's visit cadence (``TRIGGER_RULES``)."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..facts import (
    Role,
)
from .base import Ctx, WHO_EN, WHO_ZH, disability_en, disability_zh


# ------------------------------------------------------------------------------- visit escalation (R-C2)

TriggerRule = Callable[[Ctx, Mapping[str, Any], Any], tuple[str, str] | None]


def trigger_parent_disability(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> tuple[str, str] | None:
    types = set(params.get("types") or [])
    max_grade = int(params.get("max_grade", 2))
    for role in (Role.FATHER, Role.MOTHER):
        found = ctx.parent(role)
        if found is None:
            continue
        d = found[1].disability
        if d is not None and d.type.value in types and d.grade <= max_grade:
            return f"{WHO_ZH[role]}为{disability_zh(d)}", f"{WHO_EN[role]} has {disability_en(d)}"
    return None


def trigger_child_disability(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> tuple[str, str] | None:
    d = ctx.child.health.disability
    if d is not None and d.type.value in set(params.get("types") or []) and d.grade <= int(params.get("max_grade", 4)):
        return f"儿童为{disability_zh(d)}", f"the child has {disability_en(d)}"
    return None


def trigger_psych_behaviour(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> tuple[str, str] | None:
    if ctx.child.health.psych_behaviour_problem:
        return "儿童有心理或行为异常", "the child shows psychological or behavioural problems"
    return None


def trigger_single_parent(ctx: Ctx, params: Mapping[str, Any], classification: Any) -> tuple[str, str] | None:
    if classification.single_parent:
        return "单亲家庭儿童", "child of a single-parent family"
    return None


TRIGGER_RULES: dict[str, TriggerRule] = {
    "parent_disability": trigger_parent_disability,
    "child_disability": trigger_child_disability,
    "psych_behaviour": trigger_psych_behaviour,
    "single_parent": trigger_single_parent,
}


