from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tonghu.cases import services


def file_report(actor, region, **kw):
    data = dict(situation="abandonment", what_happened="儿童长期独自在家，无人照料。", immediate_danger=False, region=region,
                child_name="小明", child_age=8)
    data.update(kw)
    return services.report_file(actor=actor, **data)


def open_case(officer, report, **kw):
    return services.report_accept(actor=officer, report=report, **kw)


def assess(officer, case, **scores):
    base = {c: 0 for c in ["child_safety", "child_health", "child_schooling", "guardian_presence", "guardian_capacity", "guardian_conduct", "family_economy", "family_support"]}
    base.update(scores)
    return services.case_assess(actor=officer, case=case, assessed_on=timezone.localdate(), scores=base)


def backdate(report, hours):
    from tonghu.cases.models import Deadline, Report

    delta = dt.timedelta(hours=hours)
    Report.objects.filter(pk=report.pk).update(submitted_at=report.submitted_at - delta)
    for d in Deadline.objects.filter(report=report):
        Deadline.objects.filter(pk=d.pk).update(due_at=d.due_at - delta)
    report.refresh_from_db()
