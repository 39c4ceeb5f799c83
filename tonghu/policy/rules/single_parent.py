"""单亲 (R-A3): recorded, or inferred from one parent gone or unable and the child raised by the other."""

from __future__ import annotations

from ..dates import add_years
from ..facts import (
    Role,
)
from .base import Ctx, Outcome, WHO_EN, WHO_ZH
from .left_behind import rural_check
from .parents import gone


# ------------------------------------------------------------------------------------ 单亲 (R-A3)


def evaluate_single_parent(ctx: Ctx) -> Outcome:
    c = ctx.child
    limit = int(ctx.setting_value("single_parent.age_limit"))
    out = Outcome(False)
    out.use("child.birth_date", c.birth_date)
    if ctx.on >= add_years(c.birth_date, limit):
        return out.say(f"已满{limit}周岁", f"aged {limit} or over")
    if ctx.setting_value("single_parent.rural_only"):
        rural = rural_check(ctx, "rural_child")
        out.absorb(rural)
        if not rural.holds:
            out.zh.extend(rural.zh)
            out.en.extend(rural.en)
            return out.say("本方案只统计农村单亲家庭儿童", "this profile tracks rural single-parent children only")
    if c.single_parent_family is not None:
        out.holds = True
        out.use("child.single_parent_family", c.single_parent_family)
        zh = "单亲母亲家庭" if c.single_parent_family is Role.MOTHER else "单亲父亲家庭"
        return out.say(f"登记为{zh}", f"recorded as a single-{c.single_parent_family.value} family")
    if ctx.setting_value("single_parent.derive_from_parent_death"):
        gone_roles = []
        alive_roles = []
        for role in (Role.FATHER, Role.MOTHER):
            found = ctx.parent(role)
            if found is None:
                continue
            g_conds = gone(ctx, *found)
            (gone_roles if g_conds else alive_roles).append((role, g_conds))
        if len(gone_roles) == 1 and len(alive_roles) == 1:
            role, conds = gone_roles[0]
            other = alive_roles[0][0]
            out.holds = True
            for f in conds[0].facts:
                out.use(f.path, f.value)
            return out.say(f"{conds[0].zh}，由{WHO_ZH[other]}单独抚养（据父母信息推定为单亲家庭）",
                           f"{conds[0].en}; raised by {WHO_EN[other]} alone (inferred single-parent family)")
    out.use("child.single_parent_family", None)
    return out.say("未登记为单亲家庭", "not recorded as a single-parent family")


