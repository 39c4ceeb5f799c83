"""困境 categories (R-A2): one rule per category a profile can name (``CATEGORY_RULES``)."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from ..facts import (
    LABELS_ZH,
    Role,
)
from .base import Cond, Ctx, Outcome, WHO_EN, WHO_ZH, _p, disability_en, disability_within, disability_zh, severity_text
from .parents import _best, _need_evidence, gone, parent_conditions


# ---------------------------------------------------------------------------------- 困境 categories (R-A2)

CategoryRule = Callable[[Ctx, Mapping[str, Any]], Outcome]


def rule_orphan(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    """孤儿: both parents dead or court-declared missing (any combination), or birth parents cannot be found."""
    c = ctx.child
    if c.birth_parents_unfound is not None:
        out = Outcome(True).say("查找不到生父母", "the birth parents cannot be found")
        out.use("child.birth_parents_unfound", True)
        if not c.birth_parents_unfound.evidence:
            out.evidence_missing.append(("child.birth_parents_unfound.evidence", "查找不到生父母的公安机关证明",
                                         "child.birth_parents_unfound.evidence"))
        return out
    out = Outcome(False)
    gone_by_role: dict[Role, list[Cond]] = {}
    for role in (Role.FATHER, Role.MOTHER):
        found = ctx.parent(role)
        if found is None:
            out.missing.append(f"guardians[role={role.value}]")
            out.say(f"未登记{WHO_ZH[role]}信息", f"{WHO_EN[role]} is not recorded")
            continue
        g_conds = gone(ctx, *found)
        gone_by_role[role] = g_conds
        if g_conds:
            best = _best(g_conds)
            out.say(best.zh, best.en)
            for f in best.facts:
                out.use(f.path, f.value)
            _need_evidence(out, best)
        else:
            out.use(_p(found[0], "deceased"), None)
            out.say(f"{WHO_ZH[role]}在世且未被宣告失踪", f"{WHO_EN[role]} is alive and not declared missing")
    if len(gone_by_role) == 2 and all(gone_by_role.values()):
        out.holds = True
        out.say("父母双方均死亡或被宣告失踪", "both parents are dead or declared missing")
    else:
        out.evidence_missing.clear()
    return out


def rule_de_facto_unsupported(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    """事实无人抚养: both parents in S, or one gone (dead/declared missing) and the other in S. Not for orphans."""
    orphan = rule_orphan(ctx, {})
    if orphan.holds:
        out = Outcome(False).say("已符合孤儿条件，按孤儿保障，不重复认定为事实无人抚养儿童",
                                 "meets the orphan criteria; not also recognised as de facto unsupported")
        out.absorb(orphan)
        out.evidence_missing.clear()
        return out
    kinds = list(ctx.setting_value("definitions.s_conditions"))
    out = Outcome(False)
    in_s: dict[Role, list[Cond]] = {}
    is_gone: dict[Role, list[Cond]] = {}
    for role in (Role.FATHER, Role.MOTHER):
        found = ctx.parent(role)
        if found is None:
            out.missing.append(f"guardians[role={role.value}]")
            out.say(f"未登记{WHO_ZH[role]}信息", f"{WHO_EN[role]} is not recorded")
            in_s[role], is_gone[role] = [], []
            continue
        i, g = found
        is_gone[role] = gone(ctx, i, g)
        conds = parent_conditions(ctx, i, g, kinds, threshold=True)
        in_s[role] = [c for c in conds if c.holds]
        if is_gone[role]:
            c = _best(is_gone[role])
            out.say(c.zh, c.en)
            for f in c.facts:
                out.use(f.path, f.value)
        elif conds:
            for c in conds:
                out.say(c.zh, c.en)
                for f in c.facts:
                    out.use(f.path, f.value)
        else:
            out.say(f"{WHO_ZH[role]}无重残、重病、服刑在押、强制隔离戒毒、失联等情形",
                    f"{WHO_EN[role]} has none of the conditions in set S")
    f_s, m_s = in_s[Role.FATHER], in_s[Role.MOTHER]
    f_g, m_g = is_gone[Role.FATHER], is_gone[Role.MOTHER]
    relied: list[Cond] = []
    if f_s and m_s:
        relied = [_best(f_s), _best(m_s)]
        out.say("父母双方均属重残、重病、服刑在押等无法履行抚养义务的情形",
                "both parents are in set S (severe disability, serious illness, detention…)")
    elif f_g and m_s:
        relied = [_best(f_g), _best(m_s)]
        out.say("父亲死亡或失踪，母亲属于无法履行抚养义务的情形", "the father is gone and the mother is in set S")
    elif m_g and f_s:
        relied = [_best(m_g), _best(f_s)]
        out.say("母亲死亡或失踪，父亲属于无法履行抚养义务的情形", "the mother is gone and the father is in set S")
    if relied:
        out.holds = True
        for c in relied:
            _need_evidence(out, c)
    else:
        out.say("不符合事实无人抚养儿童条件（需父母双方均属重残、重病、服刑在押、强制隔离戒毒、失联满6个月等情形，"
                "或一方死亡/失踪且另一方属上述情形）",
                "not de facto unsupported (both parents must be in set S, or one dead/missing and the other in S)")
    return out


def rule_hiv_infected(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    hiv = ctx.child.health.hiv
    if hiv is None:
        return Outcome(False).say("未登记艾滋病病毒感染", "no HIV infection recorded").use("child.health.hiv", None)
    out = Outcome(True).say("儿童感染艾滋病病毒", "the child is HIV-infected").use("child.health.hiv", True)
    if not hiv.evidence:
        out.evidence_missing.append(("child.health.hiv.evidence", "疾控机构确诊证明", "child.health.hiv.evidence"))
    return out


def rule_child_serious_illness(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    ill = ctx.child.health.serious_illness
    if ill is None:
        return Outcome(False).say("未登记儿童患重病", "no serious illness recorded").use(
            "child.health.serious_illness", None)
    name = f"（{ill.name}）" if ill.name else ""
    out = Outcome(True).say(f"儿童患重病{name}", "the child is seriously ill").use(
        "child.health.serious_illness", ill.name or True)
    if not ill.evidence:
        out.evidence_missing.append(("child.health.serious_illness.evidence", "医院诊断证明",
                                     "child.health.serious_illness.evidence"))
    return out


def _disability_defn(ctx: Ctx, params: Mapping[str, Any]) -> Mapping[str, Any]:
    if params.get("definition"):
        return ctx.rp.value(f"definitions.{params['definition']}")
    return {"max_grade_any_type": params.get("max_grade_any_type", 0),
            "max_grade_by_type": params.get("max_grade_by_type") or {}}


def rule_child_disability(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    d = ctx.child.health.disability
    defn = _disability_defn(ctx, params)
    rule_zh, rule_en = severity_text(defn)
    if d is None:
        return Outcome(False).say("未登记儿童残疾", "no disability recorded").use("child.health.disability", None)
    out = Outcome(disability_within(d, defn))
    out.use("child.health.disability.type", d.type).use("child.health.disability.grade", d.grade)
    if out.holds:
        out.say(f"儿童为{disability_zh(d)}（本类别：{rule_zh}）", f"the child has {disability_en(d)} ({rule_en})")
        if not d.evidence:
            out.evidence_missing.append(("child.health.disability.evidence", "残疾证",
                                         "child.health.disability.evidence"))
    else:
        out.say(f"儿童为{disability_zh(d)}，不在本类别范围（{rule_zh}）",
                f"the child has {disability_en(d)}, outside this category ({rule_en})")
    return out


def _receives(ctx: Ctx, scheme: str) -> bool:
    hh = ctx.facts.household
    return scheme in {s.value for s in ctx.facts.assistance_received} or (scheme == "dibao" and hh.dibao) or (
        scheme == "tekun" and hh.tekun)


def rule_poor_family(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    hh = ctx.facts.household
    out = Outcome(False)
    reasons_zh: list[str] = []
    reasons_en: list[str] = []
    if _receives(ctx, "dibao"):
        out.use("household.dibao", True)
        reasons_zh.append("家庭享受低保")
        reasons_en.append("the household receives 低保")
    if _receives(ctx, "tekun"):
        out.use("household.tekun", True)
        reasons_zh.append("享受特困供养")
        reasons_en.append("特困 support")
    if params.get("include_low_income") and hh.low_income:
        out.use("household.low_income", True)
        reasons_zh.append("属低收入家庭")
        reasons_en.append("a low-income household")
    line = params.get("poverty_line_yuan_per_head_year")
    if line is not None and hh.income_per_head_yuan_year is not None:
        out.use("household.income_per_head_yuan_year", hh.income_per_head_yuan_year)
        if hh.income_per_head_yuan_year < float(line):
            reasons_zh.append(f"家庭人均年收入{hh.income_per_head_yuan_year:g}元，低于{line}元")
            reasons_en.append(f"income per head {hh.income_per_head_yuan_year:g} below {line}")
    if reasons_zh:
        out.holds = True
        return out.say("、".join(reasons_zh), ", ".join(reasons_en))
    out.use("household.dibao", False).use("household.tekun", False)
    basis = "低保、特困" + ("或低收入家庭" if params.get("include_low_income") else "")
    basis_en = "receiving 低保 or 特困" + (" nor as low-income" if params.get("include_low_income") else "")
    return out.say(f"家庭未享受{basis}", f"the household is not recorded as {basis_en}")


def _problems(ctx: Ctx, kinds: Iterable[str]) -> list[tuple[int, Any]]:
    wanted = set(kinds)
    return [(i, p) for i, p in enumerate(ctx.child.guardianship_problems) if p.kind.value in wanted]


def rule_guardianship_problem(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    found = _problems(ctx, params.get("kinds") or [])
    if not found:
        return Outcome(False).say("未登记监护缺失或监护不当情形", "no guardianship problem recorded").use(
            "child.guardianship_problems", None)
    out = Outcome(True)
    for i, p in found:
        out.use(f"child.guardianship_problems[{i}].kind", p.kind)
    zh = "、".join(LABELS_ZH[p.kind] for _, p in found)
    return out.say(f"儿童存在监护缺失或不当情形：{zh}", "guardianship problems: " + ", ".join(p.kind.value for _, p in found))


def rule_other_difficulty(ctx: Ctx, params: Mapping[str, Any]) -> Outcome:
    od = ctx.child.other_difficulty
    extra = _problems(ctx, params.get("include_guardianship_kinds") or [])
    out = Outcome(bool(od) or bool(extra))
    if od:
        out.use("child.other_difficulty.description", od.description)
        out.say(f"其他困境：{od.description}", f"other difficulty: {od.description}")
    if extra:
        for i, p in extra:
            out.use(f"child.guardianship_problems[{i}].kind", p.kind)
        out.say("监护缺失或不当：" + "、".join(LABELS_ZH[p.kind] for _, p in extra),
                "guardianship problems: " + ", ".join(p.kind.value for _, p in extra))
    if not out.holds:
        out.use("child.other_difficulty", None)
        out.say("未登记其他困境情形", "no other difficulty recorded")
    return out


CATEGORY_RULES: dict[str, CategoryRule] = {
    "orphan": rule_orphan,
    "de_facto_unsupported": rule_de_facto_unsupported,
    "hiv_infected": rule_hiv_infected,
    "child_serious_illness": rule_child_serious_illness,
    "child_disability": rule_child_disability,
    "poor_family": rule_poor_family,
    "guardianship_problem": rule_guardianship_problem,
    "other_difficulty": rule_other_difficulty,
}


