"""留守 (R-A1): a parent away across the profile's boundary, the other unable to care, the rural requirement."""

from __future__ import annotations

from dataclasses import dataclass

from ..dates import add_months, add_years, fmt_en, fmt_zh, whole_months
from ..facts import (
    LABELS_ZH,
    HukouType,
    Role,
)
from ..results import FactUsed
from .base import Ctx, DEFAULT_DISTANCE_UNIT, DISTANCE_EN, DISTANCE_UNITS, DISTANCE_ZH, Outcome, UNIT_EN, UNIT_ZH, WHO_EN, WHO_ZH, _p
from .parents import gone, parent_conditions


# ------------------------------------------------------------------------------------------- 留守 (R-A1)


@dataclass
class Away:
    qualifies: bool
    zh: str
    en: str
    facts: list[FactUsed]
    missing: list[str]


def distance_unit(ctx: Ctx) -> dict[str, str]:
    """The boundary a parent must cross: ``{"level": county|prefecture|province, "zh": …, "en": …}``.

    ``left_behind.distance_unit`` in the profile, or, when it is null, the unit the rule's words usually mean
    (跨县域 → county, 跨市域 → prefecture-level city, 跨省域 → province)."""
    rule = str(ctx.setting_value("left_behind.distance_rule"))
    value = ctx.setting_value("left_behind.distance_unit")
    if value:
        return {"level": str(value["level"]), "zh": str(value["zh"]), "en": str(value["en"])}
    level = DEFAULT_DISTANCE_UNIT[rule]
    return {"level": level, "zh": UNIT_ZH[level], "en": UNIT_EN[level]}


def child_home_code(ctx: Ctx) -> tuple[str | None, str]:
    c = ctx.child
    if c.residence_code:
        return c.residence_code, "child.residence_code"
    if c.hukou_region_code:
        return c.hukou_region_code, "child.hukou_region_code"
    return None, "child.residence_code"


