"""Figures of the registry, policy and cases apps (R-L1), defined here because supervision sits above them (the
visit figures are in ``tonghu/visits/indicators.py``; other apps such as workforce add theirs in their own
``indicators.py`` with the same ``@measures`` / ``indicator`` of ``tonghu.core.indicators``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tonghu.core.indicators import grouped_counts, indicator, measures, month_start


@measures({
    "registry.children": _("在册儿童"),
    "registry.new_in_month": _("本月新建档"),
    "registry.left_in_month": _("本月退出"),
})
def child_counts(prefix: str, digits: int, on: dt.date):
    """Files in the registry: active ones, created in ``on``'s month, and closed (moved, aged out…) in that month."""
    from tonghu.registry.models import Child, ChildStatus

    first = month_start(on)
    return grouped_counts(Child.objects.all(), code_field="village__code", prefix=prefix, digits=digits, counts={
        "registry.children": Q(status=ChildStatus.ACTIVE),
        "registry.new_in_month": Q(created_at__date__range=(first, on)),
        "registry.left_in_month": Q(status_date__range=(first, on)) & ~Q(status=ChildStatus.ACTIVE),
    })


@measures({
    "policy.left_behind": _("农村留守儿童"),
    "policy.in_difficulty": _("困境儿童"),
    "policy.single_parent": _("单亲家庭儿童"),
    "policy.with_gaps": _("有应享未享项目的儿童"),
    "policy.classified": _("已认定的在册儿童"),
    "policy.covered": _("无应享未享项目的已认定儿童"),
})
def category_counts(prefix: str, digits: int, on: dt.date):
    """From the stored classification of each active child (the policy engine's result)."""
    from tonghu.policy.models import ChildClassification
    from tonghu.registry.models import ChildStatus

    return grouped_counts(ChildClassification.objects.filter(child__status=ChildStatus.ACTIVE), code_field="child__village__code",
                          prefix=prefix, digits=digits, counts={
                              "policy.left_behind": Q(left_behind=True),
                              "policy.in_difficulty": Q(in_difficulty=True),
                              "policy.single_parent": Q(single_parent=True),
                              "policy.with_gaps": Q(gap_count__gt=0),
                              "policy.classified": None,
                              "policy.covered": Q(gap_count=0),
                          })


@measures({
    "cases.reports_in_month": _("本月收到的强制报告"),
    "cases.reports_waiting": _("待受理的报告"),
})
def report_counts(prefix: str, digits: int, on: dt.date):
    from tonghu.cases.models import Report, ReportStatus

    first = month_start(on)
    return grouped_counts(Report.objects.all(), code_field="region__code", prefix=prefix, digits=digits, counts={
        "cases.reports_in_month": Q(submitted_at__date__range=(first, on)),
        "cases.reports_waiting": Q(status=ReportStatus.SUBMITTED),
    })


@measures({"cases.cases_open": _("在办个案")})
def case_counts(prefix: str, digits: int, on: dt.date):
    from tonghu.cases.models import Case, CaseStatus

    return grouped_counts(Case.objects.exclude(status=CaseStatus.CLOSED), code_field="region__code", prefix=prefix,
                          digits=digits, counts={"cases.cases_open": None})


indicator("registry.children", label=_("在册儿童"), group="registry", order=1, headline=True, numerator="registry.children",
          definition=_("档案状态为“在册”的儿童人数（一人一档）。"), formula=_("在册儿童档案数"),
          sources=("registry_child",), seeds=("000 §二8", "R-B2"))
indicator("registry.new_in_month", label=_("本月新建档"), group="registry", order=2, numerator="registry.new_in_month",
          definition=_("统计月内新建立的儿童档案数。"), formula=_("建档时间在统计月内的档案数"),
          sources=("registry_child",), seeds=("R-B3",))
indicator("registry.left_in_month", label=_("本月退出"), group="registry", order=3, numerator="registry.left_in_month",
          definition=_("统计月内迁出、满龄、死亡或结档的儿童人数。"), formula=_("状态变更日期在统计月内且不在册的档案数"),
          sources=("registry_child",), seeds=("R-B3",))
indicator("policy.left_behind", label=_("农村留守儿童"), group="policy", order=5, headline=True, numerator="policy.left_behind",
          definition=_("在册儿童中，按适用政策方案认定为农村留守儿童的人数。"), formula=_("认定结果含“农村留守儿童”的在册儿童数"),
          sources=("policy_childclassification",), seeds=("R-A1",))
indicator("policy.in_difficulty", label=_("困境儿童"), group="policy", order=6, headline=True, numerator="policy.in_difficulty",
          definition=_("在册儿童中，按适用政策方案认定为困境儿童（任一类别）的人数。"), formula=_("认定结果含困境儿童任一类别的在册儿童数"),
          sources=("policy_childclassification",), seeds=("R-A2",))
indicator("policy.single_parent", label=_("单亲家庭儿童"), group="policy", order=7, numerator="policy.single_parent",
          definition=_("在册儿童中，认定为单亲家庭儿童的人数。"), formula=_("认定结果含“单亲家庭儿童”的在册儿童数"),
          sources=("policy_childclassification",), seeds=("000 §二8",))
indicator("policy.coverage", label=_("应保尽保率"), group="policy", order=8, unit="pct", better="high", headline=True,
          numerator="policy.covered", denominator="policy.classified",
          definition=_("已认定的在册儿童中，没有任何应享未享保障项目的儿童所占比例。"),
          formula=_("无应享未享项目的已认定儿童 ÷ 已认定的在册儿童 × 100%"),
          sources=("registry_child", "policy_childclassification"), seeds=("R-E1",))
indicator("policy.with_gaps", label=_("有应享未享项目的儿童"), group="policy", order=9, better="low", numerator="policy.with_gaps",
          definition=_("在册儿童中，至少有一项应享未享保障项目的人数。"), formula=_("应享未享项数大于 0 的在册儿童数"),
          sources=("policy_childclassification",), seeds=("R-E1",))
indicator("cases.reports_in_month", label=_("本月强制报告"), group="cases", order=40, numerator="cases.reports_in_month",
          definition=_("统计月内收到的强制报告数。"), formula=_("报告时间在统计月内的报告数"),
          sources=("cases_report",), seeds=("R-D1",))
indicator("cases.reports_waiting", label=_("待受理报告"), group="cases", order=41, better="low", numerator="cases.reports_waiting",
          definition=_("状态为“待受理”的强制报告数。"), formula=_("待受理的报告数"), sources=("cases_report",), seeds=("R-D1",))
indicator("cases.cases_open", label=_("在办个案"), group="cases", order=42, numerator="cases.cases_open",
          definition=_("已受理、尚未结案的个案数。"), formula=_("状态不是“已结案”的个案数"), sources=("cases_case",), seeds=("R-D1",))

