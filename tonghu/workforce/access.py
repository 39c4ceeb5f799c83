"""Capabilities, navigation and endpoints of the workforce app (see tonghu.core.capabilities for the mechanism).

Who sees ID numbers of ledger people: the children's rule (``registry.view_id_numbers``, tonghu.registry.masking).
Background-check results: county managers only (``workforce.checks``, R-F7 / issue 15 item 4)."""

from django.utils.translation import gettext_lazy as _

from tonghu.accounts.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

COUNTY = [Role.COUNTY_OFFICER, Role.COUNTY_MANAGER]
ABOVE = [Role.CITY_STAFF, Role.PROVINCE_STAFF]

grant("workforce.view", [Role.SUPERVISOR, *COUNTY, *ABOVE], _("查看儿童主任和儿童督导员台账、配备情况和培训情况"))
grant("workforce.manage", COUNTY, _("登记和修改儿童主任、儿童督导员台账，办理儿童主任交接"))
grant("workforce.training", [*COUNTY, *ABOVE], _("登记培训和参训人员"))
grant("workforce.checks", [Role.COUNTY_MANAGER], _("登记和查看入职查询（性侵害等违法犯罪记录）结果"))

nav(_("儿童主任台账"), "workforce_people", "workforce.view", order=60, group="workforce")
nav(_("配备情况"), "workforce_coverage", "workforce.view", order=61, group="workforce")
nav(_("培训覆盖"), "workforce_training", "workforce.view", order=62, group="workforce")
nav(_("培训记录"), "workforce_courses", "workforce.view", order=63, group="workforce")


# -------------------------------------------------------------------------------- objects for the matrix

def _person(ctx, kind="director"):
    import datetime as dt

    from .models import Person

    region = ctx.region if kind == "director" else ctx.region.parent
    person = Person.objects.create(kind=kind, name=f"台账矩阵{ctx.region.code[-4:]}{ctx.serial()}", region=region,
                                   appointed_on=dt.date(2022, 1, 1))
    ctx.remember("person", person)
    return person


def _course(ctx):
    import datetime as dt

    from tonghu.core.models import Region

    from .models import Attendance, Course

    county = Region.objects.get(code=ctx.region.code[:6] + "000000")
    course = Course.objects.create(region=county, level="county", title=f"培训矩阵{county.code[:6]}{ctx.serial()}",
                                   date=dt.date(2025, 5, 1), hours=4, organiser="矩阵县民政局")
    Attendance.objects.create(course=course, person=_person(ctx))
    ctx.remember("course", course)
    return course


endpoint("director-list", "workforce.view", make_object=lambda ctx: (_person(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("person").name)
endpoint("director-detail", "workforce.view", make_object=lambda ctx: {"pk": _person(ctx).pk})
endpoint("training-list", "workforce.view", make_object=lambda ctx: (_course(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("course").title)
endpoint("training-detail", "workforce.view", make_object=lambda ctx: {"pk": _course(ctx).pk})


def _person_kw(ctx):
    return {"pk": _person(ctx).pk}


endpoint("workforce_people", "workforce.view", make_object=lambda ctx: (_person(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("person").name)
endpoint("workforce_person", "workforce.view", make_object=_person_kw)
endpoint("workforce_person_create", "workforce.manage")
endpoint("workforce_person_edit", "workforce.manage", make_object=_person_kw)
endpoint("workforce_person_leave", "workforce.manage", make_object=_person_kw)
endpoint("workforce_handover", "workforce.manage", make_object=_person_kw)
endpoint("workforce_check_create", "workforce.checks", make_object=_person_kw)
endpoint("workforce_coverage", "workforce.view")
endpoint("workforce_coverage_region", "workforce.view", make_object=lambda ctx: {"code": ctx.region.code})
endpoint("workforce_training", "workforce.view", make_object=lambda ctx: (_person(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("person").name)
endpoint("workforce_courses", "workforce.view", make_object=lambda ctx: (_course(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("course").title)
endpoint("workforce_course", "workforce.view", make_object=lambda ctx: {"pk": _course(ctx).pk})
endpoint("workforce_course_create", "workforce.training")
endpoint("workforce_course_edit", "workforce.training", make_object=lambda ctx: {"pk": _course(ctx).pk})
endpoint("workforce_attendance", "workforce.training", make_object=lambda ctx: {"pk": _course(ctx).pk})