def away_status(ctx: Ctx, role: Role) -> Away:
    """Is this parent working away long enough, far enough, continuously enough (per the profile)?"""
    who, whoe = WHO_ZH[role], WHO_EN[role]
    found = ctx.parent(role)
    if found is None:
        return Away(False, f"未登记{who}信息", f"no record of {whoe}", [], [f"guardians[role={role.value}]"])
    i, g = found
    if gone(ctx, i, g):
        c = gone(ctx, i, g)[0]
        return Away(False, c.zh, c.en, list(c.facts), [])
    wa = g.working_away
    if wa is None:
        return Away(False, f"{who}未外出务工", f"{whoe} is not working away", [FactUsed(_p(i, "working_away"), None)],
                    [])
    months = int(ctx.setting_value("left_behind.months_away"))
    rule = str(ctx.setting_value("left_behind.distance_rule"))
    sr = ctx.setting_value("left_behind.short_returns")
    facts = [FactUsed(_p(i, "working_away", "since"), wa.since)]
    if wa.since > ctx.on:
        return Away(False, f"{who}将于{fmt_zh(wa.since)}外出务工，尚未外出",
                    f"{whoe} leaves for work on {fmt_en(wa.since)}", facts, [])
    if wa.until is not None and wa.until <= ctx.on:
        facts.append(FactUsed(_p(i, "working_away", "until"), wa.until))
        return Away(False, f"{who}已于{fmt_zh(wa.until)}返乡，不再外出务工",
                    f"{whoe} came back for good on {fmt_en(wa.until)}", facts, [])
    # distance
    dist_zh, dist_en = "", ""
    if rule != "none":
        unit = distance_unit(ctx)
        level = DISTANCE_UNITS[unit["level"]]
        home, home_path = child_home_code(ctx)
        dest = wa.destination_code
        if dest:
            facts.append(FactUsed(_p(i, "working_away", "destination_code"), dest))
        if home:
            facts.append(FactUsed(home_path, home))
        if not dest or not home:
            miss = [] if dest else [_p(i, "working_away", "destination_code")]
            miss += [] if home else ["child.residence_code"]
            return Away(False, f"{who}务工地或儿童居住地区划代码未填写，无法判断是否{DISTANCE_ZH[rule]}外出",
                        f"cannot tell whether {whoe} works in {DISTANCE_EN[rule]}: region code missing", facts, miss)
        n = min(level, len(dest), len(home))
        if dest[:n] != home[:n]:
            crossed = True
        elif len(dest) >= level and len(home) >= level:
            crossed = False
        else:
            return Away(False, f"{who}务工地代码“{dest}”不够精确，无法判断是否{DISTANCE_ZH[rule]}",
                        f"{whoe}'s destination code {dest} is too coarse to tell", facts,
                        [_p(i, "working_away", "destination_code")])
        if not crossed:
            return Away(False,
                        f"{who}务工地（{dest}）与儿童居住地（{home}）在同一{unit['zh']}内，"
                        f"本方案要求{DISTANCE_ZH[rule]}外出务工",
                        f"{whoe} works within the child's own {unit['en']}"
                        f" ({dest} vs {home}); this profile requires work in {DISTANCE_EN[rule]}", facts, [])
        dist_zh, dist_en = f"，{DISTANCE_ZH[rule]}（务工地{dest}）", f" in {DISTANCE_EN[rule]} ({dest})"
    # continuity and short trips home
    start = wa.since
    restarted = False
    tolerate = bool(sr.get("tolerate"))
    max_days = sr.get("max_days")
    trips = [t for t in wa.short_trips_home if t.start <= ctx.on]
    for t_idx, t in enumerate(wa.short_trips_home):
        if t.start <= ctx.on:
            facts.append(FactUsed(_p(i, "working_away", f"short_trips_home[{t_idx}]"),
                                  f"{t.start.isoformat()}/{t.end.isoformat()}"))
    if not tolerate and wa.has_short_trips_home and not wa.short_trips_home:
        facts.append(FactUsed(_p(i, "working_away", "has_short_trips_home"), True))
        return Away(False, f"{who}外出期间曾回家但未登记日期，本方案以回家中断连续外出，无法计算连续外出时间",
                    f"{whoe} came home during the period but the dates are not recorded; this profile counts "
                    "continuous absence, so it cannot be computed", facts, [_p(i, "working_away", "short_trips_home")])
    for t in sorted(trips, key=lambda t: t.start):
        long_trip = max_days is not None and (t.end - t.start).days > int(max_days)
        breaks = (not tolerate) or long_trip
        if not breaks:
            continue
        if t.start <= ctx.on < t.end:
            return Away(False, f"{who}目前在家（{fmt_zh(t.start)}回家，{fmt_zh(t.end)}返回务工地），外出中断",
                        f"{whoe} is at home from {fmt_en(t.start)} to {fmt_en(t.end)}", facts, [])
        if t.end > start:
            start, restarted = t.end, True
    reach = add_months(start, months)
    elapsed = whole_months(start, ctx.on)
    since_zh = f"自{fmt_zh(start)}（最近一次回家后返回务工地）起" if restarted else f"自{fmt_zh(start)}起"
    since_en = f"since {fmt_en(start)}" + (" (back to work after the last trip home)" if restarted else "")
    if reach <= ctx.on:
        tol = "（期间偶尔回家不影响连续务工认定）" if tolerate and trips else ""
        return Away(True, f"{who}{since_zh}外出务工{dist_zh}，已连续外出{elapsed}个月，满{months}个月{tol}",
                    f"{whoe} has worked away{dist_en} {since_en}: {elapsed} months, at least {months}", facts, [])
    return Away(False,
                f"{who}{since_zh}外出务工{dist_zh}，连续外出务工{elapsed}个月，未满{months}个月（{fmt_zh(reach)}满{months}个月）",
                f"{whoe} has worked away{dist_en} {since_en} for {elapsed} months, under {months} "
                f"(reached on {fmt_en(reach)})", facts, [])


