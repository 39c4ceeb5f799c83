"""Capabilities, navigation and endpoints of the visits app (see tonghu.core.capabilities for the mechanism)."""

from django.utils.translation import gettext_lazy as _

from tonghu.core.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

DIRECTOR = [Role.CHILD_DIRECTOR]
COUNTY = [Role.COUNTY_OFFICER, Role.COUNTY_MANAGER]
SUPERVISING = [Role.SUPERVISOR, *COUNTY, Role.CITY_STAFF, Role.PROVINCE_STAFF]

grant("visits.view", [*DIRECTOR, *SUPERVISING], _("查看本辖区的走访任务、走访记录和发现的问题"))
grant("visits.record", [*DIRECTOR, *COUNTY], _("记录联系和入户走访"))
grant("visits.supervise", SUPERVISING, _("查看走访及时率、逾期情况和月度趋势（督导）"))
grant("visits.handle_problems", [*DIRECTOR, Role.SUPERVISOR, *COUNTY], _("跟进处理走访发现的问题"))
grant("visits.census_manage", COUNTY, _("发起摸底排查"))
grant("visits.census_view", [*DIRECTOR, *SUPERVISING], _("查看摸底排查进度"))
grant("visits.census_confirm", [*DIRECTOR, *COUNTY], _("逐一确认本村儿童（摸底排查）"))

# City and province staff supervise; a task list of every village of a province is no use to them (issue 18 §6).
nav(_("今日任务"), "visit_tasks", "visits.view", order=5, roles=[*DIRECTOR, Role.SUPERVISOR, *COUNTY])
nav(_("问题跟进"), "problem_list", "visits.view", order=20, group="visits")
nav(_("走访督导"), "visit_compliance", "visits.supervise", order=25, group="visits")
nav(_("摸底排查"), "census_list", "visits.census_view", order=30, group="visits")


# -------------------------------------------------------------------------------- objects for the matrix

def _child(ctx):
    from tonghu.registry.models import Child

    child = Child.objects.create(name=f"走访矩阵{ctx.region.code[-4:]}{ctx.serial()}", sex="M", birth_date="2014-03-01", village=ctx.region)
    ctx.remember("child", child)
    return child


def _schedule(ctx):
    import datetime as dt

    from django.utils import timezone

    from .models import Schedule

    child = _child(ctx)
    today = timezone.localdate()
    return Schedule.objects.create(child=child, village=ctx.region, kind="contact", interval_months=1, interval_label="每月联系",
                                   opens_on=today - dt.timedelta(days=20), due_on=today - dt.timedelta(days=5), state="overdue")


def _visit(ctx):
    from .models import Visit

    child = _child(ctx)
    visit = Visit.objects.create(child=child, kind="home_visit", date=__import__("datetime").date(2025, 1, 10), measures="矩阵", harm_found=True, report_status="pending")
    ctx.remember("visit", visit)
    return visit


def _photo(ctx):
    from django.core.files.base import ContentFile

    from .models import VisitPhoto

    photo = VisitPhoto(visit=_visit(ctx), content_type="image/png")
    photo.file.save("m.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return {"pk": photo.pk}


def _problem(ctx):
    from .models import Problem

    child = _child(ctx)
    p = Problem.objects.create(child=child, category="schooling", description=f"矩阵问题{ctx.serial()}", due_on="2030-01-01")
    ctx.remember("problem", p)
    return {"pk": p.pk}


def _campaign_part(ctx):
    from tonghu.core.models import Region

    from .models import Campaign, CampaignVillage

    county = Region.objects.get(code=ctx.region.code[:6] + "000000")
    campaign = Campaign.objects.create(name=f"矩阵摸排{ctx.region.code[:6]}{ctx.serial()}", scope=county, deadline="2030-06-30")
    ctx.remember("campaign", campaign)
    return CampaignVillage.objects.create(campaign=campaign, village=ctx.region, expected=1)


endpoint("visit_tasks", "visits.view", make_object=lambda ctx: (_schedule(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("child").name)
endpoint("visit_create", "visits.record", make_object=lambda ctx: {"child": _child(ctx).pk})
endpoint("visit_detail", "visits.view", make_object=lambda ctx: {"pk": _visit(ctx).pk})
endpoint("visit_photo", "visits.view", make_object=_photo)
endpoint("visit_report", "visits.record", make_object=lambda ctx: {"pk": _visit(ctx).pk}, methods=("POST",))
endpoint("problem_list", "visits.view", make_object=lambda ctx: (_problem(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("problem").description)
endpoint("problem_detail", "visits.view", make_object=_problem)
endpoint("visit_compliance", "visits.supervise")
endpoint("visit_compliance_region", "visits.supervise", make_object=lambda ctx: (_schedule(ctx), {"code": ctx.region.code})[1],
         list_marker=lambda ctx, kw: ctx.recalled("child").name)
endpoint("census_list", "visits.census_view", make_object=lambda ctx: (_campaign_part(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("campaign").name)
endpoint("census_create", "visits.census_manage")
endpoint("census_detail", "visits.census_view", make_object=lambda ctx: {"pk": _campaign_part(ctx).campaign_id})
endpoint("census_village", "visits.census_view", make_object=lambda ctx: {"pk": _campaign_part(ctx).pk})
endpoint("notification_list", None)
endpoint("task-list", "visits.view", make_object=lambda ctx: (_schedule(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("child").name)
endpoint("task-detail", "visits.view", make_object=lambda ctx: {"pk": _schedule(ctx).pk})
endpoint("visit-list", "visits.view", make_object=lambda ctx: (_visit(ctx), {})[1],
         list_marker=lambda ctx, kw: f'"id":{ctx.recalled("visit").pk},')
endpoint("visit-detail", "visits.view", make_object=lambda ctx: {"pk": _visit(ctx).pk})

from . import handlers  # noqa: E402,F401  (registers the visits_refresh job kind)
from . import sections  # noqa: E402,F401  (the child-file section)
