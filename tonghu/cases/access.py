"""Capabilities, navigation and endpoints of mandatory reports and cases (policy: docs/cases.md, "Who sees what")."""

from django.utils.translation import gettext_lazy as _

from tonghu.core.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

R = Role
COUNTY = [R.COUNTY_OFFICER, R.COUNTY_MANAGER]

grant("cases.report", [R.REPORTER, R.CHILD_DIRECTOR, R.SUPERVISOR, *COUNTY], _("提交强制报告，查看本人所报报告的受理情况和处理结果"))
grant("cases.hotline", COUNTY, _("登记 12345/未成年人保护热线来电"))
grant("cases.receive", [*COUNTY, R.REPORTER], _("接收转至本部门的强制报告（民政：县级经办人、负责人；公安、教育、妇联等：本部门报告人账号）并签收或受理"))
grant("cases.view_case", [*COUNTY, R.PROCURATOR, R.REPORTER, R.CHILD_DIRECTOR, R.SUPERVISOR],
      _("查看个案详情：县级民政人员看本县全部个案，检察监督员看辖区全部个案，其他角色仅看本人被加入团队的个案"))
grant("cases.handle", COUNTY, _("受理报告、评估监护风险、个案会商、临时监护安置、管理个案团队、申请结案"))
grant("cases.contribute", [*COUNTY, R.REPORTER, R.CHILD_DIRECTOR, R.SUPERVISOR], _("个案团队成员记录干预措施、转介和回访"))
grant("cases.approve_closure", [R.COUNTY_MANAGER], _("审批结案、重新开启个案"))
grant("cases.review", [R.PROCURATOR], _("检察审查每一个个案（每案必查），记录审查意见和应报未报倒查"))
grant("cases.view_figures", [*COUNTY, R.CITY_STAFF, R.PROVINCE_STAFF, R.PROCURATOR], _("查看本辖区强制报告和个案统计（不含个人信息）"))

nav(_("强制报告"), "report_create", "cases.report", order=30, group="cases")
def _receives_reports(user) -> bool:
    """County staff always; a department's reporter account only when reports are routed to its department."""
    if user.role != R.REPORTER:
        return True
    if not user.region_id:
        return False
    from tonghu.cases.rules import rules_for_region

    return user.department in rules_for_region(user.region_id).receiving_departments()


def _has_cases(user) -> bool:
    """County staff and procurators see every case of their area; others only cases whose team they are on."""
    if user.role in (*COUNTY, R.PROCURATOR):
        return True
    from tonghu.cases.models import CaseMember

    return CaseMember.objects.filter(user=user).exists()


nav(_("收到的报告"), "report_inbox", "cases.receive", order=31, group="cases", show=_receives_reports)
nav(_("个案"), "case_list", "cases.view_case", order=32, group="cases", show=_has_cases)
nav(_("每案必查"), "review_queue", "cases.review", order=33, group="cases")
nav(_("报告统计"), "case_figures", "cases.view_figures", order=34, group="cases")


# -------------------------------------------------------------------------------- permission-matrix fixtures


def _officer(region):
    from tonghu.accounts.models import User
    from tonghu.core.models import Region

    county = Region.objects.get(code=region.code[:6].ljust(12, "0"))
    user, _created = User.objects.get_or_create(username=f"matrix-cases-{county.code}", defaults={"role": R.COUNTY_OFFICER, "region": county})
    return user


def _report(ctx, *, own=False):
    from .services import report_file

    report = report_file(actor=_officer(ctx.region), situation="abandonment", what_happened=f"矩阵报告{ctx.serial()}",
                         immediate_danger=False, region=ctx.region, child_name="矩阵儿童", child_age=9)
    if own:
        report.reporter = ctx.user if ctx.in_scope else ctx.stranger
        report.save(update_fields=["reporter"])
    ctx.remember("report", report)
    return report


def _case(ctx):
    from .models import CaseMember
    from .services import report_accept

    report = _report(ctx)
    case = report_accept(actor=_officer(ctx.region), report=report)
    CaseMember.objects.get_or_create(case=case, user=ctx.user)  # membership never bypasses the region
    ctx.remember("case", case)
    return case


def _report_kw(ctx):
    return {"pk": _report(ctx).pk}


def _own_report_kw(ctx):
    return {"pk": _report(ctx, own=True).pk}


def _case_kw(ctx):
    return {"pk": _case(ctx).pk}


def _list(maker):
    def make(ctx):
        maker(ctx)
        return {}

    return make


def _referral_kw(ctx):
    import datetime as dt

    from .models import Referral

    case = _case(ctx)
    r = Referral.objects.create(case=case, target_kind="service", target_name="矩阵转介", referred_on=dt.date(2026, 1, 5), recorded_by=case.accepted_by)
    return {"pk": case.pk, "referral": r.pk}


def _document_kw(ctx):
    import datetime as dt

    from django.core.files.base import ContentFile

    from .models import Intervention

    case = _case(ctx)
    i = Intervention(case=case, kind="protection_order", department="court", started_on=dt.date(2026, 1, 5), recorded_by=case.accepted_by)
    i.document.save("order.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    i.save()
    return {"pk": case.pk, "intervention": i.pk}


def _report_marker(ctx, kw):
    return ctx.recalled("report").number


def _case_marker(ctx, kw):
    return ctx.recalled("case").number


endpoint("report_create", "cases.report")
endpoint("report_hotline", "cases.hotline")
endpoint("report_mine", "cases.report", make_object=_list(lambda ctx: _report(ctx, own=True)), list_marker=_report_marker)
endpoint("report_detail", "cases.report", make_object=_own_report_kw)
endpoint("report_inbox", "cases.receive", make_object=_list(_report), list_marker=_report_marker)
endpoint("report_received", "cases.receive", make_object=_report_kw)
endpoint("report_accept", "cases.handle", make_object=_report_kw)
endpoint("case_list", "cases.view_case", make_object=_list(_case), list_marker=_case_marker)
endpoint("case_detail", "cases.view_case", make_object=_case_kw)
for _name in ("case_assess", "case_conference", "case_placement", "case_member_add", "case_link_child", "case_close_request"):
    endpoint(_name, "cases.handle", make_object=_case_kw)
for _name in ("case_intervention", "case_referral", "case_followup"):
    endpoint(_name, "cases.contribute", make_object=_case_kw)
endpoint("case_referral_update", "cases.contribute", make_object=_referral_kw)
endpoint("case_document", "cases.view_case", make_object=_document_kw)
endpoint("case_close_approve", "cases.approve_closure", make_object=_case_kw)
endpoint("case_reopen", "cases.approve_closure", make_object=_case_kw)
endpoint("review_queue", "cases.review", make_object=_list(_case), list_marker=_case_marker)
endpoint("case_review", "cases.review", make_object=_case_kw)
endpoint("case_figures", "cases.view_figures")
# API
endpoint("report-list", "cases.report", make_object=_list(lambda ctx: _report(ctx, own=True)), list_marker=_report_marker)
endpoint("report-detail", "cases.report", make_object=_own_report_kw)
endpoint("case-list", "cases.view_case", make_object=_list(_case), list_marker=_case_marker)
endpoint("case-detail", "cases.view_case", make_object=_case_kw)

from . import file_sections, handlers  # noqa: E402,F401  (registry file section; job kinds)