def rural_check(ctx: Ctx, requirement: str) -> Outcome:
    c = ctx.child
    out = Outcome(True)
    out.use("child.hukou_type", c.hukou_type)
    if requirement == "none":
        return out.say("本方案不限农村户籍", "this profile does not restrict to rural children")
    if c.hukou_type is HukouType.RURAL:
        return out.say("农村户籍", "rural household registration")
    if requirement == "rural_child" and c.lives_in_rural_area:
        out.use("child.lives_in_rural_area", True)
        return out.say(f"{LABELS_ZH[c.hukou_type]}但居住在农村", "lives in a rural area")
    out.holds = False
    if c.hukou_type is HukouType.UNKNOWN and not (requirement == "rural_child" and c.lives_in_rural_area is False):
        out.missing.append("child.hukou_type")
        return out.say("户籍类别未填写，无法判断是否农村儿童", "household registration type unknown")
    if requirement == "rural_registration":
        return out.say(f"{LABELS_ZH[c.hukou_type]}，本方案要求农村户籍",
                       "urban registration; this profile requires rural household registration")
    out.use("child.lives_in_rural_area", c.lives_in_rural_area)
    label = "户籍类别未知" if c.hukou_type is HukouType.UNKNOWN else LABELS_ZH[c.hukou_type]
    return out.say(f"{label}且未登记居住在农村，不属于农村儿童",
                   "urban registration and not recorded as living in a rural area")


def evaluate_left_behind(ctx: Ctx) -> Outcome:
    """R-A1: under the age limit, rural as the profile requires, and both parents away (or one away and the
    other incapable) for the required months at the required distance."""
    ok = Outcome(True)
    bad = Outcome(False)
    birth = ctx.child.birth_date
    limit = int(ctx.setting_value("left_behind.age_limit"))
    leaves = add_years(birth, limit)
    for o in (ok, bad):
        o.use("child.birth_date", birth)
    if ctx.on < leaves:
        ok.say(f"{ctx.age()}周岁，未满{limit}周岁（{fmt_zh(leaves)}满{limit}周岁）",
               f"aged {ctx.age()}, under {limit} (turns {limit} on {fmt_en(leaves)})")
    else:
        bad.say(f"已于{fmt_zh(leaves)}满{limit}周岁，超出留守儿童年龄（不满{limit}周岁）",
                f"turned {limit} on {fmt_en(leaves)}; left-behind children are under {limit}")
    rural = rural_check(ctx, str(ctx.setting_value("left_behind.rural_requirement")))
    (ok if rural.holds else bad).zh.extend(rural.zh)
    (ok if rural.holds else bad).en.extend(rural.en)
    for o in (ok, bad):
        o.absorb(rural)

    fa, ma = away_status(ctx, Role.FATHER), away_status(ctx, Role.MOTHER)
    for a in (fa, ma):
        for f in a.facts:
            ok.use(f.path, f.value)
            bad.use(f.path, f.value)
    months = int(ctx.setting_value("left_behind.months_away"))
    if fa.qualifies and ma.qualifies:
        ok.say(f"{fa.zh}；{ma.zh}；父母双方均外出务工满{months}个月",
               f"{fa.en}; {ma.en}; both parents work away")
    elif fa.qualifies or ma.qualifies:
        away, other_role = (fa, Role.MOTHER) if fa.qualifies else (ma, Role.FATHER)
        other_away = ma if fa.qualifies else fa
        found = ctx.parent(other_role)
        kinds = list(ctx.setting_value("left_behind.other_parent_incapable_when"))
        conds = parent_conditions(ctx, found[0], found[1], kinds, threshold=False) if found else []
        holding = [c for c in conds if c.holds]
        for c in conds:
            for f in c.facts:
                ok.use(f.path, f.value)
                bad.use(f.path, f.value)
        if holding:
            ok.say(f"{away.zh}；{holding[0].zh}，另一方无监护能力",
                   f"{away.en}; {holding[0].en}, so the other parent cannot act as guardian")
        else:
            who = WHO_ZH[other_role]
            if found is None:
                bad.missing.append(f"guardians[role={other_role.value}]")
                bad.say(f"{away.zh}；但未登记{who}信息，无法判断另一方是否无监护能力",
                        f"{away.en}; but {WHO_EN[other_role]} is not recorded")
            else:
                detail = "；".join(c.zh for c in conds) or f"{who}未登记重病、重残等无监护能力情形"
                bad.say(f"{away.zh}；{other_away.zh}；{detail}，{who}不属于无监护能力情形",
                        f"{away.en}; {other_away.en}; "
                        + ("; ".join(c.en for c in conds) or f"{WHO_EN[other_role]} has no recorded incapacity")
                        + f", so {WHO_EN[other_role]} is not without guardianship capacity")
    else:
        bad.say(f"{fa.zh}；{ma.zh}", f"{fa.en}; {ma.en}")
        bad.missing.extend(m for m in fa.missing + ma.missing if m not in bad.missing)
    if bad.zh:
        return bad
    return ok


