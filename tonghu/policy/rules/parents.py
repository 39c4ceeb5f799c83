"""Parent conditions (DOMAIN.md, 民发〔2019〕62号): gone (dead, declared missing) and the set S (severe disability,
serious illness, restriction of liberty, out of contact, guardianship revoked, deported), with their evidence."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from ..dates import add_months, fmt_en, fmt_zh, whole_months
from ..facts import (
    LABELS_EN,
    LABELS_ZH,
    Guardian,
    Restriction,
)
from ..results import FactUsed
from .base import Cond, Ctx, Outcome, WHO_EN, WHO_ZH, _on_or_before, _p, disability_en, disability_within, disability_zh, severity_text


# --------------------------------------------------------------------------------------- parent conditions


def _cond_deceased(ctx: Ctx, i: int, g: Guardian) -> Cond | None:
    if g.deceased is None or not _on_or_before(g.deceased.date, ctx.on):
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    when = f"于{fmt_zh(g.deceased.date)}" if g.deceased.date else ""
    court = "（经人民法院宣告死亡）" if g.deceased.declared_by_court else ""
    facts = [FactUsed(_p(i, "deceased", "date"), g.deceased.date)] if g.deceased.date else []
    if g.deceased.declared_by_court:
        facts.append(FactUsed(_p(i, "deceased", "declared_by_court"), True))
    return Cond("deceased", True, g.deceased.evidence, f"{who}已{when}死亡{court}",
                f"{whoe} died" + (f" on {fmt_en(g.deceased.date)}" if g.deceased.date else "")
                + (" (declared dead by a court)" if g.deceased.declared_by_court else ""),
                tuple(facts), _p(i, "deceased", "evidence"), f"{who}死亡证明或宣告死亡判决")


def _cond_declared_missing(ctx: Ctx, i: int, g: Guardian) -> Cond | None:
    m = g.declared_missing
    if m is None or not _on_or_before(m.date, ctx.on):
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    when = f"于{fmt_zh(m.date)}" if m.date else ""
    facts = (FactUsed(_p(i, "declared_missing", "date"), m.date),) if m.date else (
        FactUsed(_p(i, "declared_missing"), True),)
    return Cond("declared_missing", True, m.evidence, f"{who}已{when}被人民法院宣告失踪",
                f"{whoe} was declared missing by a court" + (f" on {fmt_en(m.date)}" if m.date else ""),
                facts, _p(i, "declared_missing", "evidence"), f"{who}宣告失踪判决")


def _cond_disability(ctx: Ctx, i: int, g: Guardian) -> Cond | None:
    d = g.disability
    if d is None:
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    defn = ctx.severe_definition()
    ok = disability_within(d, defn)
    rule_zh, rule_en = severity_text(defn)
    facts = (FactUsed(_p(i, "disability", "type"), d.type), FactUsed(_p(i, "disability", "grade"), d.grade))
    if ok:
        zh, en = f"{who}为{disability_zh(d)}（属重度残疾）", f"{whoe} has {disability_en(d)} (severe)"
    else:
        zh = f"{who}为{disability_zh(d)}，不属于重度残疾（{rule_zh}）"
        en = f"{whoe} has {disability_en(d)}, which is not severe ({rule_en})"
    return Cond("severe_disability", ok, d.evidence, zh, en, facts, _p(i, "disability", "evidence"),
                f"{who}残疾证")


def _cond_illness(ctx: Ctx, i: int, g: Guardian) -> Cond | None:
    ill = g.serious_illness
    if ill is None:
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    name = f"（{ill.name}）" if ill.name else ""
    return Cond("serious_illness", True, ill.evidence, f"{who}患重病{name}", f"{whoe} is seriously ill",
                (FactUsed(_p(i, "serious_illness"), ill.name or True),), _p(i, "serious_illness", "evidence"),
                f"{who}重病诊断证明")


def restriction_period(rs: Iterable[tuple[int, Restriction]], on: dt.date) -> list[tuple[int, Restriction]] | None:
    """The chain of contiguous restrictions in force on ``on`` (detention followed by prison is one period)."""
    ordered = sorted(rs, key=lambda t: t[1].start)
    chains: list[list[tuple[int, Restriction]]] = []
    for item in ordered:
        if chains:
            last_end = chains[-1][-1][1].end
            if last_end is None or item[1].start <= last_end:
                chains[-1].append(item)
                continue
        chains.append([item])
    for chain in chains:
        start = chain[0][1].start
        ends = [r.end for _, r in chain]
        end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
        if start <= on and (end is None or on < end):
            return chain
    return None


def _cond_restriction(ctx: Ctx, i: int, g: Guardian, *, threshold: bool) -> Cond | None:
    if not g.restrictions:
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    chain = restriction_period(enumerate(g.restrictions), ctx.on)
    if chain is None:
        past = [r for r in g.restrictions if r.end is not None and r.end <= ctx.on]
        if not past:
            return None  # only future measures: nothing to say today
        last = max(past, key=lambda r: r.end or r.start)
        assert last.end is not None
        return Cond("restricted_liberty", False, True, f"{who}的{LABELS_ZH[last.kind]}已于{fmt_zh(last.end)}解除",
                    f"{whoe}'s {LABELS_EN[last.kind.value]} ended on {fmt_en(last.end)}",
                    (FactUsed(_p(i, "restrictions"), len(g.restrictions)),), "", "")
    start = chain[0][1].start
    ends = [r.end for _, r in chain]
    end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
    kinds_zh = "后".join(dict.fromkeys(LABELS_ZH[r.kind] for _, r in chain))
    kinds_en = " then ".join(dict.fromkeys(LABELS_EN[r.kind.value] for _, r in chain))
    facts = tuple(FactUsed(f"guardians[{i}].restrictions[{idx}].from", r.start) for idx, r in chain) + tuple(
        FactUsed(f"guardians[{i}].restrictions[{idx}].to", r.end) for idx, r in chain if r.end is not None
    )
    evidence = all(r.evidence for _, r in chain)
    ev_path = f"guardians[{i}].restrictions[{chain[0][0]}].evidence"
    ev_zh = f"{who}判决书、羁押或强制隔离戒毒决定书"
    elapsed = whole_months(start, ctx.on)
    span = f"自{fmt_zh(start)}起" + (f"至{fmt_zh(end)}" if end else "")
    if not threshold:
        return Cond("restricted_liberty", True, evidence, f"{who}{span}{kinds_zh}，目前无法履行监护",
                    f"{whoe} is under {kinds_en} since {fmt_en(start)}", facts, ev_path, ev_zh)
    need = int(ctx.setting_value("definitions.restriction_min_months"))
    term_counts = bool(ctx.setting_value("definitions.restriction_planned_term_counts"))
    term = whole_months(start, end) if end else None
    reach = add_months(start, need)
    if elapsed >= need:
        return Cond("restricted_liberty", True, evidence, f"{who}{span}{kinds_zh}，已满{need}个月（已{elapsed}个月）",
                    f"{whoe} has been under {kinds_en} since {fmt_en(start)}: {elapsed} months, at least {need}",
                    facts, ev_path, ev_zh)
    if term_counts and term is not None and term >= need:
        return Cond("restricted_liberty", True, evidence,
                    f"{who}{span}{kinds_zh}，期限{term}个月，满{need}个月",
                    f"{whoe} is under {kinds_en} for a term of {term} months (at least {need})", facts, ev_path, ev_zh)
    if term is not None and term < need:
        return Cond("restricted_liberty", False, evidence,
                    f"{who}{span}{kinds_zh}，期限{term}个月，不满{need}个月",
                    f"{whoe} is under {kinds_en} for a term of {term} months, under {need}", facts, ev_path, ev_zh)
    return Cond("restricted_liberty", False, evidence,
                f"{who}{span}{kinds_zh}，已{elapsed}个月，未满{need}个月（{fmt_zh(reach)}满{need}个月）",
                f"{whoe} has been under {kinds_en} for {elapsed} months since {fmt_en(start)}, under {need} "
                f"(reached on {fmt_en(reach)})", facts, ev_path, ev_zh)


def _cond_out_of_contact(ctx: Ctx, i: int, g: Guardian, *, threshold: bool) -> Cond | None:
    oc = g.out_of_contact
    if oc is None or not _on_or_before(oc.since, ctx.on):
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    since = f"（{fmt_zh(oc.since)}起）" if oc.since else ""
    facts: list[FactUsed] = []
    if oc.since:
        facts.append(FactUsed(_p(i, "out_of_contact", "since"), oc.since))
    ev_path, ev_zh = _p(i, "out_of_contact", "evidence"), f"{who}失联的公安机关受理报案回执"
    if not threshold:
        return Cond("out_of_contact", True, oc.evidence, f"{who}失联{since}", f"{whoe} is out of contact",
                    tuple(facts), ev_path, ev_zh)
    need = int(ctx.setting_value("definitions.out_of_contact_min_months"))
    accepted = oc.police_report_accepted
    if accepted is None or accepted > ctx.on:
        facts.append(FactUsed(_p(i, "out_of_contact", "police_report_accepted"), None))
        return Cond("out_of_contact", False, oc.evidence,
                    f"{who}失联{since}，但公安机关尚未受理报案，不能认定失联满{need}个月",
                    f"{whoe} is out of contact but no police report has been accepted; the {need}-month period "
                    "has not started", tuple(facts), ev_path, ev_zh)
    facts.append(FactUsed(_p(i, "out_of_contact", "police_report_accepted"), accepted))
    reach = add_months(accepted, need)
    months = whole_months(accepted, ctx.on)
    if reach <= ctx.on:
        return Cond("out_of_contact", True, oc.evidence,
                    f"{who}失联{since}，公安机关于{fmt_zh(accepted)}受理报案，已满{need}个月",
                    f"{whoe} is out of contact; the police accepted the report on {fmt_en(accepted)}, "
                    f"{months} months ago (at least {need})", tuple(facts), ev_path, ev_zh)
    return Cond("out_of_contact", False, oc.evidence,
                f"{who}失联{since}，公安机关于{fmt_zh(accepted)}受理报案，已{months}个月，未满{need}个月"
                f"（{fmt_zh(reach)}满{need}个月）",
                f"{whoe} is out of contact; the police accepted the report on {fmt_en(accepted)}, {months} months "
                f"ago, under {need} (reached on {fmt_en(reach)})", tuple(facts), ev_path, ev_zh)


def _cond_court(ctx: Ctx, i: int, g: Guardian, kind: str) -> Cond | None:
    fact = getattr(g, kind)
    if fact is None or not _on_or_before(fact.date, ctx.on):
        return None
    who, whoe = WHO_ZH[g.role], WHO_EN[g.role]
    when = f"于{fmt_zh(fact.date)}" if fact.date else ""
    if kind == "guardianship_revoked":
        zh, en, ev = f"{who}已{when}被人民法院撤销监护资格", f"{whoe}'s guardianship was revoked by a court", "撤销监护资格判决"
    else:
        zh, en, ev = f"{who}已{when}被遣送（驱逐）出境", f"{whoe} was deported", "遣送（驱逐）出境文书"
    return Cond(kind, True, fact.evidence, zh, en, (FactUsed(_p(i, kind), fact.date or True),),
                _p(i, kind, "evidence"), f"{who}{ev}")


def parent_conditions(ctx: Ctx, i: int, g: Guardian, kinds: Iterable[str], *, threshold: bool) -> list[Cond]:
    """Evaluate the named conditions for one parent. ``threshold``: apply the 6-month rules (set S)."""
    out: list[Cond] = []
    for kind in kinds:
        c: Cond | None
        if kind == "deceased":
            c = _cond_deceased(ctx, i, g)
        elif kind == "declared_missing":
            c = _cond_declared_missing(ctx, i, g)
        elif kind == "severe_disability":
            c = _cond_disability(ctx, i, g)
        elif kind == "serious_illness":
            c = _cond_illness(ctx, i, g)
        elif kind == "restricted_liberty":
            c = _cond_restriction(ctx, i, g, threshold=threshold)
        elif kind == "out_of_contact":
            c = _cond_out_of_contact(ctx, i, g, threshold=threshold)
        elif kind in ("guardianship_revoked", "deported"):
            c = _cond_court(ctx, i, g, kind)
        else:  # pragma: no cover - validated at profile load
            raise ValueError(f"unknown parent condition {kind!r}")
        if c is not None:
            out.append(c)
    return out


def gone(ctx: Ctx, i: int, g: Guardian) -> list[Cond]:
    """Dead or court-declared missing (孤儿 / 事实无人抚养 "一方死亡或失踪")."""
    return [c for c in parent_conditions(ctx, i, g, ("deceased", "declared_missing"), threshold=True) if c.holds]


def _best(conds: list[Cond]) -> Cond:
    """The condition to rely on: prefer one whose evidence is on file."""
    return sorted(conds, key=lambda c: not c.evidence)[0]


def _need_evidence(out: Outcome, c: Cond) -> None:
    if not c.evidence and c.evidence_path:
        item = (c.evidence_path, c.evidence_zh, c.evidence_path)
        if item not in out.evidence_missing:
            out.evidence_missing.append(item)


